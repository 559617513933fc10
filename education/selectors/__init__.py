"""Education selectors (reads). Courses, sessions and enrolments: ``courses``."""

from .courses import (
    CatalogueFilters,
    ParticipantTraining,
    catalogue_courses,
    course_completions,
    course_get_published,
    course_upcoming_sessions,
    enrolment_for_certificate,
    participant_training,
    portal_enrolment_get,
    portal_enrolments,
    recommended_courses,
    role_choices,
    search_courses,
    session_roster,
    sessions_with_seats,
    staff_sessions,
)

__all__ = [
    "CatalogueFilters",
    "ParticipantTraining",
    "catalogue_courses",
    "course_completions",
    "course_get_published",
    "course_upcoming_sessions",
    "enrolment_for_certificate",
    "participant_training",
    "portal_enrolment_get",
    "portal_enrolments",
    "recommended_courses",
    "role_choices",
    "search_courses",
    "session_roster",
    "sessions_with_seats",
    "staff_sessions",
]
