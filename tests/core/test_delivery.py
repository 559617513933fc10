"""The outbox engine (core.delivery): one attempt limit, one retry policy, one sweep, for every kind of email."""

from __future__ import annotations

import dataclasses
import datetime
import smtplib
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.utils import timezone

from ercot_services.core import delivery
from ercot_services.core.delivery import (
    MAX_ATTEMPTS,
    OutboxKind,
    is_permanent,
    outbox_kinds,
    outbox_send,
    retry_countdown,
)
from ercot_services.core.delivery_recovery import outbox_sweep
from ercot_services.core.models import OutboundEmail
from ercot_services.core.outbox import email_queue
from ercot_services.core.tasks import send_outbound_email

pytestmark = pytest.mark.django_db


class Connection:
    """A mail connection that records what it sent; ``errors`` maps an address to the error its send raises."""

    def __init__(self, errors=None, open_error=None):
        self.errors = errors or {}
        self.open_error = open_error
        self.sent = []
        self.opened = 0

    def open(self):
        if self.open_error is not None:
            raise self.open_error
        self.opened += 1
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        for message in messages:
            error = self.errors.get(message.to[0])
            if error is not None:
                raise error
            self.sent.append(message)
        return len(messages)


def queue(*addresses):
    """Pending rows, one per address (the test transaction never commits, so no task sends them)."""
    return [email_queue(key=f"test:{a}", to=[a], subject=f"To {a}", body="Body") for a in addresses]


def statuses(rows):
    return [OutboundEmail.objects.values_list("status", "attempts").get(pk=row.pk) for row in rows]


def test_a_row_is_sent_with_its_own_message_id_and_a_second_run_sends_nothing():
    [row] = queue("a@example.com")
    connection = Connection()

    first = outbox_send(kind="email", rows=OutboundEmail.objects.all(), connection=connection)
    second = outbox_send(kind="email", rows=OutboundEmail.objects.all(), connection=connection)

    assert (first.sent, second.sent) == (1, 0)
    [message] = connection.sent
    assert message.extra_headers["Message-ID"] == row.message_id == f"<outbox-{row.pk}@127.0.0.1>"
    assert statuses([row]) == [("sent", 1)]


def test_a_5xx_reply_fails_the_row_at_once_and_a_4xx_leaves_it_pending_for_a_retry():
    permanent, transient, fine = queue("gone@example.com", "busy@example.com", "fine@example.com")
    connection = Connection(
        {
            "gone@example.com": smtplib.SMTPRecipientsRefused({"gone@example.com": (550, b"5.1.1 No such user")}),
            "busy@example.com": smtplib.SMTPResponseException(451, b"4.3.0 Try again later"),
        }
    )

    report = outbox_send(kind="email", rows=OutboundEmail.objects.all(), connection=connection)

    assert report.as_dict() == {"sent": 1, "failed": 1, "retry": 1}
    assert statuses([permanent, transient, fine]) == [("failed", 1), ("pending", 1), ("sent", 1)]
    assert "451" in OutboundEmail.objects.get(pk=transient.pk).last_error
    assert [m.to for m in connection.sent] == [["fine@example.com"]]  # the failures held back no one


def test_a_message_that_cannot_be_built_fails_its_row_with_the_reason_and_holds_back_no_one():
    broken, fine = queue("broken@example.com", "fine@example.com")
    email = delivery.outbox_kind("email")

    def build_or_fail(row):
        if row.pk == broken.pk:
            raise KeyError("template variable 'case' is missing")
        return email.build(row)

    kind = dataclasses.replace(email, build=build_or_fail)
    connection = Connection()

    report = outbox_send(kind=kind, rows=OutboundEmail.objects.all(), connection=connection)
    again = outbox_send(kind=kind, rows=OutboundEmail.objects.all(), connection=connection)

    assert report.as_dict() == {"sent": 1, "failed": 1, "retry": 0}
    assert again.as_dict() == {"sent": 0, "failed": 0, "retry": 0}
    assert statuses([broken, fine]) == [("failed", 1), ("sent", 1)]
    assert "could not be built" in OutboundEmail.objects.get(pk=broken.pk).last_error
    assert [m.to for m in connection.sent] == [["fine@example.com"]]


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPResponseException(550, b"5.1.1 No such user"), True),
        (smtplib.SMTPDataError(554, b"5.7.1 Rejected"), True),
        (smtplib.SMTPRecipientsRefused({"a@example.com": (550, b"no"), "b@example.com": (450, b"busy")}), False),
        (smtplib.SMTPResponseException(421, b"4.4.2 Timeout"), False),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (ConnectionRefusedError("refused"), False),
        (TimeoutError("timed out"), False),
    ],
)
def test_only_a_5xx_reply_is_permanent(error, permanent):
    assert is_permanent(error) is permanent


