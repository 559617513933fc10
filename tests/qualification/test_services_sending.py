"""Sending the letters in-process (eager tasks, the locmem mailbox): one email per recipient with the PDF,
deterministic Message-IDs, nothing sent twice, resends, and SMTP failures that are retried."""

from __future__ import annotations

import datetime
import io

import pytest
from celery.exceptions import Retry
from django.core.mail import EmailMessage
from django.utils import timezone
from pypdf import PdfReader

from ercot_services.core.models import AuditEvent
from qualification.models import ChangeKind, LetterDelivery, QualificationLetter
from qualification.services import delivery_resend
from qualification.tasks import send_letter_deliveries

from .conftest import pdf_text

pytestmark = pytest.mark.django_db

PDF = "application/pdf"


def letter_mail(outbox, letter=None):
    """The letter emails in the outbox (other mail, such as a case receipt, is left out)."""
    return [
        m
        for m in outbox
        if m.subject.startswith("ERCOT qualification letter") and (letter is None or letter.number in m.subject)
    ]


def recipients(messages):
    return sorted(address for m in messages for address in m.to)


@pytest.fixture
def rep_letter(q, rep, oncor, centerpoint, mailoutbox, django_capture_on_commit_callbacks):
    enrollment = q.ready(rep, [oncor, centerpoint])
    mailoutbox.clear()  # the hand-over notice to Retail Operations
    with django_capture_on_commit_callbacks(execute=True):
        letter = q.issue(enrollment)
    return letter


def expected_addresses(*mps):
    return sorted(user.email for mp in mps for key, user in mp.people.items() if key in ("ar", "bar"))


def test_each_recipient_receives_one_email_with_the_pdf(rep_letter, rep, oncor, centerpoint, mailoutbox):
    letter = QualificationLetter.objects.get(pk=rep_letter.pk)
    messages = letter_mail(mailoutbox)

    assert recipients(messages) == expected_addresses(rep, oncor, centerpoint)
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in messages)
    with letter.pdf.open("rb") as handle:
        stored = handle.read()
    for message in messages:
        [attachment] = message.attachments
        filename, content, mimetype = attachment
        assert (filename, mimetype) == (letter.filename, PDF)
        assert content == stored
        assert "Bluebonnet Retail Energy LLC" in pdf_text(content)
        assert len(PdfReader(io.BytesIO(content)).pages) >= 1
        assert message.subject == f"ERCOT qualification letter {letter.number}: Bluebonnet Retail Energy LLC"
        assert message.extra_headers["Auto-Submitted"] == "auto-generated"

    rows = {d.email: d for d in letter.deliveries.all()}
    for message in messages:
        delivery = rows[message.to[0]]
        assert delivery.status == LetterDelivery.Status.SENT
        assert delivery.attempts == 1 and delivery.sent_at is not None and delivery.last_error == ""
        assert delivery.message_id == f"<letter-{letter.number}-{delivery.pk}@127.0.0.1>"
        assert message.extra_headers["Message-ID"] == delivery.message_id
        assert message.message()["Message-ID"] == delivery.message_id
    assert len({d.message_id for d in rows.values()}) == len(rows)


def test_copies_say_why_the_partner_receives_them(rep_letter, oncor, rep, mailoutbox):
    by_address = {m.to[0]: m for m in letter_mail(mailoutbox)}
    assert (
        "You receive a copy as Authorized Representative of trading partner ONCOR"
        in by_address[oncor.people["ar"].email].body
    )
    assert "You receive a copy" not in by_address[rep.people["ar"].email].body
    assert "Hello Alicia Anderson" in by_address[rep.people["ar"].email].body


def test_a_second_run_sends_nothing(rep_letter, mailoutbox):
    before = len(mailoutbox)

    assert send_letter_deliveries.delay(letter_id=rep_letter.pk).get() == 0
    assert send_letter_deliveries(letter_id=rep_letter.pk) == 0

    assert len(mailoutbox) == before
    assert set(LetterDelivery.objects.values_list("attempts", flat=True)) == {1}


