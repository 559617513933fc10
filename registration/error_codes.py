"""Why a registration service refused: the ``code`` of its ``DomainError``."""

from django.db import models


class RegistrationErrorCode(models.TextChoices):
    INVALID = "invalid", "The details are not valid"
    PERMISSION_DENIED = "permission_denied", "Not allowed for this person"
    NOT_EDITABLE = "not_editable", "The application cannot be changed in its status"
    START_NOT_ALLOWED = "start_not_allowed", "The MP may not start this kind of application now"
    REVIEW_NOT_STARTED = "review_not_started", "The review has not started"
    REASON_REQUIRED = "reason_required", "A reason is required"
    ATTESTATION_REQUIRED = "attestation_required", "The attestation was not confirmed"
    REQUIREMENTS_MISSING = "requirements_missing", "Required documents are still missing"
    ROLE_REQUIRED = "role_required", "No market role chosen"
    CHANGE_TYPE_REQUIRED = "change_type_required", "No change type chosen for a revision"
    UNKNOWN_CHANGE_TYPE = "unknown_change_type", "Unknown or unchangeable change type"
    DOCUMENTS_NOT_ACCEPTED = "documents_not_accepted", "Documents not yet accepted"
    INVALID_CERTIFICATION = "invalid_certification", "The PUCT certification dates are not valid"
    INVALID_QSE = "invalid_qse", "The QSE named is not valid"
    NOTHING_TO_INVITE = "nothing_to_invite", "No prospective contact or email to invite"
    DUPLICATE_PARTICIPANT = "duplicate_participant", "A Market Participant with that short name exists"
    STAFF_EMAIL = "staff_email", "The email belongs to operator staff"
