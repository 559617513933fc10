"""The plans part of the participant summary: open and overdue action items, the latest meeting held and the latest
feedback. "Overdue" changes with the date, so the part is time-driven and the midnight roll refreshes it.

The latest meeting held is the latest start of a meeting marked held (minutes are recorded after it took place).
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Max

from accounts.services.summary import participant_summary_refresh
from accounts.summary import PartValues, SummaryPart

from .models import (
    ACTION_ITEM_OPEN_STATUSES,
    ActionItem,
    Meeting,
    MeetingStatus,
    PerformanceFeedback,
    overdue_action_items_q,
)


def compute_plan_part(participant_ids: list[int], today: datetime.date) -> PartValues:
    values: PartValues = {pk: {} for pk in participant_ids}
    items = (
        ActionItem.objects.filter(participant_id__in=participant_ids, status__in=ACTION_ITEM_OPEN_STATUSES)
        .order_by()
        .values("participant_id")
        .annotate(open_items=Count("pk"), overdue_items=Count("pk", filter=overdue_action_items_q(today)))
    )
    for row in items:
        values[row.pop("participant_id")].update(row)
    meetings = (
        Meeting.objects.filter(participant_id__in=participant_ids, status=MeetingStatus.HELD)
        .order_by()
        .values("participant_id")
        .annotate(last=Max("starts_at"))
    )
    for row in meetings:
        values[row["participant_id"]]["last_meeting_at"] = row["last"]
    feedback = (
        PerformanceFeedback.objects.filter(participant_id__in=participant_ids)
        .order_by()
        .values("participant_id")
        .annotate(last=Max("created_at"))
    )
    for row in feedback:
        values[row["participant_id"]]["last_feedback_at"] = row["last"]
    return values


PLANS_PART = SummaryPart(
    name="plans",
    fields=("open_items", "overdue_items", "last_meeting_at", "last_feedback_at"),
    compute=compute_plan_part,
    time_driven=True,
)


def refresh_plan_summary(participant_id: int) -> None:
    """Recompute the plans part of the MP's summary: action item, meeting and feedback services call this."""
    participant_summary_refresh(participant_ids=[participant_id], parts=(PLANS_PART.name,))
