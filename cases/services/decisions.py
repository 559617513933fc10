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
- ADR and the market-wide financial effect are recorded by staff: ``cases.services.adr``.

Every step writes an audit event on the case (its timeline) and emails the other side through the case outbox (the
offer rides on the resolution's own status email: ``decision_offer_note``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from ercot_services.core.audit import audit_record
from ercot_services.core.calendar import BusinessCalendar, business_calendar
from ercot_services.core.models import DomainError
from ercot_services.core.uploads import CheckedUpload

from .. import policies
from ..error_codes import CaseErrorCode
from ..events import CaseEvent
from ..models import Case, CaseKind, CaseMessage, DecisionState, DecisionWindow, DisputeDecision, DisputeOutcome
from ..models.decisions import ANSWERABLE_OUTCOMES
from .attachments import attach_uploads
from .decision_steps import (
    check_move,
    close_case,
    day_text,
    email_decision,
    locked_case,
    move,
    refused,
    reopen_case,
    staff_recipients,
    state_change,
)
from .notifications import requester_recipients


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
        check_move(decision, to_state)
        decision.state = to_state
        decision.decided_at = now
        decision.answered_at = None
        decision.answered_by = None
    decision.respond_by = decision_respond_by(now) if answerable else None
    decision.full_clean()
    decision.save()
    audit_record(
        actor=actor,
        verb=CaseEvent.DECISION_OFFERED if answerable else CaseEvent.DECISION_FINAL,
        target=case,
        changes={"decision": state_change(old_state, to_state), "respond_by": (None, decision.respond_by)},
        at=now,
    )
    return decision


def decision_offer_note(decision: DisputeDecision | None) -> str:
    """What the participant's email about the resolution adds: how long they may accept or reject it."""
    if decision is None or not decision.is_awaiting:
        return ""
    note = (
        f"You may accept or reject this decision in the portal until the end of {day_text(decision.respond_by)}; "
        "with no answer by then, the decision stands and the dispute closes."
    )
    if decision.rejection_goes_to_adr:
        note += " Rejecting it again takes the dispute to alternative dispute resolution (ADR)."
    return note


# --- the participant answers --------------------------------------------------------------------------------


@transaction.atomic
def decision_accept(*, actor: User, case: Case, now: datetime.datetime | None = None) -> DisputeDecision:
    """The participant accepts the decision: it is recorded, and the dispute closes."""
    now = now or timezone.now()
    case, decision = _answerable(actor=actor, case=case, now=now)
    move(decision, DecisionState.ACCEPTED, actor=actor, now=now)
    close_case(case, actor=actor, now=now, reason="Decision accepted by the participant")
    audit = audit_record(
        actor=actor,
        verb=CaseEvent.DECISION_ACCEPTED,
        target=case,
        changes={"decision": state_change(DecisionState.AWAITING_ANSWER, DecisionState.ACCEPTED)},
        at=now,
    )
    email_decision(
        case,
        audit_pk=audit.pk,
        recipients=staff_recipients(case),
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
        raise refused("Say why you reject the decision.", code=CaseErrorCode.REASON_REQUIRED, field="reason")
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
    headline, detail = (_to_adr if to_adr else _back_for_review)(case, decision, actor=actor, now=now)
    audit = audit_record(
        actor=actor,
        verb=CaseEvent.ADR_REQUESTED if to_adr else CaseEvent.DECISION_REJECTED,
        target=case,
        changes={
            "decision": state_change(DecisionState.AWAITING_ANSWER, decision.state),
            "rejections": (None, decision.rejections),
        },
        reason=reason.strip(),
        at=now,
    )
    email_decision(
        case,
        audit_pk=audit.pk,
        recipients=staff_recipients(case) + requester_recipients(case),
        headline=headline,
        detail=f"{detail}\n\nReason: {reason.strip()}",
    )
    return decision


def _to_adr(case: Case, decision: DisputeDecision, *, actor: User, now: datetime.datetime) -> tuple[str, str]:
    move(decision, DecisionState.ADR_REQUESTED, actor=actor, now=now)
    decision.adr_requested_on = timezone.localdate(now)
    decision.save(update_fields=["adr_requested_on", "rejections", "rejection_reason", "updated_at"])
    return (
        "Decision rejected again: alternative dispute resolution",
        f"{actor.full_name} rejected the decision a second time: the dispute goes to alternative dispute resolution "
        f"(ADR), requested on {day_text(decision.adr_requested_on)}. Client Services records its progress and "
        "outcome, which you will see on the case.",
    )


def _back_for_review(case: Case, decision: DisputeDecision, *, actor: User, now: datetime.datetime) -> tuple[str, str]:
    move(decision, DecisionState.UNDER_REVIEW, actor=actor, now=now)
    decision.save(update_fields=["rejections", "rejection_reason", "updated_at"])
    reopen_case(case, actor=actor, now=now, reason="Decision rejected by the participant")
    return (
        "Decision rejected: back for further review",
        f"{actor.full_name} rejected the decision; the dispute is back In Progress with Client Services for a new "
        "decision. Rejecting the new decision would take it to alternative dispute resolution.",
    )


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
    case = locked_case(decision.case)
    move(decision, DecisionState.ACCEPTED_BY_DEFAULT, actor=None, now=now)
    close_case(case, actor=None, now=now, reason="No answer to the decision in the window: the decision stands")
    audit = audit_record(
        actor=None,
        verb=CaseEvent.DECISION_ACCEPTED_BY_DEFAULT,
        target=case,
        changes={
            "decision": state_change(DecisionState.AWAITING_ANSWER, DecisionState.ACCEPTED_BY_DEFAULT),
            "respond_by": (None, decision.respond_by),
        },
        at=now,
    )
    email_decision(
        case,
        audit_pk=audit.pk,
        recipients=requester_recipients(case) + staff_recipients(case),
        headline="The decision stands",
        detail=f"No answer to the decision came by {day_text(decision.respond_by)}: the decision "
        f"({case.dispute.get_outcome_display()}) stands and the dispute is closed.",
    )
    return 1


def _answerable(*, actor: User, case: Case, now: datetime.datetime) -> tuple[Case, DisputeDecision]:
    """The locked case and its decision, once ``actor`` may answer it now: a portal user of the case's MP, a
    decision awaiting an answer, on or before its last day."""
    policies.check_answer_decision(actor, case)
    case = locked_case(case)
    decision = DisputeDecision.objects.select_for_update().filter(case=case).first()
    if case.kind != CaseKind.DISPUTE or decision is None or not decision.is_awaiting:
        raise DomainError(
            f"{case.reference} has no decision awaiting your answer.", code=CaseErrorCode.NO_DECISION_TO_ANSWER
        )
    if timezone.localdate(now) > decision.respond_by:
        raise DomainError(
            f"The decision on {case.reference} could be accepted or rejected until {day_text(decision.respond_by)}"
            ": it stands. Open a new inquiry mentioning the case if you need more help.",
            code=CaseErrorCode.DECISION_WINDOW_PASSED,
        )
    return case, decision
