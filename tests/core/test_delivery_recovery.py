"""Recovery of every kind of email (core.delivery_recovery): stranded by lack of progress, within about a minute,
keeping a deferred row's backoff, never while the mail server cannot be reached; and a row marked sent stays sent.

The notice fan-out's side (leases, the relay, per-notice progress, the progress page) is in
tests/notices/test_delivery_recovery.py.
"""

from __future__ import annotations

import datetime
import smtplib
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone

from ercot_services.core import delivery
from ercot_services.core.delivery import delivery_send, mail_server_state, outbox_kind
from ercot_services.core.delivery_recovery import last_sweep, outbox_sweep, stranded_rows
from ercot_services.core.models import OutboundEmail
from ercot_services.core.outbox import email_queue
from ercot_services.core.tasks import send_outbound_email

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.OUTBOX_STALLED_SECONDS = 60
    cache.clear()


def queued(address: str, *, seconds_ago: float, attempts: int = 0) -> OutboundEmail:
    row = email_queue(key=f"test:{address}", to=[address], subject="Hello", body="Body")  # on_commit never runs
    OutboundEmail.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - datetime.timedelta(seconds=seconds_ago), attempts=attempts
    )
    return row


def test_an_email_whose_task_was_lost_is_queued_again_after_a_minute_not_ten():
    recent = queued("recent@example.com", seconds_ago=30)
    lost = queued("lost@example.com", seconds_ago=61)
    assert list(stranded_rows(outbox_kind("email"), timezone.now())) == [lost]
    with mock.patch.object(send_outbound_email, "apply_async") as enqueued:
        assert outbox_sweep(kinds=["email"]) == {"email": 1}
    enqueued.assert_called_once_with(kwargs={"email_id": lost.pk}, ignore_result=True)
    assert recent.pk != lost.pk


def test_an_email_the_server_deferred_is_left_to_its_task_s_backoff():
    deferred = queued("deferred@example.com", seconds_ago=100, attempts=1)  # retried by its task after 1 minute
    assert not stranded_rows(outbox_kind("email"), timezone.now()).exists()
    OutboundEmail.objects.filter(pk=deferred.pk).update(created_at=timezone.now() - datetime.timedelta(seconds=121))
    assert list(stranded_rows(outbox_kind("email"), timezone.now())) == [deferred]


def test_the_sweep_waits_for_a_mail_server_that_cannot_be_reached_and_says_when_it_ran():
    queued("lost@example.com", seconds_ago=600)
    refusing = mock.Mock()
    refusing.open.side_effect = ConnectionRefusedError(111, "Connection refused")
    with (
        mock.patch.object(delivery, "get_connection", return_value=refusing),
        mock.patch.object(send_outbound_email, "apply_async") as enqueued,
    ):
        assert outbox_sweep(kinds=["email"]) == {"email": 0}
    enqueued.assert_not_called()  # every task would fail: they wait, and the next sweep queues them
    assert mail_server_state()["ok"] is False and "Connection refused" in mail_server_state()["error"]
    assert last_sweep() is not None and timezone.now() - last_sweep() < datetime.timedelta(seconds=5)


def test_a_sweep_with_nothing_stranded_does_not_touch_the_mail_server():
    queued("recent@example.com", seconds_ago=5)
    with mock.patch.object(delivery, "get_connection") as get_connection:
        assert outbox_sweep(kinds=["email"]) == {"email": 0}
    get_connection.assert_not_called()
    assert last_sweep() is not None


def test_a_late_failure_never_puts_back_a_row_another_run_marked_sent():
    row = queued("a@example.com", seconds_ago=0)
    stale = OutboundEmail.objects.get(pk=row.pk)
    OutboundEmail.objects.filter(pk=row.pk).update(status="sent", sent_at=timezone.now(), attempts=1)
    connection = mock.Mock()
    connection.send_messages.side_effect = TimeoutError("timed out")  # this run's copy was lost in a hang
    status, _ = delivery_send(kind=outbox_kind("email"), row=stale, connection=connection)
    assert status == "pending"
    assert OutboundEmail.objects.values_list("status", "attempts").get(pk=row.pk) == ("sent", 1)


def test_an_unreachable_server_is_remembered_for_the_staff_pages_and_a_send_clears_it():
    row = queued("a@example.com", seconds_ago=0)
    refusing = mock.Mock()
    refusing.open.side_effect = smtplib.SMTPConnectError(421, b"4.3.2 Too busy")
    report = delivery.outbox_send(kind="email", rows=OutboundEmail.objects.filter(pk=row.pk), connection=refusing)
    assert report.unreachable and mail_server_state()["ok"] is False
    assert "Too busy" in mail_server_state()["error"]
    delivery.outbox_send(kind="email", rows=OutboundEmail.objects.filter(pk=row.pk))
    assert mail_server_state()["ok"] is True


def test_a_cache_that_is_down_never_fails_a_delivery():
    row = queued("a@example.com", seconds_ago=0)
    with mock.patch.object(delivery.cache, "set", side_effect=ConnectionError("cache down")):
        assert delivery.outbox_send(kind="email", rows=OutboundEmail.objects.filter(pk=row.pk)).sent == 1
    with mock.patch.object(delivery.cache, "get", side_effect=ConnectionError("cache down")):
        assert mail_server_state() is None
