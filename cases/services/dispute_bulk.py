"""Filing many disputes from one file (the portal's CSV upload and the API's bulk endpoint).

The rows are checked as a whole before anything is filed: each row's filing deadline (``dispute_deadline``, the
windows and the holiday calendar read once for the file), a row repeated in the file, a day the MP already disputes in
an open dispute of the same charge type, and a dispute of more than 31 days. Every problem is reported with its line;
a clean file files every dispute through ``dispute_submit`` (its rules, audit event and receipt) in ONE transaction.

Grouping rule: rows with the same charge type (ignoring case), statement type and statement reference are one
multi-day dispute; its subject and description are those of its first row (a suggested subject when empty).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import MarketParticipant, User
from ercot_services.core.audit import audit_record
from ercot_services.core.calendar import BusinessCalendar, business_calendar
from ercot_services.core.models import DomainError

from ..error_codes import CaseErrorCode
from ..events import CaseEvent
from ..models import MAX_DISPUTE_DAYS, Case, CaseCategory, Channel, DisputeWindow, StatementType
from ..selectors.dispute_days import open_disputed_days
from .dispute_days import DisputeDayInput
from .disputes import dispute_deadline
from .submission import DisputeInput, dispute_submit


@dataclass(frozen=True)
class DisputeRow:
    """One row of a dispute file, already well-formed (dates, statement type and amount parsed)."""

    line: int
    operating_day: datetime.date
    statement_type: str
    charge_type: str
    disputed_amount: Decimal
    statement_reference: str
    statement_date: datetime.date | None = None
    subject: str = ""
    description: str = ""

    @property
    def group_key(self) -> tuple[str, str, str]:
        return (self.charge_type.casefold(), self.statement_type, self.statement_reference.casefold())


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}"


class DisputeFileRefused(DomainError):
    """The file has rows to correct: ``row_errors``, in line order. Nothing was filed."""

    def __init__(self, row_errors: Sequence[RowError]):
        self.row_errors = sorted(row_errors, key=lambda error: error.line)
        count = len(self.row_errors)
        super().__init__(
            f"{count} row{'s' if count != 1 else ''} of the file need{'s' if count == 1 else ''} correcting; "
            "nothing was filed.",
            code=CaseErrorCode.INVALID_CSV,
            fields={"rows": [str(error) for error in self.row_errors]},
        )


@dataclass
class DisputeGroup:
    rows: list[DisputeRow] = field(default_factory=list)

    @property
    def first(self) -> DisputeRow:
        return self.rows[0]


def dispute_rows_group(rows: Sequence[DisputeRow]) -> list[DisputeGroup]:
    groups: dict[tuple[str, str, str], DisputeGroup] = {}
    for row in rows:
        groups.setdefault(row.group_key, DisputeGroup()).rows.append(row)
    return list(groups.values())


def dispute_rows_check(
    *,
    participant: MarketParticipant,
    rows: Sequence[DisputeRow],
    now: datetime.datetime | None = None,
    calendar: BusinessCalendar | None = None,
) -> list[RowError]:
    """Every problem of well-formed rows, with its line (a few queries for the whole file, none per row)."""
    if not rows:
        return [RowError(1, "The file has no disputes: add one row per Operating Day under the header.")]
    now = now or timezone.now()
    errors = _deadline_errors(rows, today=timezone.localdate(now), calendar=calendar or business_calendar())
    errors += _group_errors(rows)
    errors += _already_disputed_errors(rows, participant=participant)
    return sorted(errors, key=lambda error: error.line)


def _deadline_errors(rows: Sequence[DisputeRow], *, today: datetime.date, calendar: BusinessCalendar) -> list[RowError]:
    """A row repeated in the file, and each row's filing deadline (computed once per statement type, Operating Day
    and statement date, from the windows read once)."""
    windows = {window.statement_type: window for window in DisputeWindow.objects.all()}
    errors: list[RowError] = []
    seen: dict[tuple, int] = {}
    deadlines: dict[tuple, object] = {}
    for row in rows:
        key = (*row.group_key, row.operating_day)
        if key in seen:
            errors.append(RowError(row.line, f"repeats line {seen[key]} (same charge, statement and Operating Day)."))
            continue
        seen[key] = row.line
        cache_key = (row.statement_type, row.operating_day, row.statement_date)
        if cache_key not in deadlines:
            try:
                deadlines[cache_key] = dispute_deadline(
                    statement_type=row.statement_type,
                    operating_day=row.operating_day,
                    statement_date=row.statement_date,
                    calendar=calendar,
                    window=windows.get(row.statement_type),
                )
            except DomainError as error:
                deadlines[cache_key] = error
        due = deadlines[cache_key]
        if isinstance(due, DomainError):
            errors.append(RowError(row.line, str(due)))
        elif today > due.deadline:
            errors.append(
                RowError(
                    row.line,
                    f"the filing deadline for Operating Day {row.operating_day:%b %d, %Y} was "
                    f"{due.deadline:%A, %B %d, %Y} ({due.explanation}).",
                )
            )
    return errors


def _group_errors(rows: Sequence[DisputeRow]) -> list[RowError]:
    """A dispute without a description, or of more than ``MAX_DISPUTE_DAYS`` days."""
    errors = []
    for group in dispute_rows_group(rows):
        first = group.first
        if not any(row.description.strip() for row in group.rows):
            errors.append(RowError(first.line, "give a description: what is wrong, and what it should be."))
        if len(group.rows) > MAX_DISPUTE_DAYS:
            errors.append(
                RowError(
                    group.rows[MAX_DISPUTE_DAYS].line,
                    f"one dispute covers at most {MAX_DISPUTE_DAYS} Operating Days; {first.charge_type} on "
                    f"{first.statement_reference} has {len(group.rows)}. Give the extra days another file.",
                )
            )
    return errors


def _already_disputed_errors(rows: Sequence[DisputeRow], *, participant: MarketParticipant) -> list[RowError]:
    """A day this MP already disputes in an open dispute of the same charge type (one query)."""
    disputed = open_disputed_days(
        participant_id=participant.pk,
        charge_types={row.charge_type for row in rows},
        first=min(row.operating_day for row in rows),
        last=max(row.operating_day for row in rows),
    )
    errors = []
    for row in rows:
        reference = disputed.get((row.charge_type.casefold(), row.operating_day))
        if reference:
            errors.append(
                RowError(
                    row.line,
                    f"Operating Day {row.operating_day:%b %d, %Y} of {row.charge_type} is already disputed in "
                    f"{reference}, which is still open.",
                )
            )
    return errors


def _category(statement_type: str) -> CaseCategory | None:
    code = "credit-financial" if statement_type == StatementType.INVOICE else "settlements"
    return CaseCategory.objects.filter(code=code).first() or CaseCategory.objects.filter(is_active=True).first()


def _subject(subject: str, row: DisputeRow, days: int) -> str:
    """The first row's subject, else one suggested from the first Operating Day and the number of days."""
    if subject.strip():
        return subject.strip()[:200]
    label = StatementType(row.statement_type).label
    span = (
        f"{days} Operating Days from {row.operating_day:%m/%d/%Y}"
        if days > 1
        else f"Operating Day {row.operating_day:%m/%d/%Y}"
    )
    return f"Dispute – {row.charge_type} – {span} ({label})"[:200]


