"""Qualification to production (seed 004): testing flights, results, letters, certificates, connectivity."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from ercot_services.core.models import BoundedTextField, TimeStampedModel
from ercot_services.core.text_limits import NOTE_TEXT


class FlightStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    OPEN = "open", "Open for applications"
    TESTING = "testing", "Testing"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Flight(TimeStampedModel):
    """A retail market testing window, named MMYY after its start (Flight 0226 starts in February 2026)."""

    name = models.CharField(max_length=4, unique=True, editable=False)
    start_date = models.DateField()
    end_date = models.DateField()
    application_deadline = models.DateField()
    registration_deadline = models.DateField()
    status = models.CharField(max_length=10, choices=FlightStatus.choices, default=FlightStatus.PLANNED)
    notes = BoundedTextField(max_length=NOTE_TEXT, blank=True)

    class Meta:
        ordering = ["-start_date"]
        # Granted to groups in accounts.roles; checked through qualification.policies.
        permissions = [("run_testing", "Can start testing, record and hand over results, and withdraw enrollments")]

    def __str__(self):
        return f"Flight {self.name}"

    def save(self, *args, **kwargs):
        self.name = f"{self.start_date:%m%y}"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("workspace:flight-detail", args=[self.name])


class BusinessFunction(models.Model):
    """A TX SET business function tested in a flight (enrollment/switch, move-in, ...). Data."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class ParticipantKind(models.TextChoices):
    NEW = "new", "New Market Participant"
    CURRENT = "current", "Current Market Participant"


class ChangeKind(models.TextChoices):
    NEW_ENTITY = "new_entity", "New entity or rename"
    NEW_TERRITORY = "new_territory", "New territory"
    NEW_FUNCTIONALITY = "new_functionality", "New functionality"
    SERVICE_PROVIDER = "service_provider", "Service provider change"
    BANKING = "banking", "Banking change"


# Seed 004: these changes produce no qualification letter, and why.
NO_LETTER_REASONS = {
    ChangeKind.BANKING: "A banking change is recorded only: it produces no qualification letter.",
    ChangeKind.SERVICE_PROVIDER: (
        "A service provider change produces no qualification letter: the MP must update its production "
        "connectivity specifications and schedule a production connectivity test through the Service Desk."
    ),
}


class EnrollmentStatus(models.TextChoices):
    ENROLLED = "enrolled", "Enrolled"
    TESTING = "testing", "Testing"
    FAILED = "failed", "Failed testing"
    HANDED_OVER = "handed_over", "Ready for Retail Operations"
    LETTER_SENT = "letter_sent", "Qualification letter sent"
    RECORDED = "recorded", "Recorded (no letter)"
    WITHDRAWN = "withdrawn", "Withdrawn"


ENROLLMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    EnrollmentStatus.ENROLLED: frozenset({EnrollmentStatus.TESTING, EnrollmentStatus.WITHDRAWN}),
    EnrollmentStatus.TESTING: frozenset(
        {EnrollmentStatus.HANDED_OVER, EnrollmentStatus.FAILED, EnrollmentStatus.WITHDRAWN}
    ),
    EnrollmentStatus.FAILED: frozenset({EnrollmentStatus.TESTING, EnrollmentStatus.WITHDRAWN}),
    EnrollmentStatus.HANDED_OVER: frozenset({EnrollmentStatus.LETTER_SENT, EnrollmentStatus.RECORDED}),
    EnrollmentStatus.LETTER_SENT: frozenset(),
    EnrollmentStatus.RECORDED: frozenset(),
    EnrollmentStatus.WITHDRAWN: frozenset(),
}


class Enrollment(TimeStampedModel):
    flight = models.ForeignKey(Flight, on_delete=models.PROTECT, related_name="enrollments")
    participant = models.ForeignKey("accounts.MarketParticipant", on_delete=models.PROTECT, related_name="enrollments")
    participant_kind = models.CharField(max_length=10, choices=ParticipantKind.choices)
    change_kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    status = models.CharField(max_length=20, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ENROLLED)
    application = models.ForeignKey(
        "registration.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="enrollments"
    )
    late_override_reason = BoundedTextField(max_length=NOTE_TEXT, blank=True)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["flight", "participant__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["flight", "participant", "change_kind"], name="one_enrollment_per_change")
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["participant", "status"])]

    def __str__(self):
        return f"{self.participant} in {self.flight} ({self.get_change_kind_display()})"

    def get_absolute_url(self):
        return reverse("workspace:enrollment-detail", args=[self.pk])

    @property
    def produces_letter(self) -> bool:
        return self.change_kind not in NO_LETTER_REASONS

    def can_move_to(self, status: str) -> bool:
        return status in ENROLLMENT_TRANSITIONS.get(self.status, frozenset())


