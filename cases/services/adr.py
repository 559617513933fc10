"""Alternative dispute resolution (ADR), after a participant rejected a dispute's decision twice, and the
market-wide financial effect of a decision; recorded by those who resolve disputes (``cases.services.decisions``
has the loop)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError

from .. import policies
from ..error_codes import CaseErrorCode
from ..events import CaseEvent
from ..models import AdrOutcome, Case, DecisionState, DisputeDecision
from .decision_steps import (
    check_move,
    close_case,
    email_decision,
    locked_case,
    refused,
    staff_recipients,
    state_change,
)
from .notifications import requester_recipients


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
    case = locked_case(case)
    decision = DisputeDecision.objects.select_for_update().filter(case=case).first()
    if decision is None or not decision.in_adr:
        raise DomainError(
            f"{case.reference} is not in alternative dispute resolution.",
            code=CaseErrorCode.INVALID_DECISION_TRANSITION,
        )
    if decision.state in (DecisionState.ADR_CONCLUDED, DecisionState.ADR_WITHDRAWN):
        raise DomainError(
            f"The ADR of {case.reference} is {decision.get_state_display().split()[-1].lower()}: its record is final.",
            code=CaseErrorCode.INVALID_DECISION_TRANSITION,
        )
    old = decision.state
    if adr.state != old:
        check_move(decision, adr.state)
    _check_adr_input(adr, decision)
    before = {name: getattr(decision, name) for name in _ADR_FIELDS}
    decision.state = adr.state
    decision.adr_requested_on = adr.requested_on or decision.adr_requested_on
    decision.adr_started_on = (
        adr.started_on
        or decision.adr_started_on
        or (timezone.localdate(now) if adr.state == DecisionState.ADR_IN_PROGRESS else None)
    )
    decision.adr_concluded_on = adr.concluded_on or (
        timezone.localdate(now) if adr.state in (DecisionState.ADR_CONCLUDED, DecisionState.ADR_WITHDRAWN) else None
    )
    decision.adr_outcome = adr.outcome if adr.state == DecisionState.ADR_CONCLUDED else ""
    decision.adr_amount = adr.amount if adr.state == DecisionState.ADR_CONCLUDED else None
    decision.adr_explanation = adr.explanation.strip()
    decision.full_clean()
    decision.save()
    changes = _adr_changes(before, decision)
    if not changes:
        return decision
    if decision.state in (DecisionState.ADR_CONCLUDED, DecisionState.ADR_WITHDRAWN):
        close_case(case, actor=actor, now=now, reason=f"ADR {decision.get_state_display().split()[-1].lower()}")
    audit = audit_record(actor=actor, verb=CaseEvent.ADR_RECORDED, target=case, changes=changes, at=now)
    outcome = f" Outcome: {decision.get_adr_outcome_display()}" if decision.adr_outcome else ""
    amount = f", amount ${decision.adr_amount:,.2f}" if decision.adr_amount is not None else ""
    email_decision(
        case,
        audit_pk=audit.pk,
        recipients=requester_recipients(case) + staff_recipients(case),
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


# What the timeline calls each recorded field (the case, the audit target, has none of them).
_ADR_LABELS = {
    "state": "ADR status",
    "adr_requested_on": "ADR requested on",
    "adr_started_on": "ADR started on",
    "adr_concluded_on": "ADR concluded on",
    "adr_outcome": "ADR outcome",
    "adr_amount": "ADR amount",
    "adr_explanation": "ADR explanation",
}


def _adr_changes(before: dict, decision: DisputeDecision) -> dict:
    """What changed, as the case timeline shows it (labels for the fields, the status and the outcome)."""
    changes = {
        _ADR_LABELS[name]: (before[name], getattr(decision, name))
        for name in _ADR_FIELDS
        if before[name] != getattr(decision, name)
    }
    if "ADR status" in changes:
        changes["ADR status"] = state_change(before["state"], decision.state)
    if "ADR outcome" in changes:
        changes["ADR outcome"] = tuple(AdrOutcome(v).label if v else None for v in changes["ADR outcome"])
    return changes


def _check_adr_input(adr: AdrInput, decision: DisputeDecision) -> None:
    if adr.state == DecisionState.ADR_CONCLUDED:
        if adr.outcome not in AdrOutcome.values:
            raise refused(
                "Choose the ADR outcome: upheld, overturned or settled.",
                code=CaseErrorCode.OUTCOME_REQUIRED,
                field="outcome",
            )
        if not adr.explanation.strip():
            raise refused(
                "Explain the ADR outcome: the participant sees this explanation.",
                code=CaseErrorCode.EXPLANATION_REQUIRED,
                field="explanation",
            )
        if adr.outcome != AdrOutcome.UPHELD and adr.amount is None:
            raise refused(
                "Give the amount the overturned or settled decision comes to.",
                code=CaseErrorCode.INVALID,
                field="amount",
            )
    requested = adr.requested_on or decision.adr_requested_on
    for name, day in (("started_on", adr.started_on), ("concluded_on", adr.concluded_on)):
        if day and requested and day < requested:
            raise refused(
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
            verb=CaseEvent.MARKET_EFFECT_SET,
            target=case,
            changes={"market_wide_effect": (decision.market_wide_effect, market_wide_effect)},
            at=now,
        )
        decision.market_wide_effect = market_wide_effect
        decision.save(update_fields=["market_wide_effect", "updated_at"])
    return decision
