"""SLA arithmetic for cases, on the business-hours calendar.

Targets are business hours per category and priority. Time spent Waiting on
Participant does not count: it is kept in ``paused_business_seconds`` and the
due moments move later by that much when the clock resumes.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ercot_services.core.audit import audit_record
from ercot_services.core.calendar import (
    BusinessCalendar,
    add_business_seconds,
    business_calendar,
    business_seconds_between,
)

from ..events import CaseEvent
from ..models import (
    DEFAULT_SLA_HOURS,
    OPEN_STATUSES,
    Case,
    CaseNotification,
    CaseSettings,
    CaseStatus,
    SlaState,
    SlaTarget,
)
from ..summary import refresh_case_summary
from .notifications import assignee_recipients, notify


def target_seconds(category_id: int, priority: str, targets: dict | None = None) -> tuple[int, int]:
    """(first response, resolution) targets in business seconds."""
    if targets is not None:
        hours = targets.get((category_id, priority))
    else:
        row = SlaTarget.objects.filter(category_id=category_id, priority=priority).first()
        hours = (row.first_response_hours, row.resolution_hours) if row else None
    first, resolution = hours or DEFAULT_SLA_HOURS[priority]
    return int(Decimal(first) * 3600), int(Decimal(resolution) * 3600)


def all_targets() -> dict[tuple[int, str], tuple[Decimal, Decimal]]:
    return {(t.category_id, t.priority): (t.first_response_hours, t.resolution_hours) for t in SlaTarget.objects.all()}


def schedule(case: Case, calendar: BusinessCalendar, targets: dict | None = None) -> None:
    """Set the due moments from the opening time, the targets and the paused time so far."""
    first, resolution = target_seconds(case.category_id, case.priority, targets)
    paused = case.paused_business_seconds
    case.first_response_due_at = add_business_seconds(calendar, case.created_at, first + paused)
    case.resolution_due_at = add_business_seconds(calendar, case.created_at, resolution + paused)


def elapsed_seconds(case: Case, calendar: BusinessCalendar, now: datetime.datetime) -> int:
    """Business seconds the SLA clock has run: from opening to now (or resolution), minus pauses."""
    end = case.resolved_at or now
    if case.paused_at:
        end = min(end, case.paused_at)
    return max(business_seconds_between(calendar, case.created_at, end) - case.paused_business_seconds, 0)


def evaluate(
    case: Case,
    calendar: BusinessCalendar,
    *,
    now: datetime.datetime | None = None,
    at_risk_percent: int | None = None,
    targets: dict | None = None,
) -> str:
    """On track, at risk or breached, for the first response (until it happens) and for resolution."""
    now = now or timezone.now()
    if at_risk_percent is None:
        at_risk_percent = CaseSettings.load().at_risk_percent
    if case.status == CaseStatus.WITHDRAWN:
        return case.sla_state
    first, resolution = target_seconds(case.category_id, case.priority, targets)
    elapsed = elapsed_seconds(case, calendar, now)
    ratios = [elapsed / resolution if resolution else 0]
    if case.first_response_at is None:
        ratios.append(elapsed / first if first else 0)
    elif case.first_response_due_at and case.first_response_at > case.first_response_due_at:
        return SlaState.BREACHED
    worst = max(ratios)
    if worst >= 1:
        return SlaState.BREACHED
    if case.resolved_at is None and worst * 100 >= at_risk_percent:
        return SlaState.AT_RISK
    return SlaState.ON_TRACK


def pause(case: Case, now: datetime.datetime) -> None:
    if case.paused_at is None:
        case.paused_at = now


def resume(case: Case, calendar: BusinessCalendar, now: datetime.datetime) -> None:
    if case.paused_at is not None:
        case.paused_business_seconds += business_seconds_between(calendar, case.paused_at, now)
        case.paused_at = None
        schedule(case, calendar)


# --- the periodic scan ----------------------------------------------------------------------------


def case_sla_scan(*, now: datetime.datetime | None = None) -> dict:
    """Re-evaluate open cases; a case that becomes at risk warns its assignee once."""
    now = now or timezone.now()
    calendar = business_calendar()
    settings_row = CaseSettings.load()
    targets = all_targets()
    changed = warned = 0
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES, paused_at__isnull=True).select_related("assignee")
    for case in open_cases.iterator(chunk_size=500):
        state = evaluate(case, calendar, now=now, at_risk_percent=settings_row.at_risk_percent, targets=targets)
        if state == case.sla_state:
            continue
        with transaction.atomic():
            locked = (
                Case.objects.select_for_update(of=("self",)).select_related("assignee", "participant").get(pk=case.pk)
            )
            old = locked.sla_state
            locked.sla_state = state
            fields = ["sla_state"]
            # Warn once, and only when someone can be warned: a case assigned later is still warned.
            if (
                state in (SlaState.AT_RISK, SlaState.BREACHED)
                and locked.at_risk_notified_at is None
                and locked.assignee_id
            ):
                locked.at_risk_notified_at = now
                fields.append("at_risk_notified_at")
                warned += notify(
                    case=locked,
                    event=CaseNotification.Event.AT_RISK,
                    event_key="at-risk",
                    recipients=assignee_recipients(locked),
                )
            locked.save(update_fields=fields)
            refresh_case_summary(locked.participant_id)
            audit_record(
                actor=None, verb=CaseEvent.CASE_SLA_CHANGED, target=locked, changes={"sla_state": (old, state)}, at=now
            )
            changed += 1
    return {"changed": changed, "warned": warned}
