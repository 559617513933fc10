"""The decision loop of a dispute, one service per step, along the one map :data:`DECISION_TRANSITIONS`.

- ``decision_offer``: staff resolved the dispute (``dispute_resolve`` calls it). Granted with Exceptions or Denied
  → Awaiting the participant's answer until ``DecisionWindow.business_days`` Business Days after the decision;
  Granted → Final (nothing to answer).
- ``decision_accept``: the participant accepts → Accepted; the case closes.
- ``decision_accept_lapsed``: no answer by the end of the last day → the decision stands; the case closes (the
  periodic task; idempotent).
- ``decision_reject``: the first rejection → Under review (the case goes back In Progress, Client Services acts
  next; it is its own transition, not a reopen, so the reopen window does not apply); the second → ADR requested
  (the case stays Resolved, off the SLA clock, and cannot be closed until ADR ends).
- ``adr_record``: staff record ADR's progress (in progress, concluded with an outcome, withdrawn) and dates;
  concluding or withdrawing closes the case.
- ``decision_market_effect_set``: staff mark whether the decision has a market-wide financial effect (a market
  notice may then be drafted from it, in ``notices.services.from_dispute``).

Every step writes an audit event on the case (its timeline) and emails the other side through the case outbox.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services.participants import _current_manager_user
from ercot_services.core.audit import audit_record
from ercot_services.core.calendar import BusinessCalendar, business_calendar
from ercot_services.core.models import DomainError
from ercot_services.core.uploads import CheckedUpload

from .. import policies
from ..error_codes import CaseErrorCode
from ..events import CaseEvent, DecisionEvent
from ..models import (
    CASE_TRANSITIONS,
    DECISION_TRANSITIONS,
    AdrOutcome,
    Case,
    CaseKind,
    CaseMessage,
    CaseNotification,
    CaseSettings,
    CaseStatus,
    DecisionState,
    DecisionWindow,
    DisputeDecision,
    DisputeOutcome,
    NextAction,
)
from ..models.decisions import ANSWERABLE_OUTCOMES
from ..summary import refresh_case_summary
from . import sla
from .attachments import attach_uploads
from .notifications import assignee_recipients, notify, requester_recipients


def _refused(message: str, *, code: str, field: str) -> DomainError:
    """A refusal that belongs to one field of the form that asked."""
    return DomainError(message, code=code, fields={field: [message]})


def _day(day: datetime.date) -> str:
    """ "Friday, 4 Dec 2026"."""
    return f"{day:%A}, {day.day} {day:%b %Y}"


def decision_respond_by(
    decided_at: datetime.datetime, *, business_days: int | None = None, calendar: BusinessCalendar | None = None
) -> datetime.date:
    """The last Business Day on which the participant may answer a decision made at ``decided_at``."""
    days = business_days if business_days is not None else DecisionWindow.load().business_days
    calendar = calendar or business_calendar()
    return calendar.add_business_days(timezone.localdate(decided_at), days)


# --- staff decide ------------------------------------------------------------------------------------------


def decision_offer(*, actor: User, case: Case, now: datetime.datetime) -> DisputeDecision | None:
    """Record the decision ``dispute_resolve`` just made (called inside its transaction, the case locked): offer it
    to the participant to accept or reject, or make it final when it grants in full."""
    dispute = case.dispute
    if dispute.outcome == DisputeOutcome.WITHDRAWN:
        return None
    decision = DisputeDecision.objects.select_for_update().filter(case=case).first()
    answerable = dispute.outcome in ANSWERABLE_OUTCOMES
    to_state = DecisionState.AWAITING_ANSWER if answerable else DecisionState.FINAL
    if decision is None:
        decision = DisputeDecision(case=case, decided_at=now, state=to_state)
        old_state = ""
    else:
        old_state = decision.state
        if decision.in_adr:
            raise DomainError(
                f"{case.reference} went to alternative dispute resolution: record the ADR outcome instead of a new "
                "decision.",
                code=CaseErrorCode.INVALID_DECISION_TRANSITION,
            )
        if decision.state != DecisionState.UNDER_REVIEW:
            # Reopened by the ordinary reopen (not a rejection): the earlier decision is simply replaced.
            decision.state = DecisionState.UNDER_REVIEW
        else:
            decision.round += 1
        _check(decision, to_state)
        decision.state = to_state
        decision.decided_at = now
        decision.answered_at = None
        decision.answered_by = None
    decision.respond_by = decision_respond_by(now) if answerable else None
    decision.full_clean()
    decision.save()
    audit = audit_record(
        actor=actor,
        verb=DecisionEvent.DECISION_OFFERED if answerable else DecisionEvent.DECISION_FINAL,
        target=case,
        changes={"decision": (old_state or None, to_state), **({"respond_by": (None, decision.respond_by)})},
        at=now,
    )
    if answerable:
        last_round = decision.rejection_goes_to_adr
        _email(
            case,
            audit_pk=audit.pk,
            recipients=requester_recipients(case),
            headline=f"Accept or reject the decision by {_day(decision.respond_by)}",
            detail=(
                f"Client Services decided your dispute: {dispute.get_outcome_display()}. You may accept or reject "
                f"this decision in the portal until the end of {_day(decision.respond_by)}; with no answer "
                "by then, the decision stands and the dispute closes."
                + (
                    " This is the decision after your rejection: rejecting it again takes the dispute to "
                    "alternative dispute resolution (ADR)."
                    if last_round
                    else ""
                )
            ),
        )
    return decision


# --- the participant answers --------------------------------------------------------------------------------


@transaction.atomic
def decision_accept(*, actor: User, case: Case, now: datetime.datetime | None = None) -> DisputeDecision:
    """The participant accepts the decision: it is recorded, and the dispute closes."""
    now = now or timezone.now()
    case, decision = _answerable(actor=actor, case=case, now=now)
    _move(decision, DecisionState.ACCEPTED, actor=actor, now=now)
    _close_case(case, actor=actor, now=now, reason="Decision accepted by the participant")
    audit = audit_record(
        actor=actor,
        verb=DecisionEvent.DECISION_ACCEPTED,
        target=case,
        changes={"decision": (DecisionState.AWAITING_ANSWER, DecisionState.ACCEPTED)},
        at=now,
    )
    _email(
        case,
        audit_pk=audit.pk,
        recipients=_staff_recipients(case),
        headline="Decision accepted",
        detail=f"{actor.full_name} accepted the decision ({case.dispute.get_outcome_display()}); the dispute is "
        "closed.",
    )
    return decision


@transaction.atomic
def decision_reject(
    *,
    actor: User,
    case: Case,
    reason: str,
    attachments: Iterable[CheckedUpload] = (),
    now: datetime.datetime | None = None,
) -> DisputeDecision:
    """The participant rejects the decision, saying why (and with files): the first time the dispute goes back to
    Client Services for a new decision; the second time it goes to alternative dispute resolution."""
    now = now or timezone.now()
    if not reason.strip():
        raise _refused("Say why you reject the decision.", code=CaseErrorCode.REASON_REQUIRED, field="reason")
    case, decision = _answerable(actor=actor, case=case, now=now)
    to_adr = decision.rejection_goes_to_adr
    decision.rejections += 1
    decision.rejection_reason = reason.strip()
    message = CaseMessage.objects.create(
        case=case,
        author=actor,
        author_name=actor.full_name,
        body=f"Decision rejected{' (second time: ADR requested)' if to_adr else ''}.\n\n{reason.strip()}",
        created_at=now,
    )
    attach_uploads(case=case, uploads=attachments, actor=actor, message=message)
    if to_adr:
        _move(decision, DecisionState.ADR_REQUESTED, actor=actor, now=now)
        decision.adr_requested_on = timezone.localdate(now)
        decision.save(update_fields=["adr_requested_on", "rejections", "rejection_reason", "updated_at"])
        verb, headline = DecisionEvent.ADR_REQUESTED, "Decision rejected again: alternative dispute resolution"
        detail = (
            f"{actor.full_name} rejected the decision a second time: the dispute goes to alternative dispute "
            f"resolution (ADR), requested on {decision.adr_requested_on:%d %b %Y}. Client Services records its "
            "progress and outcome, which you will see on the case.\n\nReason: " + reason.strip()
        )
    else:
        _move(decision, DecisionState.UNDER_REVIEW, actor=actor, now=now)
        decision.save(update_fields=["rejections", "rejection_reason", "updated_at"])
        _reopen_case(case, actor=actor, now=now, reason="Decision rejected by the participant")
        verb, headline = DecisionEvent.DECISION_REJECTED, "Decision rejected: back for further review"
        detail = (
            f"{actor.full_name} rejected the decision; the dispute is back In Progress with Client Services for a "
            "new decision. Rejecting the new decision would take it to alternative dispute resolution.\n\n"
            "Reason: " + reason.strip()
        )
    audit = audit_record(
        actor=actor,
        verb=verb,
        target=case,
        changes={
            "decision": (DecisionState.AWAITING_ANSWER, decision.state),
            "rejections": (None, decision.rejections),
        },
        reason=reason.strip(),
        at=now,
    )
    _email(
        case,
        audit_pk=audit.pk,
        recipients=_staff_recipients(case) + requester_recipients(case),
        headline=headline,
        detail=detail,
    )
    return decision


def decision_accept_lapsed(*, now: datetime.datetime | None = None) -> int:
    """Close, as accepted by default, every dispute whose decision was not answered by the end of its last day.

    Each decision in its own transaction, re-read and locked: safe to run twice or side by side (a decision
    answered meanwhile is left alone). Returns how many were closed."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    closed = 0
    for pk in DisputeDecision.objects.lapsed(today).values_list("pk", flat=True):
        closed += _accept_one_lapsed(pk, now=now, today=today)
    return closed