@transaction.atomic
def dispute_bulk_file(
    *,
    actor: User,
    participant: MarketParticipant,
    rows: Sequence[DisputeRow],
    channel: str = Channel.PORTAL,
    now: datetime.datetime | None = None,
) -> list[Case]:
    """File every dispute of a clean file in one transaction, or none (``DisputeFileRefused`` with each row's
    problem; any refusal of ``dispute_submit`` midway undoes the disputes filed before it)."""
    now = now or timezone.now()
    errors = dispute_rows_check(participant=participant, rows=rows, now=now)
    if errors:
        raise DisputeFileRefused(errors)
    cases = []
    for group in dispute_rows_group(rows):
        first = group.first
        described = next((row for row in group.rows if row.description.strip()), None)
        if described is None:
            raise DisputeFileRefused(
                [RowError(first.line, "give a description: what is wrong, and what it should be.")]
            )
        days = sorted(group.rows, key=lambda row: row.operating_day)
        dispute = DisputeInput(
            category=_category(first.statement_type),
            subject=_subject(first.subject, days[0], len(days)),
            description=described.description,
            participant=participant,
            channel=channel,
            statement_type=first.statement_type,
            statement_date=first.statement_date,
            charge_type=first.charge_type,
            statement_reference=first.statement_reference,
            days=[
                DisputeDayInput(
                    operating_day=row.operating_day,
                    disputed_amount=row.disputed_amount,
                    statement_date=row.statement_date,
                )
                for row in days
            ],
        )
        try:
            cases.append(dispute_submit(actor=actor, dispute=dispute, now=now))
        except DomainError as error:
            raise DisputeFileRefused([RowError(first.line, str(error))]) from error
    audit_record(
        actor=actor,
        verb=CaseEvent.DISPUTES_BULK_FILED,
        target=participant,
        changes={"disputes": (None, [case.reference for case in cases]), "rows": (None, len(rows))},
        at=now,
    )
    return cases
