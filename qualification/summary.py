"""The qualification part of the participant summary: the MP's latest enrollment (latest flight first)."""

from __future__ import annotations

import datetime

from accounts.services.summary import participant_summary_refresh
from accounts.summary import PartValues, SummaryPart

from .models import Enrollment


def compute_qualification_part(participant_ids: list[int], today: datetime.date) -> PartValues:
    """The first enrollment of each MP in latest-flight order.

    Read in that order and kept per MP here, not with PostgreSQL's ``DISTINCT ON``: the embedded SQLite default
    (``make run``) has no such clause, and an MP has a handful of enrollments.
    """
    enrollments = (
        Enrollment.objects.filter(participant_id__in=participant_ids)
        .order_by("participant_id", "-flight__start_date", "-pk")
        .values_list("participant_id", "pk", "status", "flight__name")
    )
    latest: PartValues = {}
    for participant_id, pk, status, flight in enrollments:
        latest.setdefault(
            participant_id, {"enrollment_id": pk, "enrollment_status": status, "enrollment_flight": flight}
        )
    return latest


QUALIFICATION_PART = SummaryPart(
    name="qualification",
    fields=("enrollment_id", "enrollment_status", "enrollment_flight"),
    compute=compute_qualification_part,
)


def refresh_qualification_summary(participant_id: int) -> None:
    """Recompute the qualification part of the MP's summary: each enrollment service calls this after saving."""
    participant_summary_refresh(participant_ids=[participant_id], parts=(QUALIFICATION_PART.name,))
