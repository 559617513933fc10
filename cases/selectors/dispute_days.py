"""Reading the Operating Days of disputes: one dispute's days, and the days an MP already disputes in open cases."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models.functions import Lower

from ..models import OPEN_STATUSES, Case, CaseKind, DisputeDay


def dispute_days_of(case: Case) -> list[DisputeDay]:
    """The days of a dispute, in order (one query); nothing for another kind of case."""
    if case.kind != CaseKind.DISPUTE:
        return []
    return list(DisputeDay.objects.filter(dispute__case=case).order_by("operating_day"))


def open_disputed_days(
    *, participant_id: int, charge_types: Iterable[str], first: datetime.date, last: datetime.date
) -> dict[tuple[str, datetime.date], str]:
    """``(charge type, Operating Day) → case reference`` of the MP's open disputes over those charge types and days
    (charge types compared without case), in one query."""
    rows = (
        DisputeDay.objects.annotate(charge=Lower("dispute__charge_type"))
        .filter(
            dispute__case__participant_id=participant_id,
            dispute__case__status__in=OPEN_STATUSES,
            charge__in={charge_type.casefold() for charge_type in charge_types},
            operating_day__range=(first, last),
        )
        .values_list("dispute__charge_type", "operating_day", "dispute__case__reference")
    )
    return {(charge_type.casefold(), day): reference for charge_type, day, reference in rows}