@transaction.atomic
def _accept_one_lapsed(pk: int, *, now: datetime.datetime, today: datetime.date) -> int:
    decision = DisputeDecision.objects.select_for_update().lapsed(today).filter(pk=pk).first()
    if decision is None:
        return 0
    case = _locked_case(decision.case)
    _move(decision, DecisionState.ACCEPTED_BY_DEFAULT, actor=None, now=now)
    _close_case(case, actor=None, now=now, reason="No answer to the decision in the window: the decision stands")
    audit = audit_record(
        actor=None,
        verb=DecisionEvent.DECISION_ACCEPTED_BY_DEFAULT,
        target=case,
        changes={
            "decision": (DecisionState.AWAITING_ANSWER, DecisionState.ACCEPTED_BY_DEFAULT),
            "respond_by": (None, decision.respond_by),
        },
        at=now,
    )
    _email(
        case,
        audit_pk=audit.pk,
        recipients=requester_recipients(case) + _staff_recipients(case),
        headline="The decision stands",
        detail=f"No answer to the decision came by {_day(decision.respond_by)}: the decision "
        f"({case.dispute.get_outcome_display()}) stands and the dispute is closed.",
    )
    return 1


# --- staff record ADR and the market-wide effect -------------------------------------------------------------


@dataclass(frozen=True)
class AdrInput:
    """What staff record of an alternative dispute resolution: where it stands, its dates and its outcome."""

    state: str
    requested_on: datetime.date | None = None
    started_on: datetime.date | None = None
    concluded_on: datetime.date | None = None
    outcome: str = ""
    amount: Decimal | None = None
    explanation: str = ""


