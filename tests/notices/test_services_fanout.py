"""Fan-out: chunked claims, exactly once per recipient across a crash, transient and permanent SMTP errors."""

from __future__ import annotations

import datetime
import smtplib
from collections import Counter
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.utils import timezone

from notices.emails import build_message
from notices.models import NoticeDelivery
from notices.tasks import _claim, fan_out_notice, reclaim_abandoned, send_notice_chunk

from .conftest import subscribe

EMAILS = [f"r{i}@example.com" for i in range(6)]


@pytest.fixture
def notice(publish, public_list, django_capture_on_commit_callbacks):
    subscribe(public_list, *EMAILS)
    with django_capture_on_commit_callbacks(execute=False):  # no fan-out yet: the tests drive it
        return publish(lists=[public_list])


def statuses(notice):
    return Counter(NoticeDelivery.objects.filter(notice=notice).values_list("status", flat=True))


def received():
    return Counter(m.to[0] for m in mail.outbox)


def test_fan_out_queues_chunks_not_one_task_per_recipient(notice, settings):
    settings.NOTICE_CHUNK_SIZE = 4
    with mock.patch.object(send_notice_chunk, "apply_async") as queued:
        assert fan_out_notice(notice_id=notice.pk) == 2
    assert queued.call_count == 2


def test_crash_between_claim_and_send_is_reclaimed_after_the_timeout(notice, settings):
    settings.NOTICE_CLAIM_TIMEOUT_SECONDS = 60
    claimed = _claim(notice.pk, 100)  # the worker claimed the chunk ...
    assert len(claimed) == len(EMAILS)
    # ... sent the first message, and died before marking it sent.
    in_flight = NoticeDelivery.objects.select_related("distribution_list").get(pk=claimed[0])
    build_message(notice, in_flight).send()

    # Another worker finds nothing to do while the claim is fresh.
    assert send_notice_chunk(notice_id=notice.pk) == {"sent": 0, "failed": 0, "retry": 0}
    assert reclaim_abandoned() == 0
    assert len(mail.outbox) == 1

    NoticeDelivery.objects.filter(pk__in=claimed).update(claimed_at=timezone.now() - datetime.timedelta(seconds=61))
    with mock.patch.object(send_notice_chunk, "apply_async") as queued:
        assert reclaim_abandoned() == 1
    queued.assert_called_once_with(kwargs={"notice_id": notice.pk}, ignore_result=True)
    assert send_notice_chunk(notice_id=notice.pk)["sent"] == len(EMAILS)
    counts = received()
    assert set(counts) == set(EMAILS)
    # Only the message in flight went twice, and with the same Message-ID.
    assert [e for e, n in counts.items() if n > 1] == [in_flight.email]
    ids = {m.extra_headers["Message-ID"] for m in mail.outbox if m.to == [in_flight.email]}
    assert ids == {in_flight.message_id}
    assert statuses(notice) == {"sent": len(EMAILS)}

    # Running again sends nothing.
    assert send_notice_chunk(notice_id=notice.pk)["sent"] == 0
    assert fan_out_notice(notice_id=notice.pk) == 0
    assert len(mail.outbox) == len(EMAILS) + 1


def test_each_recipient_exactly_once_without_a_crash(notice, settings):
    settings.NOTICE_CHUNK_SIZE = 4
    with mock.patch.object(
        send_notice_chunk, "apply_async", side_effect=lambda kwargs, **options: send_notice_chunk(**kwargs)
    ):
        fan_out_notice(notice_id=notice.pk)
    assert received() == Counter(EMAILS)
    fan_out_notice(notice_id=notice.pk)
    assert received() == Counter(EMAILS)


def test_a_row_marked_sent_is_never_sent_again(notice, settings):
    settings.NOTICE_CLAIM_TIMEOUT_SECONDS = 60
    rows = list(NoticeDelivery.objects.filter(notice=notice).order_by("pk"))
    NoticeDelivery.objects.filter(pk=rows[0].pk).update(status="sent", sent_at=timezone.now())
    # Even a stale claim on a sent row does not bring it back.
    NoticeDelivery.objects.filter(pk=rows[1].pk).update(
        status="sent", claimed_at=timezone.now() - datetime.timedelta(days=1)
    )
    send_notice_chunk(notice_id=notice.pk)
    assert set(received()) == {r.email for r in rows[2:]}
    assert all(n == 1 for n in received().values())


class FailingConnection:
    """A mail connection whose every send fails with ``error``."""

    def __init__(self, error):
        self.error = error
        self.attempts = 0

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        self.attempts += 1
        raise self.error


