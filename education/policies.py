"""Who may do what with courses: staff of the groups whose job it is manage courses, sessions, enrolments and
attendance (``education.manage_courses``, granted in ``accounts.roles`` to Account Managers, who teach, and the
Lead); a session's instructor records its attendance; MP users enrol themselves. Views and services ask here."""

from __future__ import annotations

from ercot_services.core.permissions import has_permission, require_permission

MANAGE_COURSES = "education.manage_courses"


def can_manage_courses(user) -> bool:
    return has_permission(user, MANAGE_COURSES)


def can_record_attendance(user, session) -> bool:
    """The session's instructor, or anyone who manages courses."""
    return bool(user and user.is_authenticated and user.is_staff) and (
        session.instructor_id == user.pk or can_manage_courses(user)
    )


def check_manage_courses(actor, message: str = "Only Client Services staff who run training manage courses.") -> None:
    require_permission(actor, MANAGE_COURSES, message)