@transaction.atomic
def adr_record(*, actor: User, case: Case, adr: AdrInput, now: datetime.datetime | None = None) -> DisputeDecision:
    """Record ADR's progress: in progress (started on), concluded (outcome, amount, explanation) or withdrawn; the
    dates and outcome may be corrected while ADR runs. Concluding or withdrawing closes the case."""
    policies.check_resolve_dispute(actor)
    now = now or timezone.now()
    case = _locked_case(case)
    decision = DisputeDecision.objects.select_for_update().filter(case=case).first()
    if decision is None or not decision.in_adr:
        raise DomainError(
            f"{case.reference} is not in alternative dispute resolution.",
            code=CaseErrorCode.INVALID_DECISION_TRANSITION,
        )
    old = decision.state
    if adr.state != old:
        _check(decision, adr.state)
    _check_adr_input(adr, decision)
    before = {name: getattr(decision, name) for name in _ADR_FIELDS}
    decision.state = adr.state
    decision.adr_requested_on = adr.requested_on or decision.adr_requested_on
    decision.adr_started_on = adr.started_on or (
        timezone.localdate(now) if adr.state == DecisionState.ADR_IN_PROGRESS else decision.adr_started_on
    )
    decision.adr_concluded_on = adr.concluded_on or (
        timezone.localdate(now) if adr.state in (DecisionState.ADR_CONCLUDED, DecisionState.ADR_WITHDRAWN) else None
    )
    decision.adr_outcome = adr.outcome if adr.state == DecisionState.ADR_CONCLUDED else ""
    decision.adr_amount = adr.amount if adr.state == DecisionState.ADR_CONCLUDED else None
    decision.adr_explanation = adr.explanation.strip()
    decision.full_clean()
    decision.save()
    changes = {
        name: (before[name], getattr(decision, name)) for name in _ADR_FIELDS if before[name] != getattr(decision, name)
    }
    if not changes:
        return decision
    if decision.state in (DecisionState.ADR_CONCLUDED, DecisionState.ADR_WITHDRAWN):
        _close_case(case, actor=actor, now=now, reason=f"ADR {decision.get_state_display().split()[-1].lower()}")
    audit = audit_record(actor=actor, verb=DecisionEvent.ADR_RECORDED, target=case, changes=changes, at=now)
    outcome = f" Outcome: {decision.get_adr_outcome_display()}" if decision.adr_outcome else ""
    amount = f", amount ${decision.adr_amount:,.2f}" if decision.adr_amount is not None else ""
    _email(
        case,
        audit_pk=audit.pk,
        recipients=requester_recipients(case) + _staff_recipients(case),
        headline=decision.get_state_display(),
        detail=f"Alternative dispute resolution: {decision.get_state_display()}.{outcome}{amount}"
        + (f"\n\n{decision.adr_explanation}" if decision.adr_explanation else ""),
    )
    return decision


