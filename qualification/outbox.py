"""Qualification letters as a kind of the outbox engine (core.delivery): one ``LetterDelivery`` per recipient."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from ercot_services.core.delivery import OutboxKind, outbox_enqueue, outbox_register
from ercot_services.core.site import site_host

from .models import LetterDelivery


def letter_message(delivery: LetterDelivery) -> EmailMessage:
    """The letter to one recipient, with the PDF; the Message-ID is the same on every resend of this delivery."""
    letter = delivery.letter
    message = EmailMessage(
        subject=f"ERCOT qualification letter {letter.number}: {letter.enrollment.participant.legal_name}",
        body=render_to_string(
            "emails/qualification/letter.txt",
            {"letter": letter, "delivery": delivery, "CLIENT_SERVICES_PHONE": settings.CLIENT_SERVICES_PHONE},
        ),
        to=[delivery.email],
        headers={
            "Message-ID": f"<letter-{letter.number}-{delivery.pk}@{site_host()}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    with letter.pdf.open("rb") as pdf:
        message.attach(letter.filename, pdf.read(), "application/pdf")
    return message


def _requeue(rows) -> int:
    from .tasks import send_letter_deliveries

    queued = 0
    for letter_id in sorted(set(rows.values_list("letter_id", flat=True))):
        if not outbox_enqueue(send_letter_deliveries, letter_id=letter_id):
            break  # the broker is down: the next sweep
        queued += 1
    return queued


LETTERS = outbox_register(
    OutboxKind(
        name="letter", model=LetterDelivery, build=letter_message, requeue=_requeue, written_at="letter__created_at"
    )
)