def test_transient_error_leaves_rows_pending_and_retries(notice):
    connection = FailingConnection(smtplib.SMTPResponseException(451, b"4.3.0 Try again later"))
    with (
        mock.patch("notices.tasks.get_connection", return_value=connection),
        mock.patch.object(send_notice_chunk, "retry", side_effect=Retry("retry")) as retry,
        pytest.raises(Retry),
    ):
        send_notice_chunk(notice_id=notice.pk)
    retry.assert_called_once()
    assert retry.call_args.kwargs["countdown"] > 0
    rows = NoticeDelivery.objects.filter(notice=notice)
    assert set(rows.values_list("status", "attempts", "claimed_at")) == {("pending", 1, None)}
    assert "451" in rows.first().last_error
    # The retry then delivers them.
    send_notice_chunk(notice_id=notice.pk)
    assert received() == Counter(EMAILS)
    assert set(rows.values_list("status", "attempts")) == {("sent", 2)}


def test_permanent_error_marks_rows_failed_without_retry(notice):
    connection = FailingConnection(smtplib.SMTPResponseException(550, b"5.1.1 No such user"))
    with (
        mock.patch("notices.tasks.get_connection", return_value=connection),
        mock.patch.object(send_notice_chunk, "retry", side_effect=Retry("retry")) as retry,
    ):
        result = send_notice_chunk(notice_id=notice.pk)
    retry.assert_not_called()
    assert result == {"sent": 0, "failed": len(EMAILS), "retry": 0}
    assert statuses(notice) == {"failed": len(EMAILS)}
    assert "550" in NoticeDelivery.objects.filter(notice=notice).first().last_error
    send_notice_chunk(notice_id=notice.pk)
    assert connection.attempts == len(EMAILS)  # failed rows are not tried again


def test_refused_recipient_is_permanent(notice):
    error = smtplib.SMTPRecipientsRefused({"r0@example.com": (550, b"5.1.1 unknown")})
    with mock.patch("notices.tasks.get_connection", return_value=FailingConnection(error)):
        send_notice_chunk(notice_id=notice.pk)
    assert statuses(notice) == {"failed": len(EMAILS)}


def test_a_row_failing_transiently_too_often_becomes_failed(notice):
    NoticeDelivery.objects.filter(notice=notice).update(attempts=4)
    connection = FailingConnection(smtplib.SMTPResponseException(421, b"4.4.2 Timeout"))
    with mock.patch("notices.tasks.get_connection", return_value=connection):
        send_notice_chunk(notice_id=notice.pk)
    assert statuses(notice) == {"failed": len(EMAILS)}


class UnreachableConnection(FailingConnection):
    """A mail server that refuses the connection itself."""

    def open(self):
        raise ConnectionRefusedError("connection refused")


def test_an_unreachable_mail_server_releases_the_chunk_at_once_and_retries_without_charging_attempts(notice):
    with (
        mock.patch("notices.tasks.get_connection", return_value=UnreachableConnection(None)),
        mock.patch.object(send_notice_chunk, "retry", side_effect=Retry("retry")) as retry,
        pytest.raises(Retry),
    ):
        send_notice_chunk(notice_id=notice.pk)
    retry.assert_called_once()
    # Back to pending now, not after the claim timeout, and no attempt spent on a server that was not there.
    rows = NoticeDelivery.objects.filter(notice=notice)
    assert set(rows.values_list("status", "attempts", "claimed_at")) == {("pending", 0, None)}
    assert send_notice_chunk(notice_id=notice.pk)["sent"] == len(EMAILS)
    assert received() == Counter(EMAILS)


def test_the_sweep_queues_enough_chunks_for_every_stranded_row(notice, settings):
    settings.NOTICE_CHUNK_SIZE = 4
    NoticeDelivery.objects.filter(notice=notice).update(claimed_at=None)
    type(notice).objects.filter(pk=notice.pk).update(published_at=timezone.now() - datetime.timedelta(hours=1))
    with mock.patch.object(send_notice_chunk, "apply_async") as queued:
        assert reclaim_abandoned() == 2  # 6 rows, chunks of 4
    assert queued.call_count == 2


def test_a_chunk_interrupted_midway_hands_its_unsent_rows_back_at_once(notice):
    from notices import outbox

    built = []

    def build_then_stop(notice, delivery, connection=None):
        if len(built) == 2:
            raise SystemExit("worker shutting down")  # as a time limit or a warm shutdown would interrupt it
        built.append(delivery.email)
        return build_message(notice, delivery, connection)

    with mock.patch.object(outbox, "build_message", side_effect=build_then_stop), pytest.raises(SystemExit):
        send_notice_chunk(notice_id=notice.pk)

    assert statuses(notice) == {"sent": 2, "pending": len(EMAILS) - 2}
    assert set(NoticeDelivery.objects.filter(notice=notice, status="pending").values_list("claimed_at", flat=True)) == {
        None
    }
    send_notice_chunk(notice_id=notice.pk)
    assert received() == Counter(EMAILS)
