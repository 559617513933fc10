"""The audit verbs qualification writes (``AuditEvent.verb``): one enum, the stored values unchanged."""

from django.db import models


class QualificationEvent(models.TextChoices):
    CERTIFICATE_REQUESTED = "certificate.requested", "Certificate requested"
    CERTIFICATE_STATUS_CHANGED = "certificate.status_changed", "Certificate status changed"
    CONNECTIVITY_REQUESTED = "connectivity.requested", "Connectivity requested"
    CONNECTIVITY_SPEC_UPDATED = "connectivity.spec_updated", "Connectivity spec updated"
    CONNECTIVITY_TESTED = "connectivity.tested", "Connectivity tested"
    CONNECTIVITY_TICKET_SUBMITTED = "connectivity.ticket_submitted", "Connectivity ticket submitted"
    ENROLLMENT_CREATED = "enrollment.created", "Enrollment created"
    ENROLLMENT_HANDED_OVER = "enrollment.handed_over", "Enrollment handed over"
    ENROLLMENT_RECORDED_WITHOUT_LETTER = "enrollment.recorded_without_letter", "Enrollment recorded without letter"
    ENROLLMENT_RESULT_RECORDED = "enrollment.result_recorded", "Enrollment result recorded"
    ENROLLMENT_TESTING_STARTED = "enrollment.testing_started", "Enrollment testing started"
    ENROLLMENT_WITHDRAWN = "enrollment.withdrawn", "Enrollment withdrawn"
    FLIGHT_CREATED = "flight.created", "Flight created"
    LETTER_ISSUED = "letter.issued", "Letter issued"
    LETTER_RESEND_REQUESTED = "letter.resend_requested", "Letter resend requested"
