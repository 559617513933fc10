"""Why an education service refused: the ``code`` of its ``DomainError``."""

from django.db import models


class CourseErrorCode(models.TextChoices):
    INVALID = "invalid", "The details are not valid"
    PERMISSION_DENIED = "permission_denied", "Not allowed for this person"
    ENROLMENT_CLOSED = "enrolment_closed", "The enrolment deadline has passed"
    SESSION_NOT_OPEN = "session_not_open", "The session is cancelled or has started"
    ALREADY_ENROLLED = "already_enrolled", "Already enrolled or waitlisted"
    NOT_A_CONTACT = "not_a_contact", "The person is not a contact of the Market Participant"
    NOT_ACTIVE = "not_active", "The enrolment is already cancelled"
    NOT_STARTED = "not_started", "Attendance is recorded once the session has started"
    COURSE_UNPUBLISHED = "course_unpublished", "The course is not published"
