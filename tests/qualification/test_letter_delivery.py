"""The letters through the whole stack: on-commit task → Redis → a real Celery worker (in a thread) → SMTP sink.

And on PostgreSQL: two workers sending the same letter at once still send each recipient one email.
"""

from __future__ import annotations

import email
import email.policy
import threading
import time

import pytest
from django.core.mail import EmailMessage
from django.db import connection, transaction

from ercot_services.core.models import DomainError
from qualification.models import ChangeKind, ConnectivityTest, LetterDelivery, QualificationLetter
from qualification.services import (
    connectivity_spec_update,
    connectivity_ticket_submit,
    enrollment_record_without_letter,
)
from qualification.tasks import send_letter_deliveries
from tests.mail import WAIT_SECONDS

from .conftest import pdf_text


def parse(envelope):
    return email.message_from_bytes(envelope.original_content, policy=email.policy.default)


def letter_envelopes(envelopes, letter):
    return [e for e in envelopes if f"ERCOT qualification letter {letter.number}:" in (parse(e)["Subject"] or "")]


def any_letter(envelopes):
    return [e for e in envelopes if (parse(e)["Subject"] or "").startswith("ERCOT qualification letter")]


def ar_and_bar(*mps):
    return sorted(user.email for mp in mps for key, user in mp.people.items() if key in ("ar", "bar"))


