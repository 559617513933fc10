"""Moving a case through its workflow, one service per action, along the one map :data:`CASE_TRANSITIONS`.

- ``case_acknowledge``: New → Acknowledged
- ``case_start_work``: New, Acknowledged or Waiting on Participant → In Progress
- ``case_wait_on_participant``: New, Acknowledged or In Progress → Waiting on Participant
- ``case_resolve`` (a dispute: ``dispute_resolve``): any open status → Resolved
- ``case_close``: Resolved → Closed
- ``case_reopen``: Resolved, within the reopen window → In Progress
- ``case_withdraw``: any open status → Withdrawn

The map alone decides what may follow what (``_check_transition`` refuses anything else and names what is allowed);
each service adds only what its action needs (a summary, an outcome, a reason, the reopen window). Participants
withdraw, reopen, and resume a case Waiting on them (by replying); every other move is Client Services'.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from ercot_services.core.audit import audit_record
from ercot_services.core.calendar import BusinessCalendar, business_calendar
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
    decision_close_refusal,
)
from ..summary import refresh_case_summary
from . import sla
from .decisions import decision_offer, decision_offer_note  # the participant may accept or reject the decision
from .dispute_days import days_follow_outcome
from .notifications import assignee_recipients, notify, requester_recipients
from .surveys import survey_send

# --- one service per action ---------------------------------------------------------------------------


@transaction.atomic
def case_acknowledge(*, actor: User, case: Case, reason: str = "", now: datetime.datetime | None = None) -> Case:
    """Client Services has seen the case (not an answer: the first response is still due)."""
    move = _begin(actor=actor, case=case, to_status=CaseStatus.ACKNOWLEDGED, now=now)
    move.case.acknowledged_at = move.now
    return _finish(move, actor=actor, reason=reason)


@transaction.atomic
def case_start_work(*, actor: User, case: Case, reason: str = "", now: datetime.datetime | None = None) -> Case:
    """In Progress: from New or Acknowledged, or back from Waiting on Participant (the SLA clock resumes)."""
    move = _begin(actor=actor, case=case, to_status=CaseStatus.IN_PROGRESS, now=now)
    if move.old == CaseStatus.RESOLVED:
        raise DomainError(
            f"{move.case.reference} is Resolved: reopen it, with a reason, to work on it again.",
            code=CaseErrorCode.INVALID_TRANSITION,
        )
    return _finish(move, actor=actor, reason=reason)


@transaction.atomic
def case_wait_on_participant(
    *, actor: User, case: Case, reason: str = "", now: datetime.datetime | None = None
) -> Case:
    """The next action is the participant's; the SLA clock pauses until the case moves on."""
    move = _begin(actor=actor, case=case, to_status=CaseStatus.WAITING, now=now)
    return _finish(move, actor=actor, reason=reason)


@transaction.atomic
def case_resolve(
    *, actor: User, case: Case, resolution_summary: str, reason: str = "", now: datetime.datetime | None = None
) -> Case:
    """Resolve with a summary the participant receives (a dispute needs its outcome: ``dispute_resolve``)."""
    move = _begin(actor=actor, case=case, to_status=CaseStatus.RESOLVED, now=now)
    _resolve(move, actor=actor, resolution_summary=resolution_summary)
    return _finish(move, actor=actor, reason=reason)