class FlightResult(TimeStampedModel):
    """What the Flight Administrator records for an enrollment (seed 004's three facts)."""

    enrollment = models.OneToOneField(Enrollment, on_delete=models.CASCADE, related_name="result")
    completed = models.BooleanField(help_text="Completed the testing successfully.")
    trading_partners = models.ManyToManyField("accounts.MarketParticipant", blank=True, related_name="+")
    business_functions = models.ManyToManyField(BusinessFunction, blank=True, related_name="+")
    tested_on = models.DateField()
    notes = BoundedTextField(max_length=NOTE_TEXT, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    handed_over_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Result of {self.enrollment}"


def letter_path(instance, filename):
    return f"letters/{timezone.now():%Y}/{uuid.uuid4().hex}.pdf"


class LetterSequence(models.Model):
    year = models.PositiveSmallIntegerField(unique=True)
    last_value = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_value}"


class QualificationLetter(TimeStampedModel):
    enrollment = models.OneToOneField(Enrollment, on_delete=models.PROTECT, related_name="letter")
    number = models.CharField(max_length=20, unique=True)
    issued_on = models.DateField()
    effective_date = models.DateField()
    pdf = models.FileField(upload_to=letter_path)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-issued_on", "-number"]

    def __str__(self):
        return self.number

    @property
    def participant(self):
        return self.enrollment.participant

    @property
    def filename(self) -> str:
        return f"{self.number}-{self.enrollment.participant.short_name}.pdf"


class LetterDelivery(models.Model):
    """One recipient of a letter; the unique pair (letter, address) means no one receives it twice."""

    class Kind(models.TextChoices):
        TO = "to", "Recipient"
        COPY = "copy", "Copy"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    letter = models.ForeignKey(QualificationLetter, on_delete=models.CASCADE, related_name="deliveries")
    email = models.EmailField()
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=5, choices=Kind.choices)
    capacity = models.CharField(max_length=200, help_text="Why this person receives it.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["kind", "email"]
        constraints = [models.UniqueConstraint(fields=["letter", "email"], name="one_delivery_per_address")]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.letter} → {self.email} ({self.status})"


class CertificateStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ISSUED = "issued", "Issued"
    INSTALLED = "installed", "Installed"


CERTIFICATE_TRANSITIONS = {
    CertificateStatus.REQUESTED: frozenset({CertificateStatus.ISSUED}),
    CertificateStatus.ISSUED: frozenset({CertificateStatus.INSTALLED}),
    CertificateStatus.INSTALLED: frozenset(),
}


class CertificateRequest(TimeStampedModel):
    """A production digital certificate for the MP's User Security Administrator."""

    participant = models.ForeignKey(
        "accounts.MarketParticipant", on_delete=models.CASCADE, related_name="certificate_requests"
    )
    enrollment = models.ForeignKey(Enrollment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    security_administrator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.REQUESTED)
    requested_at = models.DateTimeField(default=timezone.now)
    issued_at = models.DateTimeField(null=True, blank=True)
    installed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Production certificate for {self.participant} ({self.get_status_display()})"


class ConnectivitySpec(TimeStampedModel):
    """The MP's production connectivity specifications (what FlighTrak holds at the operator)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Update requested"
        SUBMITTED = "submitted", "Submitted"

    participant = models.OneToOneField(
        "accounts.MarketParticipant", on_delete=models.CASCADE, related_name="connectivity_spec"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    endpoint_url = models.CharField("endpoint URL", max_length=255, blank=True)
    protocol = models.CharField(max_length=40, default="NAESB EDM")
    certificate_fingerprint = models.CharField(max_length=128, blank=True)
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    requested_reason = models.CharField(max_length=255, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return f"Connectivity of {self.participant}"


class ConnectivityTest(TimeStampedModel):
    """Production connectivity testing, scheduled through a Service Desk service request.

    Seed 004: once the MP has updated its production connectivity specifications, its AR or BAR submits the
    ticket (``service_request``) to the Service Desk, copying Flight Testing and MASS; until then it is empty.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        SCHEDULED = "scheduled", "Scheduled"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"

    participant = models.ForeignKey(
        "accounts.MarketParticipant", on_delete=models.CASCADE, related_name="connectivity_tests"
    )
    enrollment = models.ForeignKey(
        Enrollment, null=True, blank=True, on_delete=models.SET_NULL, related_name="connectivity_tests"
    )
    service_request = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="connectivity_test"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    reason = models.CharField(
        max_length=255, blank=True, help_text="Why it is needed (new MP, service provider change)."
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    notes = BoundedTextField(max_length=NOTE_TEXT, blank=True)

    def __str__(self):
        return f"Connectivity test for {self.participant} ({self.get_status_display()})"
