"""Read-side queries of courses, sessions and enrolments. Portal reads go through the tenant scope
(``accounts.selectors.scope_to_user``): another MP's enrolment is a 404."""

from __future__ import annotations

import dataclasses

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import MarketParticipant, MarketRole, User
from accounts.selectors import scope_to_user
from ercot_services.core.search import text_search

from ..models import (
    Attendance,
    Course,
    CourseRecommendation,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    SessionStatus,
)


@dataclasses.dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    role: str = ""
    format: str = ""
    level: str = ""


def search_courses(queryset: QuerySet[Course], q: str) -> QuerySet[Course]:
    """The catalogue's search (``core.search.text_search``); a word of a title always finds the course."""
    return text_search(
        queryset,
        q,
        fields={"title": "A", "summary": "B", "description": "C"},
        order=("title",),
        also=Q(title__icontains=(q or "").strip()),
    )


def _next_sessions_prefetch(now) -> Prefetch:
    return Prefetch(
        "sessions",
        queryset=CourseSession.objects.filter(status=SessionStatus.SCHEDULED, starts_at__gt=now).order_by("starts_at"),
        to_attr="upcoming",
    )


def catalogue_courses(filters: CatalogueFilters) -> QuerySet[Course]:
    """Published courses with their audience and upcoming sessions, filtered and searched (two queries more per
    page, whatever its length)."""
    courses = Course.objects.published().prefetch_related("audience", _next_sessions_prefetch(timezone.now()))
    if filters.role:
        courses = courses.filter(Q(audience__code=filters.role) | Q(audience__isnull=True)).distinct()
    if filters.format:
        courses = courses.filter(format=filters.format)
    if filters.level:
        courses = courses.filter(level=filters.level)
    return search_courses(courses, filters.q)


def role_choices() -> list[tuple[str, str]]:
    return [(code, label) for code, label in MarketRole.Code.choices]


def sessions_with_seats(queryset: QuerySet[CourseSession]) -> QuerySet[CourseSession]:
    return queryset.annotate(
        seats_taken=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
        waitlisted=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)),
    )


def course_get_published(slug: str) -> Course:
    return get_object_or_404(
        Course.objects.published().prefetch_related("audience", "materials", "prerequisites"), slug=slug
    )


def course_upcoming_sessions(course: Course) -> list[CourseSession]:
    sessions = sessions_with_seats(
        course.sessions.filter(status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now()).select_related(
            "instructor"
        )
    )
    return list(sessions.order_by("starts_at"))


def recommended_courses(participant: MarketParticipant, *, with_sessions: bool = True) -> list[Course]:
    """The courses meant for ``participant``, in one query: those its AM recommended first (``recommended``, with
    ``recommended_reason``), then the published courses whose audience includes one of its market roles; with
    ``with_sessions``, their audience and upcoming sessions too (two queries more)."""
    recommendations = CourseRecommendation.objects.filter(participant=participant, course=OuterRef("pk"))
    courses = (
        Course.objects.published()
        .annotate(
            recommended=Exists(recommendations),
            recommended_reason=Subquery(recommendations.values("reason")[:1]),
        )
        .filter(
            Q(recommended=True)
            | Q(
                pk__in=Course.audience.through.objects.filter(marketrole__in=participant.roles.values("pk")).values(
                    "course_id"
                )
            )
        )
        .order_by("-recommended", "title")
    )
    if with_sessions:
        courses = courses.prefetch_related("audience", _next_sessions_prefetch(timezone.now()))
    return list(courses)


def portal_enrolments(*, user: User, participant: MarketParticipant) -> QuerySet[Enrolment]:
    """The MP's enrolments (everyone's: the MP's users see their colleagues' courses and certificates)."""
    return scope_to_user(Enrolment.objects.filter(participant=participant), user).select_related(
        "session__course", "session__instructor", "user"
    )


def portal_enrolment_get(*, user: User, participant: MarketParticipant, pk) -> Enrolment:
    return get_object_or_404(portal_enrolments(user=user, participant=participant), pk=pk)


def enrolment_for_certificate(*, user: User, participant: MarketParticipant, pk) -> Enrolment:
    """A completed enrolment of the MP (404 for another MP's, or one not completed)."""
    return get_object_or_404(
        portal_enrolments(user=user, participant=participant).filter(
            status=EnrolmentStatus.ENROLLED, attendance=Attendance.PRESENT
        ),
        pk=pk,
    )


def staff_sessions() -> QuerySet[CourseSession]:
    return sessions_with_seats(CourseSession.objects.select_related("course", "instructor")).order_by("-starts_at")


def session_roster(session: CourseSession) -> QuerySet[Enrolment]:
    return (
        session.enrolments.exclude(status=EnrolmentStatus.CANCELLED)
        .select_related("user", "participant")
        .order_by("status", "queued_at", "pk")
    )


@dataclasses.dataclass
class ParticipantTraining:
    recommended: list
    enrolled: list
    completed: list


def participant_training(participant: MarketParticipant, *, limit: int = 10) -> ParticipantTraining:
    """An MP's training for its AM: recommended courses, enrolments to come, completions (three queries)."""
    recommendations = list(
        CourseRecommendation.objects.filter(participant=participant)
        .select_related("course", "pattern", "recommended_by")
        .order_by("-created_at")[:limit]
    )
    base = Enrolment.objects.filter(participant=participant).select_related("session__course", "user")
    enrolled = list(
        base.filter(
            status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED], session__starts_at__gt=timezone.now()
        )
        .exclude(session__status=SessionStatus.CANCELLED)
        .order_by("session__starts_at")[:limit]
    )
    completed = list(base.completed().order_by("-completed_at")[:limit])
    return ParticipantTraining(recommended=recommendations, enrolled=enrolled, completed=completed)


def course_completions(*, participant_ids, course_ids) -> dict[tuple[int, int], list[Enrolment]]:
    """Completed enrolments keyed by (MP, course): one query for a whole list of improvement opportunities."""
    rows = (
        Enrolment.objects.completed()
        .filter(participant_id__in=list(participant_ids), session__course_id__in=list(course_ids))
        .select_related("user", "session")
        .order_by("completed_at")
    )
    result: dict[tuple[int, int], list[Enrolment]] = {}
    for row in rows:
        result.setdefault((row.participant_id, row.session.course_id), []).append(row)
    return result


def book_training(participants: QuerySet[MarketParticipant] | None, *, limit: int = 8) -> list[Enrolment]:
    """The AM home's training list (one query): the people of ``participants`` (``None``: every MP) enrolled in a
    session of the next two weeks, and those who completed a course in the last thirty days, soonest session first."""
    now = timezone.now()
    enrolments = Enrolment.objects.filter(
        Q(
            status=EnrolmentStatus.ENROLLED,
            session__status=SessionStatus.SCHEDULED,
            session__starts_at__gt=now,
            session__starts_at__lt=now + timezone.timedelta(days=14),
        )
        | Q(
            status=EnrolmentStatus.ENROLLED,
            attendance=Attendance.PRESENT,
            completed_at__gte=now - timezone.timedelta(days=30),
        )
    )
    if participants is not None:
        enrolments = enrolments.filter(participant__in=participants)
    return list(
        enrolments.select_related("user", "participant", "session__course").order_by("-session__starts_at")[:limit]
    )
