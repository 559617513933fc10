"""The audit verbs education writes (``AuditEvent.verb``): one enum."""

from django.db import models


class CourseEvent(models.TextChoices):
    SESSION_SCHEDULED = "course_session.scheduled", "Course session scheduled"
    SESSION_UPDATED = "course_session.updated", "Course session updated"
    SESSION_CANCELLED = "course_session.cancelled", "Course session cancelled"
    ENROLLED = "enrolment.enrolled", "Enrolled in a course session"
    WAITLISTED = "enrolment.waitlisted", "Waitlisted for a course session"
    PROMOTED = "enrolment.promoted", "Promoted from the waitlist"
    ENROLMENT_CANCELLED = "enrolment.cancelled", "Enrolment cancelled"
    ATTENDANCE_RECORDED = "enrolment.attendance_recorded", "Attendance recorded"
    RECOMMENDED = "course.recommended", "Course recommended to a Market Participant"
