"""The transactional outbox: one row per event key, sent once after commit, retried on SMTP failure."""

from unittest import mock

import pytest
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from ercot_services.core.models import OutboundEmail
from ercot_services.core.outbox import email_queue, outbox_suppressed
from ercot_services.core.tasks import send_outbound_email

pytestmark = pytest.mark.django_db


def _queue(key="test:event:1", **overrides):
    values = {
        "key": key,
        "to": ["AR@Example.com", "bar@example.com"],
        "cc": ["am@ercot.example", "ar@example.com"],
        "subject": "Application submitted",
        "body": "Your application was submitted.",
    }
    values.update(overrides)
    return email_queue(**values)


def test_the_row_is_sent_after_commit_to_its_recipients(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        row = _queue()
        assert mailoutbox == []  # nothing leaves before the transaction commits

    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    # Addresses normalised; an address already in "to" is not copied again.
    assert message.to == ["ar@example.com", "bar@example.com"]
    assert message.cc == ["am@ercot.example"]
    assert message.subject == "Application submitted"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert row.attempts == 1
    assert row.sent_at is not None


def test_the_same_key_twice_makes_one_row_and_one_email(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = _queue()
        second = _queue(subject="A different subject")

    assert first.pk == second.pk
    assert OutboundEmail.objects.filter(key="test:event:1").count() == 1
    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Application submitted"


def test_a_rolled_back_transaction_queues_nothing(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                _queue()
                raise RuntimeError("the service failed")

    assert not OutboundEmail.objects.exists()
    assert mailoutbox == []


def test_running_the_send_task_twice_sends_one_email(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        row = _queue()
    assert len(mailoutbox) == 1

    assert send_outbound_email(email_id=row.pk) is False
    send_outbound_email.delay(email_id=row.pk)

    assert len(mailoutbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1


def test_an_smtp_failure_leaves_the_row_pending_with_the_attempt_counted(mailoutbox):
    row = _queue()  # not committed in this test: the task is run by hand

    with mock.patch.object(EmailMultiAlternatives, "send", autospec=True, side_effect=OSError("connection refused")):
        # Called directly (not through a worker), Celery's retry re-raises the error.
        with pytest.raises(OSError, match="connection refused"):
            send_outbound_email(email_id=row.pk)

    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.PENDING
    assert row.attempts == 1
    assert "connection refused" in row.last_error
    assert mailoutbox == []

    # The next attempt goes through, once.
    assert send_outbound_email(email_id=row.pk) is True
    assert send_outbound_email(email_id=row.pk) is False
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert row.attempts == 2
    assert len(mailoutbox) == 1


def test_an_smtp_failure_after_commit_does_not_break_the_caller(django_capture_on_commit_callbacks, mailoutbox):
    """The caller's transaction is committed: a failed send is logged, the row stays pending for the retry."""
    with mock.patch.object(EmailMultiAlternatives, "send", autospec=True, side_effect=OSError("SMTP timeout")):
        with django_capture_on_commit_callbacks(execute=True):
            row = _queue()  # no exception reaches the caller

    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.PENDING
    assert row.attempts == 1
    assert row.last_error == "SMTP timeout"
    assert mailoutbox == []

    assert send_outbound_email(email_id=row.pk) is True
    assert len(mailoutbox) == 1


def test_a_row_that_keeps_failing_ends_failed_and_is_not_tried_again(mailoutbox):
    row = _queue()
    with mock.patch.object(EmailMultiAlternatives, "send", autospec=True, side_effect=OSError("mail host down")):
        for attempt in range(1, send_outbound_email.max_retries + 1):
            with pytest.raises(OSError):
                send_outbound_email(email_id=row.pk)
            row.refresh_from_db()
            assert (row.status, row.attempts) == (OutboundEmail.Status.PENDING, attempt)
        # The last allowed attempt fails for good: no retry is raised.
        assert send_outbound_email(email_id=row.pk) is False
        row.refresh_from_db()
        assert row.status == OutboundEmail.Status.FAILED
        assert row.attempts == send_outbound_email.max_retries + 1

    assert send_outbound_email(email_id=row.pk) is False
    row.refresh_from_db()
    assert row.attempts == send_outbound_email.max_retries + 1
    assert mailoutbox == []


def test_no_recipient_means_no_row():
    assert _queue(to=["", None]) is None
    assert not OutboundEmail.objects.exists()


def test_suppressed_outbox_writes_no_row_and_sends_nothing(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        with outbox_suppressed():
            assert _queue(key="demo:1") is None
            with outbox_suppressed():
                assert _queue(key="demo:2") is None
            # Leaving an inner block keeps the outer one in force.
            assert _queue(key="demo:3") is None
        row = _queue(key="live:1")

    assert list(OutboundEmail.objects.values_list("key", flat=True)) == ["live:1"]
    assert row is not None
    assert len(mailoutbox) == 1
