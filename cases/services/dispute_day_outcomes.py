"""Deciding a multi-day dispute day by day: each Operating Day Granted (with its granted amount) or Denied; the
dispute's outcome and granted total are derived from the days, and the dispute is resolved by ``dispute_resolve``."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from accounts.models import User
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError

from ..error_codes import CaseErrorCode
from ..events import CaseEvent
from ..models import Case, CaseKind, DayOutcome, DisputeDay
from .dispute_days import derived_outcome
from .workflow import dispute_resolve


@dataclass(frozen=True)
class DayDecision:
    operating_day: datetime.date
    outcome: str
    granted_amount: Decimal | None = None


def _decide(day: DisputeDay, decision: DayDecision) -> None:
    if decision.outcome not in DayOutcome.values:
        raise DomainError(
            f"Choose Granted or Denied for Operating Day {day.operating_day:%b %d, %Y}.",
            code=CaseErrorCode.DAY_OUTCOMES_REQUIRED,
        )
    day.outcome = decision.outcome
    if decision.outcome == DayOutcome.DENIED:
        day.granted_amount = None
        return
    granted = day.disputed_amount if decision.granted_amount is None else decision.granted_amount
    if granted < 0 or granted > day.disputed_amount:
        raise DomainError(
            f"The amount granted for Operating Day {day.operating_day:%b %d, %Y} must be between $0.00 and the "
            f"${day.disputed_amount:,.2f} disputed.",
            code=CaseErrorCode.INVALID,
        )
    day.granted_amount = granted


@transaction.atomic
def dispute_days_resolve(
    *,
    actor: User,
    case: Case,
    decisions: Sequence[DayDecision],
    outcome_explanation: str,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Case:
    """Record each day's outcome, then resolve the dispute with the derived outcome and the granted total.

    Every day of the dispute gets a decision; the checks of ``dispute_resolve`` (who may resolve, the transition,
    the explanation) apply, and it writes the status change, its audit event and the participant's email."""
    if case.kind != CaseKind.DISPUTE:
        raise DomainError(f"{case.reference} is not a dispute: resolve it with a summary.", code=CaseErrorCode.INVALID)
    days = list(DisputeDay.objects.select_for_update().filter(dispute__case=case).order_by("operating_day"))
    by_day = {decision.operating_day: decision for decision in decisions}
    missing = [day for day in days if day.operating_day not in by_day]
    if missing or len(by_day) != len(days):
        raise DomainError(
            "Decide every Operating Day of the dispute: "
            + ", ".join(f"{day.operating_day:%b %d, %Y}" for day in missing or days)
            + ".",
            code=CaseErrorCode.DAY_OUTCOMES_REQUIRED,
        )
    for day in days:
        _decide(day, by_day[day.operating_day])
    DisputeDay.objects.bulk_update(days, ["outcome", "granted_amount"])
    granted_total = sum((day.granted_amount or Decimal("0") for day in days), Decimal("0"))
    outcome = derived_outcome(days)
    resolved = dispute_resolve(
        actor=actor,
        case=case,
        outcome=outcome,
        outcome_explanation=outcome_explanation,
        granted_amount=granted_total,
        reason=reason,
        now=now,
    )
    audit_record(
        actor=actor,
        verb=CaseEvent.DISPUTE_DAYS_DECIDED,
        target=resolved,
        changes={f"{day.operating_day:%Y-%m-%d}": ("", f"{day.outcome} {day.granted_amount or 0}") for day in days},
        at=resolved.resolved_at,
    )
    return resolved
