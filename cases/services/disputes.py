"""The dispute filing window: the last Business Day to file, from the administrator-editable windows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ercot_services.core.calendar import BusinessCalendar, business_calendar
from ercot_services.core.models import DomainError

from ..error_codes import CaseErrorCode
from ..models import DisputeWindow, StatementType


@dataclass(frozen=True)
class DisputeDeadline:
    deadline: datetime.date
    window: DisputeWindow
    explanation: str


def dispute_deadline(
    *,
    statement_type: str,
    operating_day: datetime.date,
    statement_date: datetime.date | None,
    calendar: BusinessCalendar | None = None,
    window: DisputeWindow | None = None,
) -> DisputeDeadline:
    """The last Business Day to file, from the administrator-editable window of this statement type (``window``:
    that row when the caller already read it, as a file of many disputes or the deadline radar does)."""
    if window is None or window.statement_type != statement_type:
        window = DisputeWindow.objects.filter(statement_type=statement_type).first()
    if window is None:
        raise DomainError(
            f"No dispute window is configured for {StatementType(statement_type).label} statements.",
            code=CaseErrorCode.NO_DISPUTE_WINDOW,
        )
    calendar = calendar or business_calendar()
    if window.anchor == DisputeWindow.Anchor.BEFORE_TRUE_UP:
        true_up = calendar.next_business_day(operating_day + datetime.timedelta(days=window.true_up_after_days))
        deadline = calendar.add_business_days(true_up, -window.business_days)
        explanation = (
            f"{window.business_days} Business Days before the True-Up statement for Operating Day "
            f"{operating_day:%b %d, %Y} (expected {true_up:%b %d, %Y})"
        )
    else:
        if statement_date is None:
            document = (
                "invoice"
                if statement_type == StatementType.INVOICE
                else f"{StatementType(statement_type).label} statement"
            )
            raise DomainError(
                f"Give the date of the {document}: the filing window counts from it.",
                code=CaseErrorCode.DOCUMENT_DATE_REQUIRED,
            )
        deadline = calendar.add_business_days(statement_date, window.business_days)
        explanation = f"{window.business_days} Business Days after the statement dated {statement_date:%b %d, %Y}"
    return DisputeDeadline(deadline=deadline, window=window, explanation=explanation)
