"""Real delivery: publish to ~200 recipients through a real Celery worker (Redis) to an SMTP sink."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from notices.models import NoticeDelivery, Subscription
from notices.tasks import fan_out_notice

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

RECIPIENTS = 200


def test_each_recipient_receives_the_notice_exactly_once(
    reference_data, settings, smtp_sink, celery_worker_thread, publish, public_list
):
    settings.NOTICE_CHUNK_SIZE = 40
    emails = [f"reader{i:03d}@example.com" for i in range(RECIPIENTS)]
    Subscription.objects.bulk_create(
        Subscription(distribution_list=public_list, email=e, status=Subscription.Status.CONFIRMED) for e in emails
    )
    notice = publish(lists=[public_list])  # commits: the fan-out goes to the worker
    envelopes = smtp_sink.wait_for(RECIPIENTS, timeout=60)
    assert len(envelopes) == RECIPIENTS
    counts = Counter(rcpt for e in envelopes for rcpt in e.rcpt_tos)
    assert counts == Counter(emails)
    deadline = time.monotonic() + 10
    while (
        NoticeDelivery.objects.filter(notice=notice, status="sent").count() < RECIPIENTS and time.monotonic() < deadline
    ):
        time.sleep(0.1)
    assert NoticeDelivery.objects.filter(notice=notice, status="sent").count() == RECIPIENTS
    message_ids = {m["Message-ID"] for m in smtp_sink.messages()}
    assert len(message_ids) == RECIPIENTS

    # Re-running the fan-out sends nothing new.
    assert fan_out_notice.delay(notice_id=notice.pk).get(timeout=20) == 0
    time.sleep(1)
    assert len(smtp_sink.envelopes) == RECIPIENTS
