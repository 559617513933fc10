"""Why an education service refused (courses and enrolment, the knowledge base, market rules): the ``code`` of its
``DomainError``."""

from django.db import models


class EducationErrorCode(models.TextChoices):
    INVALID = "invalid", "The details are not valid"
    PERMISSION_DENIED = "permission_denied", "Not allowed for this person"
    ENROLMENT_CLOSED = "enrolment_closed", "The enrolment deadline has passed"
    SESSION_NOT_OPEN = "session_not_open", "The session is cancelled or has started"
    ALREADY_ENROLLED = "already_enrolled", "Already enrolled or waitlisted"
    NOT_A_CONTACT = "not_a_contact", "The person is not a contact of the Market Participant"
    NOT_ACTIVE = "not_active", "The enrolment is already cancelled"
    NOT_STARTED = "not_started", "Attendance is recorded once the session has started"
    COURSE_UNPUBLISHED = "course_unpublished", "The course is not published"
    SAME_APPROVER = "same_approver", "The approver must differ from the author"
    NOT_EDITABLE = "not_editable", "Only a draft article can be edited"
    CASE_NOT_RESOLVED = "case_not_resolved", "The case is not resolved"
    NO_PUBLIC_REPLY = "no_public_reply", "The case has no public staff reply"
    ALREADY_VOTED = "already_voted", "This reader has already answered"
    CITATION_TARGET = "citation_target", "A citation names one rule and one case, notice or article"
    UNKNOWN_STATUS = "unknown_status", "Not a revision request status"