def test_a_resend_sends_one_more_email_to_that_recipient_only(
    rep_letter, oncor, retail_ops, mailoutbox, django_capture_on_commit_callbacks
):
    delivery = LetterDelivery.objects.get(letter=rep_letter, email=oncor.people["bar"].email)
    before = len(mailoutbox)

    with django_capture_on_commit_callbacks(execute=True):
        delivery_resend(actor=retail_ops, delivery=delivery)

    assert len(mailoutbox) == before + 1
    message = mailoutbox[-1]
    assert message.to == [delivery.email]
    assert message.attachments[0][2] == PDF
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (LetterDelivery.Status.SENT, 2)
    assert message.extra_headers["Message-ID"] == delivery.message_id
    others = LetterDelivery.objects.filter(letter=rep_letter).exclude(pk=delivery.pk)
    assert set(others.values_list("attempts", flat=True)) == {1}
    event = AuditEvent.objects.for_object(rep_letter.enrollment).get(verb="letter.resend_requested")
    assert event.changes["recipient"] == [None, delivery.email]
    assert event.actor == retail_ops


# --- SMTP failures ------------------------------------------------------------------------------------------


class FailingFor:
    """Patches EmailMessage.send to raise like an SMTP server refusing ``address`` (``times`` times, or always)."""

    def __init__(self, monkeypatch, address, times=None):
        self.address = address
        self.times = times
        self.failures = 0
        original = EmailMessage.send

        def send(message, fail_silently=False):
            if self.address in message.to and (self.times is None or self.failures < self.times):
                self.failures += 1
                raise OSError(f"450 4.2.0 <{self.address}>: mailbox temporarily unavailable")
            return original(message, fail_silently)

        monkeypatch.setattr(EmailMessage, "send", send)
        self.undo = monkeypatch.undo


@pytest.fixture
def issued_unsent(q, rep, oncor, centerpoint, mailoutbox, django_capture_on_commit_callbacks):
    """A REP letter committed but not sent yet (its on-commit task is held back)."""
    enrollment = q.ready(rep, [oncor, centerpoint])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as held:
        letter = q.issue(enrollment)
    assert held, "letter_issue queues the sending task on commit"
    return letter


def test_a_failure_leaves_that_delivery_pending_with_the_error_and_a_retry_sends_it_once(
    issued_unsent, rep, oncor, centerpoint, monkeypatch, mailoutbox
):
    letter = issued_unsent
    # The first recipient in sending order fails: the others must still be sent in the same run.
    first = LetterDelivery.objects.filter(letter=letter).order_by("pk").first()
    FailingFor(monkeypatch, first.email)

    # One run, as a worker runs it: the task asks to be retried.
    with pytest.raises(Retry):
        send_letter_deliveries(letter_id=letter.pk)

    first.refresh_from_db()
    assert first.status == LetterDelivery.Status.PENDING
    assert first.attempts == 1
    assert "mailbox temporarily unavailable" in first.last_error
    assert first.sent_at is None
    everyone = expected_addresses(rep, oncor, centerpoint)
    assert recipients(letter_mail(mailoutbox)) == sorted(set(everyone) - {first.email})

    # The retry, with the mailbox back: only the failed one is sent, once.
    monkeypatch.undo()
    assert send_letter_deliveries(letter_id=letter.pk) == 1
    first.refresh_from_db()
    assert (first.status, first.attempts) == (LetterDelivery.Status.SENT, 2)
    assert recipients(letter_mail(mailoutbox)) == everyone
    assert send_letter_deliveries(letter_id=letter.pk) == 0
    assert recipients(letter_mail(mailoutbox)) == everyone