def assert_delivered_once_each(smtp_sink, letter, expected, *, names):
    envelopes = smtp_sink.wait_for(len(expected), where=lambda e: bool(letter_envelopes([e], letter)))
    assert len(envelopes) == len(expected), f"{len(envelopes)} of {len(expected)} letters within {WAIT_SECONDS} s"
    time.sleep(1)  # a duplicate would arrive now
    envelopes = letter_envelopes(smtp_sink.envelopes, letter)

    assert sorted(rcpt for e in envelopes for rcpt in e.rcpt_tos) == expected
    letter = QualificationLetter.objects.get(pk=letter.pk)
    with letter.pdf.open("rb") as handle:
        stored = handle.read()
    rows = {d.email: d for d in LetterDelivery.objects.filter(letter=letter)}
    assert sorted(rows) == expected
    for envelope in envelopes:
        [rcpt] = envelope.rcpt_tos
        message = parse(envelope)
        assert message["To"] == rcpt
        [attachment] = list(message.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_filename() == letter.filename
        content = attachment.get_content()
        assert content == stored
        text = pdf_text(content)
        for name in names:
            assert name in text, name
        delivery = rows[rcpt]
        assert (delivery.status, delivery.attempts) == (LetterDelivery.Status.SENT, 1)
        assert message["Message-ID"] == delivery.message_id
    return envelopes


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_rep_letter_reaches_its_ar_bar_and_each_tdsp_partners_ar_bar_once(
    qualification_reference_data, smtp_sink, q, rep, oncor, centerpoint, tnmp, qse, celery_worker_thread
):
    # Tested with two TDSPs and a QSE (no copy for a non-TDSP); TNMP is a TDSP it did not test with.
    enrollment = q.ready(rep, [oncor, centerpoint, qse])

    with transaction.atomic():
        letter = q.issue(enrollment)
        assert not LetterDelivery.objects.filter(status=LetterDelivery.Status.SENT).exists()
    # Committed: the on-commit hook has queued the task on the broker.

    expected = ar_and_bar(rep, oncor, centerpoint)
    assert len(expected) == 6
    assert_delivered_once_each(
        smtp_sink,
        letter,
        expected,
        names=[
            "Bluebonnet Retail Energy LLC",
            f"Flight {q.flight.name}",
            "Oncor Electric Delivery Company LLC",
            "CenterPoint Energy Houston Electric LLC",
            *[f.name for f in q.functions],
        ],
    )

    # The same task again, through the broker and the worker: nothing more is sent.
    count = len(smtp_sink.envelopes)
    assert send_letter_deliveries.delay(letter_id=letter.pk).get(timeout=30) == 0
    time.sleep(0.5)
    assert len(smtp_sink.envelopes) == count
    assert set(LetterDelivery.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_non_rep_letter_goes_to_its_ar_and_bar_only(
    qualification_reference_data, smtp_sink, q, qse, oncor, centerpoint, celery_worker_thread
):
    enrollment = q.ready(qse, [oncor, centerpoint], change=ChangeKind.NEW_FUNCTIONALITY)

    with transaction.atomic():
        letter = q.issue(enrollment)

    assert_delivered_once_each(
        smtp_sink,
        letter,
        ar_and_bar(qse),
        names=["Gulf Coast Scheduling Services LLC", "Oncor Electric Delivery Company LLC"],
    )
    assert len(any_letter(smtp_sink.envelopes)) == 2
    assert send_letter_deliveries.delay(letter_id=letter.pk).get(timeout=30) == 0
    time.sleep(0.5)
    assert len(any_letter(smtp_sink.envelopes)) == 2


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_blocked_criteria_banking_and_service_provider_changes_send_no_letter(
    qualification_reference_data, smtp_sink, q, rep, new_lse, facts, oncor, celery_worker_thread
):
    # A new LSE whose QSE is not qualified to serve load: blocked, and says why.
    facts.sfa(new_lse)
    facts.puct(new_lse)
    facts.qse_ack(new_lse, qualified=False)
    blocked = q.ready(new_lse, [oncor], change=ChangeKind.NEW_ENTITY)
    with pytest.raises(DomainError, match="GCSS is not qualified to serve load"):
        q.issue(blocked)

    banking = q.ready(rep, [oncor], change=ChangeKind.BANKING)
    with pytest.raises(DomainError, match="banking change is recorded only"):
        q.issue(banking)
    enrollment_record_without_letter(actor=q.retail_ops, enrollment=banking)

    provider = q.ready(rep, [oncor], change=ChangeKind.SERVICE_PROVIDER)
    with pytest.raises(DomainError, match="service provider change produces no qualification letter"):
        q.issue(provider)
    enrollment_record_without_letter(actor=q.retail_ops, enrollment=provider)

    # The service provider change asks for updated specifications; then the REP's AR submits the connectivity
    # testing ticket. Its receipt reaches the AR, with copies to Flight Testing and MASS, through the worker; by
    # then a letter, had one been queued, would have arrived too.
    ar = rep.people["ar"]
    connectivity_spec_update(
        actor=ar,
        participant=rep,
        endpoint_url="https://edi.bluebonnet.example/naesb",
        certificate_fingerprint=":".join(["AB"] * 32),
        contact_name="Tina Tech",
        contact_email="tina.tech@bluebonnet.example",
    )
    case = connectivity_ticket_submit(
        actor=ar,
        test=ConnectivityTest.objects.get(enrollment=provider),
        subject="Schedule testing",
        description="Please schedule it.",
    )
    receipts = smtp_sink.wait_for(3, where=lambda e: case.reference in (parse(e)["Subject"] or ""))
    assert sorted(address for e in receipts for address in e.rcpt_tos) == sorted(
        [ar.email, "flighttesting@ercot.example", "mass@ercot.example"]
    )
    time.sleep(1)
    assert any_letter(smtp_sink.envelopes) == []
    assert not QualificationLetter.objects.exists()
    assert not LetterDelivery.objects.exists()


# --- PostgreSQL: two workers on one letter ---------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_each_recipient_once(
    qualification_reference_data, q, rep, oncor, centerpoint, monkeypatch
):
    enrollment = q.ready(rep, [oncor, centerpoint])
    # Issue without sending: the on-commit task is held back, the two "workers" below send.
    monkeypatch.setattr(send_letter_deliveries, "apply_async", lambda *args, **kwargs: None)
    letter = q.issue(enrollment)
    monkeypatch.undo()
    assert set(LetterDelivery.objects.filter(letter=letter).values_list("status", flat=True)) == {"pending"}

    lock = threading.Lock()
    sends = []  # (thread name, address)
    original = EmailMessage.send

    def slow_send(message, fail_silently=False):
        time.sleep(0.2)  # SMTP takes a while: the other worker meets the locked row and skips it
        with lock:
            sends.append((threading.current_thread().name, message.to[0]))
        return original(message, fail_silently)

    monkeypatch.setattr(EmailMessage, "send", slow_send)
    barrier = threading.Barrier(2)
    results, errors = {}, []

    def worker():
        try:
            barrier.wait(timeout=10)
            results[threading.current_thread().name] = send_letter_deliveries(letter_id=letter.pk)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, name=f"worker-{n}") for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    expected = ar_and_bar(rep, oncor, centerpoint)
    assert sorted(address for _, address in sends) == expected  # each recipient exactly once
    assert sum(results.values()) == len(expected)
    assert all(count > 0 for count in results.values()), f"both workers sent: {results}"
    assert set(LetterDelivery.objects.filter(letter=letter).values_list("status", "attempts")) == {("sent", 1)}
