"""The settlement calendar: generated from the usual statement rules, or read from a CSV, and loaded (upserted).

The one place the statement rules live is :data:`STATEMENT_RULES`: the demo (``seed_demo``) and ``manage.py
load_settlement_calendar --generate`` both generate from it. A CSV (README "Deadline radar") has the header
``operating_day,statement_type,statement_date``, ISO dates and a statement type code (``initial``, ``final``,
``true_up``, ``dam``, ``invoice``) or its label.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from ercot_services.core.audit import audit_record
from ercot_services.core.calendar import BusinessCalendar, business_calendar
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import require_permission

from ..error_codes import CaseErrorCode
from ..events import CaseEvent
from ..models import SettlementStatement, StatementType

CSV_HEADER = ("operating_day", "statement_type", "statement_date")
CHANGE_CALENDAR = "cases.change_settlementstatement"
ONE_DAY = datetime.timedelta(days=1)


@dataclasses.dataclass(frozen=True)
class StatementRule:
    """When a statement of an Operating Day is issued: ``business_days`` after it, or ``calendar_days`` after it
    (moved to the next Business Day)."""

    business_days: int | None = None
    calendar_days: int | None = None

    def statement_date(self, operating_day: datetime.date, calendar: BusinessCalendar) -> datetime.date:
        if self.business_days is not None:
            return calendar.add_business_days(operating_day, self.business_days)
        return calendar.next_business_day(operating_day + datetime.timedelta(days=self.calendar_days or 0))


# The usual settlement timeline (approximate; the loaded calendar is what counts): the Day-Ahead statement and its
# invoice two Business Days after the Operating Day, the Real-Time Initial at nine Business Days, the Final at 54
# calendar days and the True-Up at 180 (as ``DisputeWindow.true_up_after_days`` expects it).
STATEMENT_RULES: dict[str, StatementRule] = {
    StatementType.DAM: StatementRule(business_days=2),
    StatementType.INVOICE: StatementRule(business_days=2),
    StatementType.INITIAL: StatementRule(business_days=9),
    StatementType.FINAL: StatementRule(calendar_days=54),
    StatementType.TRUE_UP: StatementRule(calendar_days=180),
}


@dataclasses.dataclass(frozen=True)
class StatementRow:
    operating_day: datetime.date
    statement_type: str
    statement_date: datetime.date


@dataclasses.dataclass(frozen=True)
class CalendarLoadResult:
    created: int
    updated: int
    unchanged: int


def settlement_calendar_generate(
    *, first_day: datetime.date, last_day: datetime.date, calendar: BusinessCalendar | None = None
) -> list[StatementRow]:
    """Every statement of the Operating Days ``first_day`` to ``last_day`` by :data:`STATEMENT_RULES`."""
    calendar = calendar or business_calendar()
    rows = []
    day = first_day
    while day <= last_day:
        for statement_type, rule in STATEMENT_RULES.items():
            rows.append(StatementRow(day, str(statement_type), rule.statement_date(day, calendar)))
        day += ONE_DAY
    return rows


def _statement_type(value: str) -> str:
    value = (value or "").strip()
    for choice in StatementType:
        if value.lower() in (choice.value, choice.label.lower()):
            return choice.value
    raise ValueError(f"unknown statement type {value!r} (use one of {', '.join(StatementType.values)})")


def _date(value: str, column: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValueError(f"{column} {value!r} is not a date as YYYY-MM-DD") from None


def settlement_calendar_parse(text: str) -> list[StatementRow]:
    """The rows of a calendar CSV; a ``DomainError`` naming every bad line (nothing is loaded from a bad file)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if tuple(name.strip() for name in reader.fieldnames or ()) != CSV_HEADER:
        raise DomainError(
            f"The first line of the file must be the header {','.join(CSV_HEADER)}.", code=CaseErrorCode.INVALID
        )
    rows, problems = [], []
    for line, record in enumerate(reader, start=2):
        try:
            rows.append(
                StatementRow(
                    _date(record["operating_day"], "operating_day"),
                    _statement_type(record["statement_type"]),
                    _date(record["statement_date"], "statement_date"),
                )
            )
        except ValueError as error:
            problems.append(f"line {line}: {error}")
    if problems:
        shown = "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise DomainError(f"The calendar was not loaded: {shown}.", code=CaseErrorCode.INVALID)
    return rows


@transaction.atomic
def settlement_calendar_load(*, actor, rows: Iterable[StatementRow], source: str = "") -> CalendarLoadResult:
    """Create or update the statements of ``rows`` (one per Operating Day and statement type; a later row of the
    same key wins). All or nothing: a row that does not validate loads none. ``actor`` ``None``: a command."""
    if actor is not None:
        require_permission(actor, CHANGE_CALENDAR, "Your role does not allow editing the settlement calendar.")
    wanted: dict[tuple[datetime.date, str], datetime.date] = {}
    for row in rows:
        wanted[(row.operating_day, row.statement_type)] = row.statement_date
    if not wanted:
        return CalendarLoadResult(0, 0, 0)
    days = [day for day, _ in wanted]
    existing = {
        (statement.operating_day, statement.statement_type): statement
        for statement in SettlementStatement.objects.filter(operating_day__range=(min(days), max(days)))
    }
    new, changed, unchanged = [], [], 0
    for (operating_day, statement_type), statement_date in sorted(wanted.items()):
        statement = existing.get((operating_day, statement_type))
        if statement is None:
            statement = SettlementStatement(
                operating_day=operating_day, statement_type=statement_type, statement_date=statement_date
            )
            new.append(statement)
        elif statement.statement_date != statement_date:
            statement.statement_date = statement_date
            changed.append(statement)
        else:
            unchanged += 1
            continue
        try:
            statement.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise DomainError(
                f"Operating Day {operating_day:%Y-%m-%d}, {statement_type}: {'; '.join(error.messages)}",
                code=CaseErrorCode.INVALID,
            ) from None
        if statement.statement_date < operating_day:
            raise DomainError(
                f"Operating Day {operating_day:%Y-%m-%d}, {statement_type}: the statement cannot be dated before "
                "its Operating Day.",
                code=CaseErrorCode.INVALID,
            )
    SettlementStatement.objects.bulk_create(new, batch_size=1000)
    SettlementStatement.objects.bulk_update(changed, ["statement_date"], batch_size=1000)
    result = CalendarLoadResult(created=len(new), updated=len(changed), unchanged=unchanged)
    if new or changed:
        anchor = new[0] if new else changed[0]
        audit_record(
            actor=actor,
            verb=CaseEvent.SETTLEMENT_CALENDAR_LOADED,
            target=anchor,
            changes={
                "created": (None, result.created),
                "updated": (None, result.updated),
                "operating_days": (None, f"{min(days):%Y-%m-%d} to {max(days):%Y-%m-%d}"),
            },
            reason=source[:255],
        )
    return result
