"""The cases part of the participant summary: open, at-risk and breached cases and the latest public message."""

from __future__ import annotations

import datetime

from django.db.models import Count, Max, Q

from accounts.services.summary import participant_summary_refresh
from accounts.summary import PartValues, SummaryPart

from .models import OPEN_STATUSES, Case, CaseMessage, SlaState


def compute_case_part(participant_ids: list[int], today: datetime.date) -> PartValues:
    values: PartValues = {pk: {} for pk in participant_ids}
    counts = (
        Case.objects.filter(participant_id__in=participant_ids, status__in=OPEN_STATUSES)
        .order_by()
        .values("participant_id")
        .annotate(
            open_cases=Count("pk"),
            at_risk_cases=Count("pk", filter=Q(sla_state=SlaState.AT_RISK)),
            breached_cases=Count("pk", filter=Q(sla_state=SlaState.BREACHED)),
        )
    )
    for row in counts:
        values[row.pop("participant_id")].update(row)
    latest = (
        CaseMessage.objects.filter(case__participant_id__in=participant_ids, is_internal=False)
        .order_by()
        .values("case__participant_id")
        .annotate(last_message_at=Max("created_at"))
    )
    for row in latest:
        values[row["case__participant_id"]]["last_message_at"] = row["last_message_at"]
    return values


CASES_PART = SummaryPart(
    name="cases",
    fields=("open_cases", "at_risk_cases", "breached_cases", "last_message_at"),
    compute=compute_case_part,
)


def refresh_case_summary(*participant_ids: int | None) -> None:
    """Recompute the cases part of these MPs' summaries: every case service calls this after saving its change."""
    participant_summary_refresh(participant_ids=participant_ids, parts=(CASES_PART.name,))
