"""The notices part of the participant summary: recent ACTION REQUIRED notices the MP has not acknowledged.

"Recent" is the last :data:`UNACKNOWLEDGED_WINDOW_DAYS` days, so the count also changes with the date: the part is
time-driven and the midnight roll refreshes it.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, IntegerField, OuterRef, Subquery

from accounts.models import MarketParticipant
from accounts.services.summary import participant_summary_refresh
from accounts.summary import PartValues, SummaryPart
from ercot_services.core.calendar import start_of_day

from .models import Acknowledgement, Notice
from .selectors import participants_addressed_by, published_notices, with_thread_cancelled

UNACKNOWLEDGED_WINDOW_DAYS = 90


class _SubqueryCount(Subquery):
    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


def unacknowledged_notices(today: datetime.date):
    """Recent ACTION REQUIRED notices addressed to the outer MP (``Notice.objects.addressed_to``), not acknowledged,
    on a thread that was not cancelled."""
    return (
        with_thread_cancelled(
            published_notices()
            .filter(published_at__gte=start_of_day(today - datetime.timedelta(days=UNACKNOWLEDGED_WINDOW_DAYS)))
            .exclude(action_required="")
        )
        .filter(thread_cancelled=False)
        .addressed_to(OuterRef("pk"))
        .exclude(
            Exists(Acknowledgement.objects.filter(notice_id=OuterRef("pk"), participant_id=OuterRef(OuterRef("pk"))))
        )
    )


def compute_notice_part(participant_ids: list[int], today: datetime.date) -> PartValues:
    counted = (
        MarketParticipant.objects.filter(pk__in=participant_ids)
        .order_by()
        .annotate(n=_SubqueryCount(unacknowledged_notices(today).order_by().values("pk")))
        .values_list("pk", "n")
    )
    return {pk: {"unacknowledged_notices": n} for pk, n in counted}


NOTICES_PART = SummaryPart(
    name="notices", fields=("unacknowledged_notices",), compute=compute_notice_part, time_driven=True
)


def refresh_notice_summaries(notice: Notice) -> None:
    """After ``notice`` is published: recount the MPs it changes. An ACTION REQUIRED notice changes the MPs it is
    addressed to; a cancellation ends its thread, whose notices may have had other audiences, so every MP."""
    if notice.kind == Notice.Kind.CANCELLATION:
        ids = MarketParticipant.objects.values_list("pk", flat=True)
    elif notice.action_required:
        ids = participants_addressed_by(notice).values_list("pk", flat=True)
    else:
        return
    participant_summary_refresh(participant_ids=list(ids), parts=(NOTICES_PART.name,))


def refresh_acknowledging_summary(participant_id: int) -> None:
    participant_summary_refresh(participant_ids=[participant_id], parts=(NOTICES_PART.name,))
