"""Celery tasks of the cases app: case emails, the SLA scan and the sweep of lost case emails.

The task names keep their original ``accounts.`` prefix so tasks already queued and the beat schedule still resolve.
"""

from __future__ import annotations

from celery import shared_task

from ercot_services.core.delivery import TASK_MAX_RETRIES, outbox_retry, outbox_send
from ercot_services.core.delivery_recovery import outbox_sweep

from .outbox import CASE_EMAILS, DEADLINE_REMINDERS


@shared_task(name="accounts.send_case_notifications", bind=True, max_retries=TASK_MAX_RETRIES)
def send_case_notifications(self, *, case_id: int, event_key: str) -> int:
    """Send the pending outbox rows of one case event through the outbox engine; rows already sent are never
    sent again, and a crash between sending and marking repeats at most one message, with its Message-ID."""
    from .models import CaseNotification

    rows = CaseNotification.objects.filter(case_id=case_id, event_key=event_key).select_related("case")
    report = outbox_send(kind=CASE_EMAILS, rows=rows)
    if report.retry:
        raise outbox_retry(self, report)
    return report.sent


@shared_task(name="accounts.scan_case_slas")
def scan_case_slas() -> dict:
    """Re-evaluate the SLA state of open cases; warn each assignee once when a case becomes at risk."""
    from .services import case_sla_scan

    return case_sla_scan()


@shared_task(name="accounts.sweep_case_notifications")
def sweep_case_notifications() -> int:
    """The sweep of the case emails only (the beat runs the one outbox sweep; kept for queued tasks)."""
    return outbox_sweep(kinds=[CASE_EMAILS.name])[CASE_EMAILS.name]


@shared_task(name="cases.rollup_case_metrics")
def rollup_case_metrics() -> int:
    """Compute the closed days of the case metrics that are missing or stale (idempotent); returns the days."""
    from .services.rollups import case_rollups_refresh

    return case_rollups_refresh().days


@shared_task(name="cases.poll_inbound_mail")
def poll_inbound_mail() -> int:
    """Read the configured inbound mail source (maildir or IMAP; README "Email that opens cases"); resumable."""
    from .inbound_sources import inbound_poll

    return inbound_poll()


@shared_task(name="cases.process_inbound_message")
def process_inbound_message(*, pk: int) -> str:
    """Process one recorded inbound email (the webhook records, this turns it into a case); safe to run twice."""
    from .models import InboundMessage
    from .services.inbound import inbound_message_process

    row = InboundMessage.objects.filter(pk=pk).first()
    return inbound_message_process(message=row).status if row is not None else "missing"


@shared_task(name="cases.send_dispute_deadline_reminders")
def send_dispute_deadline_reminders() -> int:
    """Daily: the reminders of dispute windows closing soon on charge types disputed recently (idempotent)."""
    from .services.deadline_reminders import dispute_deadline_reminders_queue

    return dispute_deadline_reminders_queue()


@shared_task(name="cases.send_deadline_reminder_emails", bind=True, max_retries=TASK_MAX_RETRIES)
def send_deadline_reminder_emails(self, *, reminder_ids: list[int]) -> int:
    """Send the pending reminder rows through the outbox engine (rows already sent are never sent again)."""
    from .models import DeadlineReminder

    report = outbox_send(kind=DEADLINE_REMINDERS, rows=DeadlineReminder.objects.filter(pk__in=reminder_ids))
    if report.retry:
        raise outbox_retry(self, report)
    return report.sent


@shared_task(name="cases.detect_case_incidents")
def detect_case_incidents(*, case_id: int) -> int:
    """Market incident detection for the keys of one newly filed case (idempotent); returns the incidents proposed."""
    from .models import Case
    from .services.incidents import incident_detect_for_case

    case = Case.objects.filter(pk=case_id).first()
    return len(incident_detect_for_case(case=case)) if case is not None else 0


@shared_task(name="cases.scan_incidents")
def scan_incidents() -> int:
    """The periodic market incident detection over every key with recent cases (idempotent)."""
    from .services.incidents import incident_scan

    return len(incident_scan())


@shared_task(name="cases.accept_lapsed_decisions")
def accept_lapsed_decisions() -> int:
    """Close the disputes whose decision was not answered in its window: the decision stands (idempotent)."""
    from .services.decisions import decision_accept_lapsed

    return decision_accept_lapsed()