@transaction.atomic
def dispute_resolve(
    *,
    actor: User,
    case: Case,
    outcome: str,
    outcome_explanation: str,
    granted_amount: Decimal | None = None,
    resolution_summary: str = "",
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Case:
    """Resolve a dispute: Granted, Granted with Exceptions, Denied or Withdrawn, explained to the participant."""
    move = _begin(actor=actor, case=case, to_status=CaseStatus.RESOLVED, now=now)
    if move.case.kind != CaseKind.DISPUTE:
        raise DomainError(
            f"{move.case.reference} is not a dispute: resolve it with a summary.", code=CaseErrorCode.INVALID
        )
    _resolve(
        move,
        actor=actor,
        resolution_summary=resolution_summary,
        outcome=outcome,
        outcome_explanation=outcome_explanation,
        granted_amount=granted_amount,
    )
    decision = decision_offer(actor=actor, case=move.case, now=move.now)
    move.notify_context["decision_note"] = decision_offer_note(decision)
    return _finish(move, actor=actor, reason=reason)


@transaction.atomic
def case_close(*, actor: User, case: Case, reason: str = "", now: datetime.datetime | None = None) -> Case:
    """Close a resolved case: it takes no more replies and can no longer be reopened."""
    move = _begin(actor=actor, case=case, to_status=CaseStatus.CLOSED, now=now)
    if refusal := decision_close_refusal(move.case):  # the participant may still answer, or ADR runs
        raise DomainError(refusal, code=CaseErrorCode.DECISION_PENDING)
    move.case.closed_at = move.now
    return _finish(move, actor=actor, reason=reason)


@transaction.atomic
def case_reopen(*, actor: User, case: Case, reason: str, now: datetime.datetime | None = None) -> Case:
    """Back In Progress within ``CaseSettings.reopen_window_days`` of the resolution; the reason is required."""
    if not actor.is_staff:
        # Before the move's checks: a participant reopening a New case is told why, not that only staff move it.
        current = Case.objects.filter(pk=case.pk).values_list("status", flat=True).get()
        if current != CaseStatus.RESOLVED:
            _refuse_reopen(case.reference, current)
        if decision_close_refusal(case):  # a dispute decision is answered by accepting or rejecting it
            raise DomainError(
                f"{case.reference} has a decision to accept or reject (or is in ADR): it is not reopened.",
                code=CaseErrorCode.DECISION_PENDING,
            )
    move = _begin(actor=actor, case=case, to_status=CaseStatus.IN_PROGRESS, now=now)
    case = move.case
    if move.old != CaseStatus.RESOLVED:
        _refuse_reopen(case.reference, move.old)
    deadline = case.reopen_deadline(move.settings.reopen_window_days)
    if deadline and move.now > deadline:
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
    sla.resume(case, move.calendar, move.now)
    move.changes["resolved_at"] = (True, None)
    return _finish(move, actor=actor, reason=reason)


def _refuse_reopen(reference: str, status: str):
    raise DomainError(
        f"{reference} is {CaseStatus(status).label}: only a resolved case can be reopened.",
        code=CaseErrorCode.INVALID_TRANSITION,
    )


@transaction.atomic
def case_withdraw(*, actor: User, case: Case, reason: str = "", now: datetime.datetime | None = None) -> Case:
    """Withdraw an open case (a dispute records the Withdrawn outcome); the SLA clock stops."""
    move = _begin(actor=actor, case=case, to_status=CaseStatus.WITHDRAWN, now=now)
    case = move.case
    case.closed_at = move.now
    case.paused_at = None
    if case.kind == CaseKind.DISPUTE and hasattr(case, "dispute"):
        case.dispute.outcome = DisputeOutcome.WITHDRAWN
        case.dispute.outcome_explanation = reason or "Withdrawn by the participant."
        case.dispute.save(update_fields=["outcome", "outcome_explanation"])
        days_follow_outcome(case.dispute)
    return _finish(move, actor=actor, reason=reason)


def transition_service(case: Case, to_status: str) -> Callable[..., Case]:
    """The service that moves ``case`` to ``to_status`` (the workspace's status buttons and forms name a status).

    A Resolved case goes back In Progress by ``case_reopen``, and a dispute is resolved by ``dispute_resolve``. No
    action leads to New: that is refused with the map's own message.
    """
    if to_status == CaseStatus.IN_PROGRESS and case.status == CaseStatus.RESOLVED:
        return case_reopen
    if to_status == CaseStatus.RESOLVED and case.kind == CaseKind.DISPUTE:
        return dispute_resolve
    if to_status not in _SERVICE_TO:
        _check_transition(case, to_status)  # no action leads there: refused with the map's message
    return _SERVICE_TO[to_status]


_SERVICE_TO: dict[str, Callable[..., Case]] = {
    CaseStatus.ACKNOWLEDGED: case_acknowledge,
    CaseStatus.IN_PROGRESS: case_start_work,
    CaseStatus.WAITING: case_wait_on_participant,
    CaseStatus.RESOLVED: case_resolve,
    CaseStatus.CLOSED: case_close,
    CaseStatus.WITHDRAWN: case_withdraw,
}


def case_reopen_deadline(case: Case, *, window_days: int | None = None) -> datetime.datetime | None:
    """``window_days``: the settings' reopen window when the caller already read it (the case page does)."""
    return case.reopen_deadline(window_days or CaseSettings.load().reopen_window_days)


# --- the steps every move shares ------------------------------------------------------------------------------


@dataclass
class _Move:
    """A move under way: the locked case, where it comes from and goes to, and what the audit row records."""

    case: Case
    old: str
    to: str
    now: datetime.datetime
    calendar: BusinessCalendar
    settings: CaseSettings
    changes: dict = field(default_factory=dict)
    notify_context: dict = field(default_factory=dict)


def _begin(*, actor: User, case: Case, to_status: str, now: datetime.datetime | None) -> _Move:
    """Check who may make the move and that the map allows it; lock the case; pause or resume the SLA clock."""
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
    _check_transition(case, to_status)
    if actor.is_staff and to_status == CaseStatus.RESOLVED and case.kind == CaseKind.DISPUTE:
        policies.check_resolve_dispute(actor)
    if not actor.is_staff and not _participant_may(old, to_status):
        raise DomainError("Only Client Services can make that change.", code=CaseErrorCode.PERMISSION_DENIED)
    move = _Move(
        case=case,
        old=old,
        to=to_status,
        now=now,
        calendar=business_calendar(),
        settings=CaseSettings.load(),
        changes={"status": (old, to_status)},
    )
    if to_status == CaseStatus.WAITING:
        sla.pause(case, now)
    elif old == CaseStatus.WAITING:
        sla.resume(case, move.calendar, now)
    return move


def _participant_may(old: str, to_status: str) -> bool:
    """Participants withdraw, reopen a resolved case, and resume one Waiting on them (``case_reply`` does that)."""
    if to_status == CaseStatus.WITHDRAWN:
        return True
    return to_status == CaseStatus.IN_PROGRESS and old in (CaseStatus.RESOLVED, CaseStatus.WAITING)


def _check_transition(case: Case, to_status: str) -> None:
    """Refuse unless :data:`CASE_TRANSITIONS` lets ``case`` move to ``to_status``; the refusal names the case, its
    status and what may follow it. (``core.workflow.move_status`` does this for the other apps; the case wording and
    error codes predate it, and tests and people read them.)"""
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


def _resolve(
    move: _Move,
    *,
    actor: User,
    resolution_summary: str,
    outcome: str = "",
    outcome_explanation: str = "",
    granted_amount: Decimal | None = None,
) -> None:
    """Record the resolution (a dispute's outcome first); freeze the resolution time on the SLA clock."""
    case = move.case
    if case.kind == CaseKind.DISPUTE:
        _record_outcome(move, outcome=outcome, explanation=outcome_explanation, granted_amount=granted_amount)
    elif not resolution_summary.strip():
        raise DomainError(
            "Summarize the resolution: the participant receives it.", code=CaseErrorCode.EXPLANATION_REQUIRED
        )
    if case.paused_at:
        sla.resume(case, move.calendar, move.now)
    case.resolved_at = move.now
    case.resolution_business_seconds = sla.elapsed_seconds(case, move.calendar, move.now)
    case.resolution_summary = resolution_summary.strip() or outcome_explanation.strip()
    if case.first_response_at is None:
        case.first_response_at = move.now
        case.first_response_business_seconds = case.resolution_business_seconds


def _record_outcome(move: _Move, *, outcome: str, explanation: str, granted_amount: Decimal | None) -> None:
    if outcome not in DisputeOutcome.values:
        raise DomainError(
            "Choose the dispute outcome: Granted, Granted with Exceptions, Denied or Withdrawn.",
            code=CaseErrorCode.OUTCOME_REQUIRED,
        )
    if not explanation.strip():
        raise DomainError(
            "Explain the dispute outcome: the participant receives this explanation.",
            code=CaseErrorCode.EXPLANATION_REQUIRED,
        )
    dispute = move.case.dispute
    dispute.outcome = outcome
    dispute.outcome_explanation = explanation.strip()
    dispute.granted_amount = granted_amount
    dispute.save(update_fields=["outcome", "outcome_explanation", "granted_amount"])
    days_follow_outcome(dispute)
    move.changes["outcome"] = ("", outcome)
    move.notify_context = {"outcome": DisputeOutcome(outcome).label, "outcome_explanation": explanation}


def _finish(move: _Move, *, actor: User, reason: str) -> Case:
    """Set the status, who acts next and the SLA state; save; audit; email the other side."""
    case = move.case
    case.status = move.to
    case.next_action_by = _next_action_for(move.to)
    case.sla_state = sla.evaluate(case, move.calendar, now=move.now, at_risk_percent=move.settings.at_risk_percent)
    case.save()
    refresh_case_summary(case.participant_id)
    audit = audit_record(
        actor=actor, verb=CaseEvent.CASE_STATUS_CHANGED, target=case, changes=move.changes, reason=reason, at=move.now
    )
    notify(
        case=case,
        event=CaseNotification.Event.STATUS,
        event_key=f"status-{audit.pk}",
        recipients=requester_recipients(case) if actor.is_staff else assignee_recipients(case),
        context={
            "old_status": CaseStatus(move.old).label,
            "outcome": "",
            "outcome_explanation": "",
            **move.notify_context,
        },
    )
    if move.to == CaseStatus.RESOLVED:
        survey_send(case=case, now=move.now)  # one satisfaction survey per resolution (services.surveys)
    return case


def _next_action_for(status: str) -> str:
    if status == CaseStatus.WAITING:
        return NextAction.PARTICIPANT
    if status in OPEN_STATUSES:
        return NextAction.CLIENT_SERVICES
    return NextAction.NOBODY
