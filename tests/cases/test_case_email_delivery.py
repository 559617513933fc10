"""The submission receipt through the whole stack: on-commit task → Redis → a real Celery worker → SMTP.

The worker runs in a thread of the test process (``celery.contrib.testing``), so it
shares the test database; it consumes a queue of its own, so no other worker on the
same broker can take this test's tasks.
"""

from __future__ import annotations

import email
import email.policy
import time

import pytest
from django.db import transaction

from cases.models import CaseCategory, CaseKind, CaseNotification
from cases.tasks import send_case_notifications
from tests.case_inputs import submit_case
from tests.mail import WAIT_SECONDS

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

# The SMTP sink (``smtp_sink``) and the in-thread worker (``celery_worker_thread``)
# are shared fixtures: tests/conftest.py and tests/mail.py.


def test_receipt_is_delivered_once_by_a_real_worker(
    reference_data, smtp_sink, celery_worker_thread, participant, mp_user
):
    category = CaseCategory.objects.get(code="registration")

    with transaction.atomic():
        case = submit_case(
            actor=mp_user,
            kind=CaseKind.INQUIRY,
            category=category,
            participant=participant,
            subject="Delivery check",
            description="Is the receipt delivered over SMTP?",
        )
        assert CaseNotification.objects.get(case=case).status == CaseNotification.Status.PENDING
    # Committed: the on-commit hook has queued the task on the broker.

    envelopes = smtp_sink.wait_for(1)
    assert len(envelopes) == 1, f"no receipt within {WAIT_SECONDS} s"
    time.sleep(1)  # a duplicate would arrive now
    [envelope] = smtp_sink.envelopes
    assert envelope.rcpt_tos == [mp_user.email]
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert message["To"] == mp_user.email
    assert case.reference in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert f"/portal/cases/{case.reference}/" in body
    assert message["X-Case-Reference"] == case.reference

    row = CaseNotification.objects.get(case=case)
    assert row.status == CaseNotification.Status.SENT
    assert row.attempts == 1

    # The same task again, through the broker and the worker: nothing more is sent.
    assert send_case_notifications.delay(case_id=case.pk, event_key="submitted").get(timeout=WAIT_SECONDS) == 0
    time.sleep(0.5)
    assert len(smtp_sink.envelopes) == 1
    assert CaseNotification.objects.get(case=case).attempts == 1
