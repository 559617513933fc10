"""Celery tasks of the cases app: case emails, the SLA scan and the sweep of lost case emails.

The task names keep their original ``accounts.`` prefix so tasks already queued and the beat schedule still resolve.
"""

from __future__ import annotations

from celery import shared_task

from ercot_services.core.delivery import TASK_MAX_RETRIES, outbox_retry, outbox_send
from ercot_services.core.delivery_recovery import outbox_sweep

from .outbox import CASE_EMAILS


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


@shared_task(name="cases.accept_lapsed_decisions")
def accept_lapsed_decisions() -> int:
    """Close the disputes whose decision was not answered in its window: the decision stands (idempotent)."""
    from .services.decisions import decision_accept_lapsed

    return decision_accept_lapsed()
