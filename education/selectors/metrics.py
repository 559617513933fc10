"""Market education metrics: sessions and courses delivered, attendance and completion by market role.

One grouped query per figure whatever the number of enrolments. A session counts as delivered when it started in
the range, was not cancelled and has started by the time the figures are read; an enrolment counts for every
market role its MP holds (an MP that is both REP and LSE counts in both rows). The Account Manager filter keeps
the MPs of that AM's current book.
"""

from __future__ import annotations

from django.db.models import Count, Q

from accounts.selectors.participants import book_participant_ids_for_manager
from ercot_services.core.metrics import MetricsFilter

from ..models import Attendance, CourseSession, Enrolment, EnrolmentStatus, SessionStatus


def _delivered_sessions(f: MetricsFilter):
    return CourseSession.objects.filter(f.in_range("starts_at"), status=SessionStatus.SCHEDULED, starts_at__lte=f.now)


def training_delivered(f: MetricsFilter) -> dict:
    """Sessions and distinct courses delivered in the range (one query)."""
    return _delivered_sessions(f).aggregate(sessions=Count("pk"), courses=Count("course", distinct=True))


def training_by_role(f: MetricsFilter) -> list[dict]:
    """Per market role: seats taken in delivered sessions, attendance recorded present and absent (one query)."""
    enrolments = Enrolment.objects.filter(session__in=_delivered_sessions(f), status=EnrolmentStatus.ENROLLED)
    if f.manager_id:
        enrolments = enrolments.filter(participant_id__in=book_participant_ids_for_manager(f.manager_id))
    return list(
        enrolments.values("participant__roles__code")
        .annotate(
            enrolled=Count("pk"),
            present=Count("pk", filter=Q(attendance=Attendance.PRESENT)),
            absent=Count("pk", filter=Q(attendance=Attendance.ABSENT)),
            participants=Count("participant", distinct=True),
        )
        .order_by("participant__roles__code")
    )
