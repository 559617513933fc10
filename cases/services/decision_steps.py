"""The steps the dispute decision loop's services share (``decisions`` and ``adr``): moving the decision along
:data:`DECISION_TRANSITIONS`, moving the case along :data:`CASE_TRANSITIONS` with its audit row, and the emails."""

from __future__ import annotations

import datetime

from accounts.models import User
from accounts.services.participants import _current_manager_user
from ercot_services.core.audit import audit_record
from ercot_services.core.calendar import business_calendar
from ercot_services.core.models import DomainError

from ..error_codes import CaseErrorCode
from ..events import CaseEvent
from ..models import (
    CASE_TRANSITIONS,
    DECISION_TRANSITIONS,
    Case,
    CaseNotification,
    CaseSettings,
    CaseStatus,
    DecisionState,
    DisputeDecision,
    NextAction,
)
from ..summary import refresh_case_summary
from . import sla
from .notifications import assignee_recipients, notify


def refused(message: str, *, code: str, field: str) -> DomainError:
    """A refusal that belongs to one field of the form that asked."""
    return DomainError(message, code=code, fields={field: [message]})


def day_text(day: datetime.date) -> str:
    """ "Friday, 4 Dec 2026"."""
    return f"{day:%A}, {day.day} {day:%b %Y}"


def state_change(old: str, new: str) -> tuple[str | None, str]:
    """A decision's move as the timeline shows it: the states' labels (the case has no field to name them)."""
    return (DecisionState(old).label if old else None, DecisionState(new).label)


def check_move(decision: DisputeDecision, to_state: str) -> None:
    if not decision.can_move_to(to_state):
        allowed = ", ".join(DecisionState(s).label for s in sorted(DECISION_TRANSITIONS[decision.state])) or "none"
        raise DomainError(
            f"The decision on {decision.case.reference} is {decision.get_state_display()}: it cannot become "
            f"{DecisionState(to_state).label}. Allowed next: {allowed}.",
            code=CaseErrorCode.INVALID_DECISION_TRANSITION,
        )


def move(decision: DisputeDecision, to_state: str, *, actor: User | None, now: datetime.datetime) -> None:
    check_move(decision, to_state)
    decision.state = to_state
    if to_state in (DecisionState.ACCEPTED, DecisionState.UNDER_REVIEW, DecisionState.ADR_REQUESTED):
        decision.answered_at = now
        decision.answered_by = actor
    decision.save()


def locked_case(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("submitted_by", "assignee", "participant")
        .get(pk=case.pk)
    )


def set_case_status(
    case: Case, to_status: str, *, actor: User | None, now: datetime.datetime, reason: str, changes: dict
) -> None:
    """Move the case along :data:`CASE_TRANSITIONS` (the loop's own transitions, not the workspace's buttons);
    save, refresh the MP's summary, audit the status change."""
    if to_status not in CASE_TRANSITIONS.get(case.status, frozenset()):
        raise DomainError(
            f"{case.reference} is {case.get_status_display()}: it cannot move to {CaseStatus(to_status).label}.",
            code=CaseErrorCode.INVALID_TRANSITION,
        )
    old = case.status
    case.status = to_status
    case.next_action_by = NextAction.CLIENT_SERVICES if to_status == CaseStatus.IN_PROGRESS else NextAction.NOBODY
    case.sla_state = sla.evaluate(
        case, business_calendar(), now=now, at_risk_percent=CaseSettings.load().at_risk_percent
    )
    case.save()
    refresh_case_summary(case.participant_id)
    audit_record(
        actor=actor,
        verb=CaseEvent.CASE_STATUS_CHANGED,
        target=case,
        changes={"status": (old, to_status), **changes},
        reason=reason,
        at=now,
    )


def close_case(case: Case, *, actor: User | None, now: datetime.datetime, reason: str) -> None:
    case.closed_at = now
    set_case_status(case, CaseStatus.CLOSED, actor=actor, now=now, reason=reason, changes={})


def reopen_case(case: Case, *, actor: User, now: datetime.datetime, reason: str) -> None:
    """Back In Progress for a new decision; the resolution clock restarts from where it stopped (as a reopen)."""
    case.paused_at = case.resolved_at
    case.resolved_at = None
    case.resolution_business_seconds = None
    sla.resume(case, business_calendar(), now)
    set_case_status(
        case, CaseStatus.IN_PROGRESS, actor=actor, now=now, reason=reason, changes={"resolved_at": (True, None)}
    )


def staff_recipients(case: Case) -> list[tuple[str, User | None, bool]]:
    """The case's assignee and the MP's Account Manager (once each)."""
    recipients = assignee_recipients(case)
    manager = _current_manager_user(case.participant) if case.participant_id else None
    if manager is not None and manager.pk != case.assignee_id:
        recipients.append((manager.email, manager, True))
    return recipients


def email_decision(case: Case, *, audit_pk: int, recipients, headline: str, detail: str) -> None:
    notify(
        case=case,
        event=CaseNotification.Event.DECISION,
        event_key=f"decision-{audit_pk}",
        recipients=recipients,
        context={"headline": headline, "detail": detail},
    )
