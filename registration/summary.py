"""The registration part of the participant summary: applications still open (pending a decision)."""

from __future__ import annotations

import datetime

from django.db.models import Count

from accounts.services.summary import participant_summary_refresh
from accounts.summary import PartValues, SummaryPart

from .models import OPEN_APPLICATION_STATUSES, Application


def compute_registration_part(participant_ids: list[int], today: datetime.date) -> PartValues:
    rows = (
        Application.objects.filter(participant_id__in=participant_ids, status__in=OPEN_APPLICATION_STATUSES)
        .order_by()
        .values("participant_id")
        .annotate(n=Count("pk"))
    )
    return {row["participant_id"]: {"pending_registrations": row["n"]} for row in rows}


REGISTRATION_PART = SummaryPart(
    name="registration", fields=("pending_registrations",), compute=compute_registration_part
)


def refresh_registration_summary(participant_id: int) -> None:
    """Recompute the registration part of the MP's summary: each application service calls this after saving."""
    participant_summary_refresh(participant_ids=[participant_id], parts=(REGISTRATION_PART.name,))
