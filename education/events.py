"""The audit verbs education writes (``AuditEvent.verb``): one enum for courses, the knowledge base and market rules."""

from django.db import models


class EducationEvent(models.TextChoices):
    SESSION_SCHEDULED = "course_session.scheduled", "Course session scheduled"
    SESSION_UPDATED = "course_session.updated", "Course session updated"
    SESSION_CANCELLED = "course_session.cancelled", "Course session cancelled"
    ENROLLED = "enrolment.enrolled", "Enrolled in a course session"
    WAITLISTED = "enrolment.waitlisted", "Waitlisted for a course session"
    PROMOTED = "enrolment.promoted", "Promoted from the waitlist"
    ENROLMENT_CANCELLED = "enrolment.cancelled", "Enrolment cancelled"
    ATTENDANCE_RECORDED = "enrolment.attendance_recorded", "Attendance recorded"
    RECOMMENDED = "course.recommended", "Course recommended to a Market Participant"
    ARTICLE_DRAFTED = "article.drafted", "Article drafted"
    ARTICLE_EDITED = "article.edited", "Article edited"
    ARTICLE_SUBMITTED = "article.submitted", "Article submitted for review"
    ARTICLE_RETURNED = "article.returned", "Article returned to draft"
    ARTICLE_PUBLISHED = "article.published", "Article approved and published"
    ARTICLE_ARCHIVED = "article.archived", "Article archived"
    CITATION_ADDED = "citation.added", "Rule citation added"
    CITATION_REMOVED = "citation.removed", "Rule citation removed"
    REVISION_STATUS_CHANGED = "revision_request.status_changed", "Revision request status changed"
