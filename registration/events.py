"""The audit verbs registration writes (``AuditEvent.verb``): one enum, the stored values unchanged."""

from django.db import models


class RegistrationEvent(models.TextChoices):
    APPLICATION_APPROVED = "application.approved", "Application approved"
    APPLICATION_CONTACT_CHANGE_ADDED = "application.contact_change_added", "Application contact change added"
    APPLICATION_DOCUMENT_REVIEWED = "application.document_reviewed", "Application document reviewed"
    APPLICATION_DOCUMENT_UPLOADED = "application.document_uploaded", "Application document uploaded"
    APPLICATION_INFORMATION_REQUESTED = "application.information_requested", "Application information requested"
    APPLICATION_REJECTED = "application.rejected", "Application rejected"
    APPLICATION_REVIEW_STARTED = "application.review_started", "Application review started"
    APPLICATION_STARTED = "application.started", "Application started"
    APPLICATION_SUBMITTED = "application.submitted", "Application submitted"
    APPLICATION_UPDATED = "application.updated", "Application updated"
    APPLICATION_WITHDRAWN = "application.withdrawn", "Application withdrawn"
    PARTICIPANT_TERRITORIES_ADDED = "participant.territories_added", "Participant territories added"
    REGISTRATION_PUCT_RECORDED = "registration.puct_recorded", "PUCT registration recorded"
    REGISTRATION_QSE_ACKNOWLEDGEMENT_RECORDED = (
        "registration.qse_acknowledgement_recorded",
        "QSE acknowledgement recorded",
    )
    REGISTRATION_QSE_LOAD_QUALIFICATION_RECORDED = (
        "registration.qse_load_qualification_recorded",
        "QSE load qualification recorded",
    )
    REGISTRATION_SFA_RECORDED = "registration.sfa_recorded", "Standard Form Agreement recorded"
