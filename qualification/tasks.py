"""Sending qualification letters: one delivery row per recipient, each sent at most once."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from ercot_services.core.site import site_host

logger = logging.getLogger(__name__)


@shared_task(name="qualification.send_letter_deliveries", bind=True, max_retries=5, default_retry_delay=120)
def send_letter_deliveries(self, *, letter_id: int, delivery_ids: list[int] | None = None) -> int:
    """Send the letter's pending deliveries over one SMTP connection.

    Each row is locked (skipping rows another worker holds), sent and marked
    in one transaction: re-running the task, or a retry after a crash, finds
    the sent rows and sends nothing twice; a crash between send and commit can
    repeat only that one message, with the same Message-ID.
    """
    from .models import LetterDelivery, QualificationLetter

    letter = QualificationLetter.objects.select_related("enrollment__participant", "enrollment__flight").get(
        pk=letter_id
    )
    pdf = letter.pdf.read()
    letter.pdf.close()
    sent, retry, failed = 0, False, []
    connection = get_connection()
    with connection:
        while True:
            with transaction.atomic():
                # A recipient that failed in this run waits for the retry; it does not hold back the others.
                pending = (
                    LetterDelivery.objects.select_for_update(skip_locked=True)
                    .filter(letter=letter, status=LetterDelivery.Status.PENDING)
                    .exclude(pk__in=failed)
                )
                if delivery_ids:
                    pending = pending.filter(pk__in=delivery_ids)
                delivery = pending.order_by("pk").first()
                if delivery is None:
                    break
                delivery.attempts += 1
                message_id = f"<letter-{letter.number}-{delivery.pk}@{site_host()}>"
                message = EmailMessage(
                    subject=f"ERCOT qualification letter {letter.number}: {letter.enrollment.participant.legal_name}",
                    body=render_to_string(
                        "emails/qualification/letter.txt",
                        {
                            "letter": letter,
                            "delivery": delivery,
                            "CLIENT_SERVICES_PHONE": settings.CLIENT_SERVICES_PHONE,
                        },
                    ),
                    to=[delivery.email],
                    connection=connection,
                    headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated"},
                )
                message.attach(letter.filename, pdf, "application/pdf")
                try:
                    message.send()
                except OSError as error:
                    logger.warning("letter %s to %s failed: %s", letter.number, delivery.email, error)
                    delivery.last_error = str(error)[:1000]
                    if delivery.attempts >= 5:
                        delivery.status = LetterDelivery.Status.FAILED
                    else:
                        retry = True
                    delivery.save(update_fields=["attempts", "last_error", "status"])
                    failed.append(delivery.pk)
                    continue
                delivery.status = LetterDelivery.Status.SENT
                delivery.sent_at = timezone.now()
                delivery.message_id = message_id
                delivery.save(update_fields=["attempts", "status", "sent_at", "message_id"])
                sent += 1
    if retry:
        raise self.retry()
    return sent


@shared_task(name="qualification.sweep_letter_deliveries")
def sweep_letter_deliveries() -> int:
    """Queue again the letters with deliveries still pending after their task was lost."""
    from ercot_services.core.tasks import STALE_AFTER

    from .models import LetterDelivery

    letter_ids = list(
        LetterDelivery.objects.filter(
            status=LetterDelivery.Status.PENDING, letter__created_at__lt=timezone.now() - STALE_AFTER
        )
        .values_list("letter_id", flat=True)
        .distinct()[:200]
    )
    for letter_id in letter_ids:
        send_letter_deliveries.delay(letter_id=letter_id)
    return len(letter_ids)