def test_a_failure_on_commit_does_not_undo_the_letter_and_a_retry_sends_it_once(
    q, rep, oncor, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    """The task runs after commit (eagerly here): a recipient's SMTP failure leaves the letter issued, the others
    sent and that delivery pending with the attempt and the error; the retry sends it once."""
    enrollment = q.ready(rep, [oncor])
    mailoutbox.clear()
    bad = rep.people["ar"].email  # the MP's AR: the first delivery written, the first sent
    failing = FailingFor(monkeypatch, bad)

    with django_capture_on_commit_callbacks(execute=True):
        letter = q.issue(enrollment)

    assert failing.failures == 1
    assert QualificationLetter.objects.filter(pk=letter.pk).exists()
    delivery = LetterDelivery.objects.get(letter=letter, email=bad)
    assert (delivery.status, delivery.attempts) == (LetterDelivery.Status.PENDING, 1)
    assert "mailbox temporarily unavailable" in delivery.last_error
    assert recipients(letter_mail(mailoutbox)) == sorted(set(expected_addresses(rep, oncor)) - {bad})

    monkeypatch.undo()
    assert send_letter_deliveries.delay(letter_id=letter.pk).get() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (LetterDelivery.Status.SENT, 2)
    assert recipients(letter_mail(mailoutbox)) == expected_addresses(rep, oncor)
    assert set(LetterDelivery.objects.exclude(pk=delivery.pk).values_list("attempts", flat=True)) == {1}


def test_a_recipient_that_keeps_failing_ends_failed_after_five_attempts_and_staff_resend_it(
    issued_unsent, rep, oncor, centerpoint, retail_ops, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    letter = issued_unsent
    # A copy in the middle of the sending order: those after it must not wait for it.
    bad = LetterDelivery.objects.filter(letter=letter).order_by("pk")[2].email
    assert LetterDelivery.objects.get(letter=letter, email=bad).kind == LetterDelivery.Kind.COPY
    FailingFor(monkeypatch, bad)

    # The worker's runs: the first four ask for a retry, the fifth gives up on that recipient.
    for _ in range(4):
        with pytest.raises(Retry):
            send_letter_deliveries(letter_id=letter.pk)
    assert send_letter_deliveries(letter_id=letter.pk) == 0

    delivery = LetterDelivery.objects.get(letter=letter, email=bad)
    assert (delivery.status, delivery.attempts) == (LetterDelivery.Status.FAILED, 5)
    assert "mailbox temporarily unavailable" in delivery.last_error
    everyone = expected_addresses(rep, oncor, centerpoint)
    assert recipients(letter_mail(mailoutbox)) == sorted(set(everyone) - {bad})
    assert set(LetterDelivery.objects.exclude(pk=delivery.pk).values_list("status", "attempts")) == {
        (LetterDelivery.Status.SENT, 1)
    }
    assert list(LetterDelivery.objects.filter(status=LetterDelivery.Status.FAILED)) == [delivery]

    # Staff see the failure and resend once the mailbox works.
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        delivery_resend(actor=retail_ops, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == LetterDelivery.Status.SENT and delivery.last_error == ""
    assert recipients(letter_mail(mailoutbox)) == everyone


def test_a_new_mps_letter_goes_to_its_ar_and_bar(q, ready_lse, oncor, mailoutbox, django_capture_on_commit_callbacks):
    enrollment = q.ready(ready_lse, [oncor], change=ChangeKind.NEW_ENTITY)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        letter = q.issue(enrollment)

    # A REP: its TDSP partner is copied too.
    assert recipients(letter_mail(mailoutbox, letter)) == expected_addresses(ready_lse, oncor)
    assert all(m.attachments[0][2] == PDF for m in letter_mail(mailoutbox, letter))


def test_a_letter_whose_task_was_lost_is_sent_by_the_sweep_once(issued_unsent, rep, oncor, centerpoint, mailoutbox):
    from ercot_services.core.tasks import sweep_outboxes

    letter = issued_unsent
    assert sweep_outboxes()["letter"] == 0  # too recent: its own task may still be on the way
    QualificationLetter.objects.filter(pk=letter.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))

    assert sweep_outboxes()["letter"] == 1
    assert sweep_outboxes()["letter"] == 0
    assert recipients(letter_mail(mailoutbox)) == expected_addresses(rep, oncor, centerpoint)
    assert set(LetterDelivery.objects.filter(letter=letter).values_list("status", "attempts")) == {("sent", 1)}
