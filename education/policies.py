"""Who may do what with courses: staff of the groups whose job it is manage courses, sessions, enrolments and
attendance (``education.manage_courses``, granted in ``accounts.roles`` to Account Managers, who teach, and the
Lead); a session's instructor records its attendance; MP users enrol themselves. Views and services ask here."""

from __future__ import annotations

from ercot_services.core.permissions import has_permission, require_permission
from ercot_services.core.review import may_approve

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


# --- the knowledge base and market rules -----------------------------------------------------------------------------
# Who may do what with the knowledge base and market rules.
#
# Staff who answer cases write articles (``education.add_article``); a second person holding
# ``education.publish_article`` approves and publishes them (four eyes, as notices). Citations are added by those who
# work cases or publish notices (``education.add_citation``); revision request statuses are changed by holders of
# ``education.change_revisionrequest``. The permissions are granted to groups in ``accounts.roles``.

WRITE_ARTICLE = "education.add_article"
PUBLISH_ARTICLE = "education.publish_article"
ADD_CITATION = "education.add_citation"
CHANGE_REVISION = "education.change_revisionrequest"


def can_write_article(user, article=None) -> bool:
    return has_permission(user, WRITE_ARTICLE)


def can_approve_article(user, article) -> bool:
    return has_permission(user, PUBLISH_ARTICLE) and may_approve(user, article.author_id)


def can_add_citation(user, obj=None) -> bool:
    return has_permission(user, ADD_CITATION)


def check_write_article(actor) -> None:
    require_permission(actor, WRITE_ARTICLE, "Only Client Services staff who answer cases write articles.")


def check_publish_article(actor) -> None:
    require_permission(actor, PUBLISH_ARTICLE, "Only a knowledge base publisher approves and publishes articles.")


def check_add_citation(actor) -> None:
    require_permission(actor, ADD_CITATION, "Only staff who work cases or publish notices add rule citations.")


def check_change_revision(actor) -> None:
    require_permission(actor, CHANGE_REVISION, "Only the Client Services Lead changes a revision request's status.")
