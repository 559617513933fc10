"""The market education section of ``seed_demo``: a few courses (retail ones for REPs), sessions around now, an
enrolment that was attended (its certificate downloadable), one to come and a course an AM recommended.

Through :mod:`education.services` with the outbox suppressed; a delivered session is scheduled ahead, filled and
then moved into the past, as the plan section backdates its history. Idempotent: skipped when the demo courses
exist already.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import MarketParticipant, Membership
from accounts.selectors import current_manager
from ercot_services.core.calendar import business_calendar
from ercot_services.core.outbox import outbox_suppressed

from ..models import Course, CourseFormat, CourseLevel, CourseSession
from ..services import SessionInput, attendance_record, enrolment_enrol, recommendation_record, session_schedule

COURSES = [
    (
        "retail-market-fundamentals",
        "Retail market fundamentals: switches, move-ins and switch holds",
        "How a customer moves between Competitive Retailers: enrollments and switches, move-ins and move-outs, "
        "switch holds and how they are removed, and the TX SET transactions behind each step.",
        ["REP"],
        CourseLevel.INTRODUCTORY,
        CourseFormat.INSTRUCTOR_LED,
        120,
    ),
    (
        "marketrak-for-competitive-retailers",
        "MarkeTrak for Competitive Retailers",
        "Filing and working MarkeTrak issues: Inadvertent Gain/Loss, Usage/Billing, Switch Hold Removal, Missing "
        "Enrollment Transactions; who the responsible MP is and what moves an issue forward.",
        ["REP"],
        CourseLevel.INTERMEDIATE,
        CourseFormat.WEB_BASED,
        90,
    ),
    (
        "settlement-statements-and-disputes",
        "Settlement statements and dispute windows",
        "Initial, Final and True-Up statements, invoices, and the Business-Day windows in which each can be "
        "disputed; how to file a dispute Client Services can resolve quickly.",
        ["LSE", "QSE", "REP"],
        CourseLevel.INTERMEDIATE,
        CourseFormat.INSTRUCTOR_LED,
        90,
    ),
    (
        "qse-scheduling-day-ahead",
        "QSE scheduling and the Day-Ahead Market",
        "Current Operating Plans, Day-Ahead Market offers and bids, and the QSE's obligations in real time.",
        ["QSE", "RE"],
        CourseLevel.ADVANCED,
        CourseFormat.ON_SITE,
        240,
    ),
    (
        "reading-market-notices",
        "Reading market notices",
        "Notice types and IDs, ACTION REQUIRED, distribution lists and subscriptions: never miss what concerns you.",
        [],
        CourseLevel.INTRODUCTORY,
        CourseFormat.WEB_BASED,
        45,
    ),
]


def _course(slug, title, summary, roles, level, fmt, minutes) -> Course:
    from accounts.models import MarketRole

    course = Course.objects.create(
        slug=slug,
        title=title,
        summary=summary[:300],
        description=summary,
        level=level,
        format=fmt,
        duration_minutes=minutes,
        is_published=True,
    )
    course.audience.set(MarketRole.objects.filter(code__in=roles))
    return course


def _session(actor, course, instructor, starts_at, capacity=12) -> CourseSession:
    location = "ERCOT Met Center, Taylor" if course.format != CourseFormat.WEB_BASED else ""
    return session_schedule(
        actor=actor,
        data=SessionInput(
            course=course,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(minutes=course.duration_minutes),
            capacity=capacity,
            enrolment_deadline=starts_at - datetime.timedelta(days=2),
            instructor=instructor,
            location=location,
            dial_in="https://meet.ercot.example/training" if not location else "",
        ),
    )


def seed_courses(ctx) -> None:
    if Course.objects.filter(slug=COURSES[0][0]).exists():
        return
    lead = ctx.lead
    bluebonnet = MarketParticipant.objects.filter(short_name="BLUEBONNET").first()
    manager = current_manager(bluebonnet) if bluebonnet else None
    instructor = manager.user if manager else lead
    # Sessions fall on a Business Day (today's weekday, or the next one's), a week apart.
    calendar = business_calendar()
    first_day = calendar.next_business_day(timezone.localdate())
    base = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time(9, 0)))
    with outbox_suppressed():
        courses = [_course(*row) for row in COURSES]
        sessions = {}
        for index, course in enumerate(courses):
            sessions[course.slug] = [
                _session(lead, course, instructor, base + datetime.timedelta(days=7 + 7 * index)),
                _session(lead, course, instructor, base + datetime.timedelta(days=21 + 7 * index)),
            ]
        ctx.created["courses"] += len(courses)
        if bluebonnet is None:
            return
        contacts = [
            m.user for m in Membership.objects.active().filter(participant=bluebonnet).select_related("user")[:2]
        ]
        retail, marketrak = courses[0], courses[1]
        delivered = sessions[retail.slug][0]
        for contact in contacts:
            enrolment_enrol(actor=contact, session=delivered, user=contact, participant=bluebonnet)
        # The first retail session was held last week: move it into the past, then the instructor takes attendance.
        held_at = base - datetime.timedelta(days=6)
        CourseSession.objects.filter(pk=delivered.pk).update(
            starts_at=held_at,
            ends_at=held_at + datetime.timedelta(minutes=retail.duration_minutes),
            enrolment_deadline=held_at - datetime.timedelta(days=2),
        )
        delivered.refresh_from_db()
        enrolled = list(delivered.enrolments.values_list("pk", flat=True))
        attendance_record(actor=instructor, session=delivered, present=set(enrolled[:1]))
        if contacts:
            upcoming = sessions[courses[2].slug][0]
            enrolment_enrol(actor=contacts[0], session=upcoming, user=contacts[0], participant=bluebonnet)
        recommendation_record(
            actor=instructor if manager else lead,
            participant=bluebonnet,
            course=marketrak,
            reason="Your team opened several Switch Hold Removal issues this quarter: this course covers them.",
        )
