"""Moving a case through its workflow (:data:`cases.models.CASE_TRANSITIONS`), keeping the SLA clock right."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from ercot_services.core.audit import audit_record
from ercot_services.core.calendar import business_calendar
from ercot_services.core.models import DomainError

from .. import policies
from ..error_codes import CaseErrorCode
from ..events import CaseEvent
from ..models import (
    CASE_TRANSITIONS,
    OPEN_STATUSES,
    Case,
    CaseKind,
    CaseNotification,
    CaseSettings,
    CaseStatus,
    DisputeOutcome,
    NextAction,
)
from . import sla
from .notifications import assignee_recipients, notify, requester_recipients


def _next_action_for(status: str) -> str:
    if status == CaseStatus.WAITING:
        return NextAction.PARTICIPANT
    if status in OPEN_STATUSES:
        return NextAction.CLIENT_SERVICES
    return NextAction.NOBODY


@transaction.atomic
def case_transition(
    *,
    actor: User,
    case: Case,
    to_status: str,
    reason: str = "",
    resolution_summary: str = "",
    outcome: str = "",
    outcome_explanation: str = "",
    granted_amount: Decimal | None = None,
    now: datetime.datetime | None = None,
) -> Case:
    """Move a case along :data:`CASE_TRANSITIONS`, keeping the SLA clock and timestamps right."""
    if actor.is_staff:
        policies.check_work_case(actor)
    now = now or timezone.now()
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins select_related makes.
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("submitted_by", "assignee", "participant")
        .get(pk=case.pk)
    )
    old = case.status
    if old == to_status:
        raise DomainError(
            f"{case.reference} is already {case.get_status_display()}.", code=CaseErrorCode.ALREADY_IN_STATUS
        )
    if not case.can_move_to(to_status):
        allowed = ", ".join(CaseStatus(s).label for s in sorted(CASE_TRANSITIONS[old])) or "none (final)"
        raise DomainError(
            f"{case.reference} is {case.get_status_display()}: it cannot move to "
            f"{CaseStatus(to_status).label}. Allowed next: {allowed}.",
            code=CaseErrorCode.INVALID_TRANSITION,
        )
    is_staff = actor.is_staff
    if is_staff and to_status == CaseStatus.RESOLVED and case.kind == CaseKind.DISPUTE:
        policies.check_resolve_dispute(actor)
    # Participants withdraw, reopen, and resume a case Waiting on Participant by answering (case_reply).
    participant_moves = {CaseStatus.WITHDRAWN, CaseStatus.IN_PROGRESS}
    if not is_staff and to_status not in participant_moves:
        raise DomainError("Only Client Services can make that change.", code=CaseErrorCode.PERMISSION_DENIED)
    if not is_staff and to_status == CaseStatus.IN_PROGRESS and old not in (CaseStatus.RESOLVED, CaseStatus.WAITING):
        raise DomainError("Only Client Services can make that change.", code=CaseErrorCode.PERMISSION_DENIED)

    calendar = business_calendar()
    settings_row = CaseSettings.load()
    changes: dict = {"status": (old, to_status)}

    if old == CaseStatus.RESOLVED and to_status == CaseStatus.IN_PROGRESS:
        deadline = case.reopen_deadline(settings_row.reopen_window_days)
        if deadline and now > deadline:
            raise DomainError(
                f"{case.reference} was resolved on {timezone.localtime(case.resolved_at):%b %d, %Y}; it could be "
                f"reopened until {timezone.localtime(deadline):%b %d, %Y}. Open a new case and mention {case.reference}.",
                code=CaseErrorCode.REOPEN_WINDOW_PASSED,
            )
        if not reason.strip():
            raise DomainError("Say why the case is being reopened.", code=CaseErrorCode.REASON_REQUIRED)
        # The resolution clock restarts from where it stopped.
        case.paused_at = case.resolved_at
        case.resolved_at = None
        case.resolution_business_seconds = None
        sla.resume(case, calendar, now)
        changes["resolved_at"] = (True, None)

    if to_status == CaseStatus.WAITING:
        sla.pause(case, now)
    elif old == CaseStatus.WAITING:
        sla.resume(case, calendar, now)

    if to_status == CaseStatus.ACKNOWLEDGED:
        case.acknowledged_at = now
    if to_status == CaseStatus.RESOLVED:
        if case.kind == CaseKind.DISPUTE:
            if outcome not in DisputeOutcome.values:
                raise DomainError(
                    "Choose the dispute outcome: Granted, Granted with Exceptions, Denied or Withdrawn.",
                    code=CaseErrorCode.OUTCOME_REQUIRED,
                )
            if not outcome_explanation.strip():
                raise DomainError(
                    "Explain the dispute outcome: the participant receives this explanation.",
                    code=CaseErrorCode.EXPLANATION_REQUIRED,
                )
            dispute = case.dispute
            dispute.outcome = outcome
            dispute.outcome_explanation = outcome_explanation.strip()
            dispute.granted_amount = granted_amount
            dispute.save(update_fields=["outcome", "outcome_explanation", "granted_amount"])
            changes["outcome"] = ("", outcome)
        elif not resolution_summary.strip():
            raise DomainError(
                "Summarize the resolution: the participant receives it.", code=CaseErrorCode.EXPLANATION_REQUIRED
            )
        if case.paused_at:
            sla.resume(case, calendar, now)
        case.resolved_at = now
        case.resolution_business_seconds = sla.elapsed_seconds(case, calendar, now)
        case.resolution_summary = resolution_summary.strip() or outcome_explanation.strip()
        if case.first_response_at is None:
            case.first_response_at = now
            case.first_response_business_seconds = case.resolution_business_seconds
    if to_status == CaseStatus.CLOSED:
        case.closed_at = now
    if to_status == CaseStatus.WITHDRAWN:
        case.closed_at = now
        case.paused_at = None
        if case.kind == CaseKind.DISPUTE and hasattr(case, "dispute"):
            case.dispute.outcome = DisputeOutcome.WITHDRAWN
            case.dispute.outcome_explanation = reason or "Withdrawn by the participant."
            case.dispute.save(update_fields=["outcome", "outcome_explanation"])

    case.status = to_status
    case.next_action_by = _next_action_for(to_status)
    case.sla_state = sla.evaluate(case, calendar, now=now, at_risk_percent=settings_row.at_risk_percent)
    case.save()
    audit = audit_record(
        actor=actor, verb=CaseEvent.CASE_STATUS_CHANGED, target=case, changes=changes, reason=reason, at=now
    )

    recipients = requester_recipients(case) if is_staff else assignee_recipients(case)
    notify(
        case=case,
        event=CaseNotification.Event.STATUS,
        event_key=f"status-{audit.pk}",
        recipients=recipients,
        context={
            "old_status": CaseStatus(old).label,
            "outcome": DisputeOutcome(outcome).label if outcome else "",
            "outcome_explanation": outcome_explanation,
        },
    )
    return case


def case_reopen_deadline(case: Case) -> datetime.datetime | None:
    return case.reopen_deadline(CaseSettings.load().reopen_window_days)