_ADR_FIELDS = (
    "state",
    "adr_requested_on",
    "adr_started_on",
    "adr_concluded_on",
    "adr_outcome",
    "adr_amount",
    "adr_explanation",
)


def _check_adr_input(adr: AdrInput, decision: DisputeDecision) -> None:
    if adr.state == DecisionState.ADR_CONCLUDED:
        if adr.outcome not in AdrOutcome.values:
            raise _refused(
                "Choose the ADR outcome: upheld, overturned or settled.",
                code=CaseErrorCode.OUTCOME_REQUIRED,
                field="outcome",
            )
        if not adr.explanation.strip():
            raise _refused(
                "Explain the ADR outcome: the participant sees this explanation.",
                code=CaseErrorCode.EXPLANATION_REQUIRED,
                field="explanation",
            )
        if adr.outcome != AdrOutcome.UPHELD and adr.amount is None:
            raise _refused(
                "Give the amount the overturned or settled decision comes to.",
                code=CaseErrorCode.INVALID,
                field="amount",
            )
    requested = adr.requested_on or decision.adr_requested_on
    for name, day in (("started_on", adr.started_on), ("concluded_on", adr.concluded_on)):
        if day and requested and day < requested:
            raise _refused(
                f"ADR cannot have {name.replace('_on', '')} before it was requested ({requested:%d %b %Y}).",
                code=CaseErrorCode.INVALID,
                field=name,
            )


