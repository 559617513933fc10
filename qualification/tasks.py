"""Sending qualification letters: one delivery row per recipient, each sent at most once."""

from __future__ import annotations

from celery import shared_task

from ercot_services.core.delivery import TASK_MAX_RETRIES, outbox_retry, outbox_send
from ercot_services.core.delivery_recovery import outbox_sweep

from .outbox import LETTERS


@shared_task(name="qualification.send_letter_deliveries", bind=True, max_retries=TASK_MAX_RETRIES)
def send_letter_deliveries(self, *, letter_id: int, delivery_ids: list[int] | None = None) -> int:
    """Send the letter's pending deliveries (or only ``delivery_ids``) over one SMTP connection.

    The outbox engine locks, sends and marks each row in one transaction: re-running the task, or a retry after
    a crash, finds the sent rows and sends nothing twice; a crash between send and commit can repeat only that
    one message, with the same Message-ID.
    """
    from .models import LetterDelivery

    rows = LetterDelivery.objects.filter(letter_id=letter_id).select_related(
        "letter__enrollment__participant", "letter__enrollment__flight"
    )
    if delivery_ids:
        rows = rows.filter(pk__in=delivery_ids)
    report = outbox_send(kind=LETTERS, rows=rows)
    if report.retry:
        raise outbox_retry(self, report)
    return report.sent


@shared_task(name="qualification.sweep_letter_deliveries")
def sweep_letter_deliveries() -> int:
    """The sweep of the letters only (the beat runs the one outbox sweep; kept for queued tasks)."""
    return outbox_sweep(kinds=[LETTERS.name])[LETTERS.name]
