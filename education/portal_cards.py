"""The portal home's "Courses for you" card (registered from ``EducationConfig.ready``): the first courses meant
for the MP (recommended by its AM, then by market role) and the user's next session."""

from __future__ import annotations

from django.utils import timezone

from accounts.portal_home import PortalHomeCard, register_portal_home_card

from .models import EnrolmentStatus, SessionStatus
from .selectors import portal_enrolments, recommended_courses

HOME_CARD_COURSES = 3


def course_card_context(user, participant) -> dict:
    courses = recommended_courses(participant, with_sessions=False)
    next_enrolment = (
        portal_enrolments(user=user, participant=participant)
        .filter(
            user=user,
            status=EnrolmentStatus.ENROLLED,
            session__status=SessionStatus.SCHEDULED,
            session__starts_at__gt=timezone.now(),
        )
        .order_by("session__starts_at")
        .first()
    )
    return {
        "courses": courses[:HOME_CARD_COURSES],
        "more": max(len(courses) - HOME_CARD_COURSES, 0),
        "next_enrolment": next_enrolment,
        "participant": participant,
    }


def register_course_cards() -> None:
    register_portal_home_card(
        PortalHomeCard(
            name="courses",
            template="education/_portal_home_card.html",
            context=course_card_context,
            order=60,
            needs_column=True,
        )
    )