def test_the_attempt_limit_fails_a_row_once_and_it_is_not_tried_again():
    [row] = queue("busy@example.com")
    connection = Connection({"busy@example.com": smtplib.SMTPResponseException(451, b"4.3.0 Try again later")})

    for attempt in range(1, MAX_ATTEMPTS):
        assert outbox_send(kind="email", rows=OutboundEmail.objects.all(), connection=connection).retry == 1
        assert statuses([row]) == [("pending", attempt)]
    last = outbox_send(kind="email", rows=OutboundEmail.objects.all(), connection=connection)
    again = outbox_send(kind="email", rows=OutboundEmail.objects.all(), connection=connection)

    assert (last.failed, last.retry) == (1, 0)
    assert again.as_dict() == {"sent": 0, "failed": 0, "retry": 0}
    assert statuses([row]) == [("failed", MAX_ATTEMPTS)]


def test_an_unreachable_mail_server_charges_no_attempt_and_the_task_retries_with_backoff():
    [row] = queue("a@example.com")
    connection = Connection(open_error=ConnectionRefusedError("connection refused"))

    with (
        mock.patch("ercot_services.core.delivery.get_connection", return_value=connection),
        mock.patch.object(send_outbound_email, "retry", side_effect=Retry("retry")) as retry,
        pytest.raises(Retry),
    ):
        send_outbound_email(email_id=row.pk)

    # Within seconds: nothing was charged, and the server may be back soon (a 4xx waits longer, as asked).
    assert retry.call_args.kwargs["countdown"] == retry_countdown(0, unreachable=True) == 5
    assert statuses([row]) == [("pending", 0)]
    assert (
        OutboundEmail.objects.get(pk=row.pk).last_error
        == "Mail server unavailable: ConnectionRefusedError: connection refused"
    )
    assert [retry_countdown(n, unreachable=True) for n in range(5)] == [5, 10, 20, 30, 30]
    assert retry_countdown(0) == 60 and retry_countdown(1) > retry_countdown(0)


def test_every_kind_of_email_is_registered_with_the_engine():
    kinds = outbox_kinds()
    assert {kind.name for kind in kinds if kind.mail} == {
        "email",
        "case_email",
        "letter",
        "notice",
        "dispute_deadline_reminder",
    }
    assert {kind.name for kind in kinds if not kind.mail} == {"webhook"}  # api's webhook deliveries


def test_the_sweep_queues_the_stranded_rows_of_every_registered_kind(monkeypatch):
    old, recent = queue("old@example.com", "recent@example.com")
    OutboundEmail.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=30))
    queued = {}

    def requeue_for(name):
        def requeue(rows):
            queued[name] = sorted(rows.values_list("pk", flat=True))
            return len(queued[name])

        return requeue

    other = OutboxKind(name="other", model=OutboundEmail, build=lambda row: None, requeue=requeue_for("other"))
    email = OutboxKind(name="email", model=OutboundEmail, build=lambda row: None, requeue=requeue_for("email"))
    monkeypatch.setattr(delivery, "_kinds", {"email": email, "other": other})

    assert outbox_sweep() == {"email": 1, "other": 1}
    assert queued == {"email": [old.pk], "other": [old.pk]}  # the recent row's own task may still be on the way
    assert outbox_sweep(kinds=["other"]) == {"other": 1}


def test_every_kind_keeps_the_engine_s_status_values():
    for kind in outbox_kinds():
        values = set(dict(kind.model._meta.get_field("status").choices))
        assert {"pending", "sent", "failed"} <= values, kind.name
        if kind.claim_timeout is not None:
            assert "claimed" in values, kind.name


def test_a_send_email_task_queued_before_the_engine_is_sent_once_through_an_outbox_row(
    django_capture_on_commit_callbacks, mailoutbox
):
    from ercot_services.core.tasks import send_email

    with django_capture_on_commit_callbacks(execute=True):
        send_email.apply(kwargs={"subject": "Reset", "body": "Link", "to": ["a@example.com"]}, task_id="task-1")
        send_email.apply(kwargs={"subject": "Reset", "body": "Link", "to": ["a@example.com"]}, task_id="task-1")

    row = OutboundEmail.objects.get()
    assert (row.key, row.status) == ("send_email:task-1", "sent")
    assert [m.to for m in mailoutbox] == [["a@example.com"]]
