"""The portal home's "Courses for you" card (registered from ``EducationConfig.ready``): the first courses meant
for the MP (recommended by its AM, then by market role)."""

from __future__ import annotations

from accounts.portal_home import PortalHomeCard, register_portal_home_card

from .selectors import recommended_courses

HOME_CARD_COURSES = 3


def course_card_context(user, participant) -> dict:
    """One query: the courses meant for the MP (recommended first); the card is left out when there is none."""
    courses = recommended_courses(participant, with_sessions=False)
    return {
        "courses": courses[:HOME_CARD_COURSES],
        "more": max(len(courses) - HOME_CARD_COURSES, 0),
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