@transaction.atomic
def decision_market_effect_set(
    *, actor: User, case: Case, market_wide_effect: bool, now: datetime.datetime | None = None
) -> DisputeDecision:
    """Mark whether the dispute's decision has a market-wide financial effect (then a notice may be drafted)."""
    policies.check_resolve_dispute(actor)
    decision = DisputeDecision.objects.select_for_update().filter(case=case).first()
    if decision is None:
        raise DomainError(
            f"{case.reference} has no decision yet: resolve the dispute first.",
            code=CaseErrorCode.NO_DECISION_TO_ANSWER,
        )
    if decision.market_wide_effect != market_wide_effect:
        audit_record(
            actor=actor,
            verb=DecisionEvent.MARKET_EFFECT_SET,
            target=case,
            changes={"market_wide_effect": (decision.market_wide_effect, market_wide_effect)},
            at=now,
        )
        decision.market_wide_effect = market_wide_effect
        decision.save(update_fields=["market_wide_effect", "updated_at"])
    return decision


# --- the steps they share -------------------------------------------------------------------------------------


def _check(decision: DisputeDecision, to_state: str) -> None:
    if not decision.can_move_to(to_state):
        allowed = ", ".join(DecisionState(s).label for s in sorted(DECISION_TRANSITIONS[decision.state])) or "none"
        raise DomainError(
            f"The decision on {decision.case.reference} is {decision.get_state_display()}: it cannot become "
            f"{DecisionState(to_state).label}. Allowed next: {allowed}.",
            code=CaseErrorCode.INVALID_DECISION_TRANSITION,
        )


def _move(decision: DisputeDecision, to_state: str, *, actor: User | None, now: datetime.datetime) -> None:
    _check(decision, to_state)
    decision.state = to_state
    if to_state in (DecisionState.ACCEPTED, DecisionState.UNDER_REVIEW, DecisionState.ADR_REQUESTED):
        decision.answered_at = now
        decision.answered_by = actor
    decision.save()


def _locked_case(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("submitted_by", "assignee", "participant")
        .get(pk=case.pk)
    )


def _answerable(*, actor: User, case: Case, now: datetime.datetime) -> tuple[Case, DisputeDecision]:
    """The locked case and its decision, once ``actor`` may answer it now: a portal user of the case's MP, a
    decision awaiting an answer, on or before its last day."""
    policies.check_answer_decision(actor, case)
    case = _locked_case(case)
    decision = DisputeDecision.objects.select_for_update().filter(case=case).first()
    if case.kind != CaseKind.DISPUTE or decision is None or not decision.is_awaiting:
        raise DomainError(
            f"{case.reference} has no decision awaiting your answer.", code=CaseErrorCode.NO_DECISION_TO_ANSWER
        )
    if timezone.localdate(now) > decision.respond_by:
        raise DomainError(
            f"The decision on {case.reference} could be accepted or rejected until {_day(decision.respond_by)}"
            ": it stands. Open a new inquiry mentioning the case if you need more help.",
            code=CaseErrorCode.DECISION_WINDOW_PASSED,
        )
    return case, decision


def _set_case_status(
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


def _close_case(case: Case, *, actor: User | None, now: datetime.datetime, reason: str) -> None:
    case.closed_at = now
    _set_case_status(case, CaseStatus.CLOSED, actor=actor, now=now, reason=reason, changes={})


def _reopen_case(case: Case, *, actor: User, now: datetime.datetime, reason: str) -> None:
    """Back In Progress for a new decision; the resolution clock restarts from where it stopped (as a reopen)."""
    case.paused_at = case.resolved_at
    case.resolved_at = None
    case.resolution_business_seconds = None
    sla.resume(case, business_calendar(), now)
    _set_case_status(
        case, CaseStatus.IN_PROGRESS, actor=actor, now=now, reason=reason, changes={"resolved_at": (True, None)}
    )


def _staff_recipients(case: Case) -> list[tuple[str, User | None, bool]]:
    """The case's assignee and the MP's Account Manager (once each)."""
    recipients = assignee_recipients(case)
    manager = _current_manager_user(case.participant) if case.participant_id else None
    if manager is not None and manager.pk != case.assignee_id:
        recipients.append((manager.email, manager, True))
    return recipients


def _email(case: Case, *, audit_pk: int, recipients, headline: str, detail: str) -> None:
    notify(
        case=case,
        event=CaseNotification.Event.DECISION,
        event_key=f"decision-{audit_pk}",
        recipients=recipients,
        context={"headline": headline, "detail": detail},
    )
