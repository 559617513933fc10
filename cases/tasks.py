"""Celery tasks of the cases app: case emails, the SLA scan and the sweep of lost case emails.

The task names keep their original ``accounts.`` prefix so tasks already queued and the beat schedule still resolve.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(name="accounts.send_case_notifications", bind=True, max_retries=5, default_retry_delay=60)
def send_case_notifications(self, *, case_id: int, event_key: str) -> int:
    """Send the pending outbox rows of one case event; rows already sent are never sent again.

    Each row is locked (skipping rows another worker holds), sent and marked in
    one transaction, so a crash between sending and marking repeats at most that
    one message, and a repeated task finds nothing pending.
    """
    from .models import CaseNotification

    sent = 0
    failed = False
    skipped: list[int] = []  # rows that failed in this run: the others are still sent, then we retry
    connection = get_connection()
    with connection:
        while True:
            with transaction.atomic():
                row = (
                    CaseNotification.objects.select_for_update(skip_locked=True)
                    .filter(case_id=case_id, event_key=event_key, status=CaseNotification.Status.PENDING)
                    .exclude(pk__in=skipped)
                    .order_by("pk")
                    .first()
                )
                if row is None:
                    break
                row.attempts += 1
                try:
                    EmailMessage(
                        subject=row.subject,
                        body=row.body,
                        to=[row.recipient],
                        connection=connection,
                        headers={"Auto-Submitted": "auto-generated", "X-Case-Reference": row.case.reference},
                    ).send()
                except OSError as error:
                    logger.warning("case email %s to %s failed: %s", row.pk, row.recipient, error)
                    row.last_error = str(error)[:1000]
                    if row.attempts >= 5:
                        row.status = CaseNotification.Status.FAILED
                    row.save(update_fields=["attempts", "last_error", "status"])
                    failed = failed or row.status == CaseNotification.Status.PENDING
                    skipped.append(row.pk)
                    continue
                row.status = CaseNotification.Status.SENT
                row.sent_at = timezone.now()
                row.save(update_fields=["attempts", "status", "sent_at"])
                sent += 1
    if failed:
        raise self.retry()
    return sent


@shared_task(name="accounts.scan_case_slas")
def scan_case_slas() -> dict:
    """Re-evaluate the SLA state of open cases; warn each assignee once when a case becomes at risk."""
    from .services.cases import case_sla_scan

    return case_sla_scan()


@shared_task(name="accounts.sweep_case_notifications")
def sweep_case_notifications() -> int:
    """Queue again the case emails whose task was lost; sending skips what was already sent."""
    from ercot_services.core.tasks import STALE_AFTER

    from .models import CaseNotification

    events = (
        CaseNotification.objects.filter(
            status=CaseNotification.Status.PENDING, created_at__lt=timezone.now() - STALE_AFTER
        )
        .values_list("case_id", "event_key")
        .distinct()[:500]
    )
    for case_id, event_key in events:
        send_case_notifications.delay(case_id=case_id, event_key=event_key)
    return len(events)
