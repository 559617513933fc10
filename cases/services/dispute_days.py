"""The Operating Days of a dispute at filing: each day's deadline from the dispute windows, a late day refused (with
its deadline) unless staff accept it with a reason, and the dispute's single-day fields kept in step with its days.

``DisputeDetail.operating_day`` is the first day, ``disputed_amount`` the sum, ``filing_deadline`` the earliest
deadline and ``filed_late`` whether any day was late: what the metrics, the API and the templates read today.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from ercot_services.core.calendar import BusinessCalendar
from ercot_services.core.models import DomainError

from ..error_codes import CaseErrorCode
from ..models import MAX_DISPUTE_DAYS, DayOutcome, DisputeDay, DisputeDetail, DisputeOutcome, DisputeWindow
from .disputes import dispute_deadline


@dataclass(frozen=True)
class DisputeDayInput:
    """One Operating Day of a dispute and the amount disputed for it (``statement_date``: the dispute's when
    left out)."""

    operating_day: datetime.date
    disputed_amount: Decimal
    statement_date: datetime.date | None = None


def late_day_message(day: datetime.date, deadline: datetime.date, explanation: str) -> str:
    return f"Operating Day {day:%b %d, %Y}: the filing deadline was {deadline:%A, %B %d, %Y} ({explanation})."


def dispute_days_plan(
    *,
    days: Sequence[DisputeDayInput],
    statement_type: str,
    statement_date: datetime.date | None,
    now: datetime.datetime,
    calendar: BusinessCalendar,
    may_accept_late: bool,
    window: DisputeWindow | None = None,
) -> list[DisputeDay]:
    """The unsaved days with their deadlines; every late day is refused at once (nothing is filed) unless
    ``may_accept_late`` (staff with a reason)."""
    _check_day_list(days)
    today = timezone.localdate(now)
    planned, refused = [], []
    for day in sorted(days, key=lambda item: item.operating_day):
        day_statement_date = day.statement_date or statement_date
        due = dispute_deadline(
            statement_type=statement_type,
            operating_day=day.operating_day,
            statement_date=day_statement_date,
            calendar=calendar,
            window=window,
        )
        late = today > due.deadline
        if late:
            refused.append((day.operating_day, due))
        planned.append(
            DisputeDay(
                operating_day=day.operating_day,
                statement_date=day_statement_date,
                disputed_amount=Decimal(day.disputed_amount),
                filing_deadline=due.deadline,
                filed_late=late,
            )
        )
    if refused and not may_accept_late:
        _refuse_late(refused, total=len(days))
    return planned


def _check_day_list(days: Sequence[DisputeDayInput]) -> None:
    """At least one day, at most ``MAX_DISPUTE_DAYS``, each once."""
    if not days:
        raise DomainError(
            "A dispute needs its Operating Day, statement, charge type and amount.",
            code=CaseErrorCode.DISPUTE_DETAILS_REQUIRED,
        )
    if len(days) > MAX_DISPUTE_DAYS:
        raise DomainError(
            f"One dispute covers at most {MAX_DISPUTE_DAYS} Operating Days; this one has {len(days)}. "
            "File the rest as another dispute.",
            code=CaseErrorCode.TOO_MANY_DAYS,
        )
    seen = [day.operating_day for day in days]
    repeated = sorted({day for day in seen if seen.count(day) > 1})
    if repeated:
        raise DomainError(
            "Each Operating Day is disputed once: " + ", ".join(f"{day:%b %d, %Y}" for day in repeated) + " repeat.",
            code=CaseErrorCode.DUPLICATE_DAY,
        )


def _refuse_late(refused: list, *, total: int) -> None:
    """Refuse the dispute: one day with the single-dispute message, several with each late day and its deadline."""
    if total == 1:
        due = refused[0][1]
        raise DomainError(
            f"The filing deadline for this dispute was {due.deadline:%A, %B %d, %Y} ({due.explanation}). "
            "It can no longer be filed here; contact your Account Manager if you believe it should be "
            "accepted late.",
            code=CaseErrorCode.FILING_DEADLINE_PASSED,
        )
    lines = [late_day_message(day, due.deadline, due.explanation) for day, due in refused]
    raise DomainError(
        f"{len(refused)} of the {total} Operating Days are past their filing deadline, so nothing was "
        "filed: " + " ".join(lines) + " Remove them, or contact your Account Manager if you believe they "
        "should be accepted late.",
        code=CaseErrorCode.FILING_DEADLINE_PASSED,
        fields={"days": lines},
    )


def detail_from_days(detail: DisputeDetail, days: Sequence[DisputeDay]) -> DisputeDetail:
    """Keep the dispute's single-day fields in step with its days (first day, sum, earliest deadline, any late)."""
    detail.operating_day = days[0].operating_day
    detail.disputed_amount = sum((day.disputed_amount for day in days), Decimal("0"))
    detail.filing_deadline = min(day.filing_deadline for day in days)
    detail.filed_late = any(day.filed_late for day in days)
    if detail.statement_date is None:
        detail.statement_date = days[0].statement_date
    return detail


def derived_outcome(days: Sequence[DisputeDay]) -> str:
    """All days granted: Granted; none: Denied; otherwise Granted with Exceptions."""
    granted = sum(1 for day in days if day.outcome == DayOutcome.GRANTED)
    if granted == len(days):
        return DisputeOutcome.GRANTED
    if granted == 0:
        return DisputeOutcome.DENIED
    return DisputeOutcome.GRANTED_WITH_EXCEPTIONS


def days_follow_outcome(detail: DisputeDetail) -> None:
    """After a whole-dispute resolution (the single-outcome form, a withdrawal): the days follow where the outcome
    says what each day got. A one-day dispute's day takes the outcome and the granted amount; every day of a
    Denied dispute is denied, of a Granted one (in full or without an amount) granted in full. Otherwise the days
    keep their own outcomes (``dispute_days_resolve`` sets them one by one)."""
    days = list(detail.days.all())
    if not days:
        return
    outcome, granted = detail.outcome, detail.granted_amount
    if outcome in ("", DisputeOutcome.WITHDRAWN):
        for day in days:
            day.outcome, day.granted_amount = "", None
    elif len(days) == 1:
        day = days[0]
        day.outcome = DayOutcome.DENIED if outcome == DisputeOutcome.DENIED else DayOutcome.GRANTED
        day.granted_amount = granted if day.outcome == DayOutcome.GRANTED else None
    elif outcome == DisputeOutcome.DENIED:
        for day in days:
            day.outcome, day.granted_amount = DayOutcome.DENIED, None
    elif outcome == DisputeOutcome.GRANTED and granted in (None, detail.disputed_amount):
        for day in days:
            day.outcome, day.granted_amount = DayOutcome.GRANTED, day.disputed_amount
    else:
        return
    DisputeDay.objects.bulk_update(days, ["outcome", "granted_amount"])
