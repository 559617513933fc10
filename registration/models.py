"""Registration: initial applications and revisions (Notice of Change of Information),
their requirement checklists and documents, and the registration facts
(SFA, PUCT certification, QSE Acknowledgement) that qualification reads.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import UNREGISTERED_STATUSES, ContactRank, ContactRole, ParticipantStatus
from ercot_services.core.models import BoundedTextField, TimeStampedModel
from ercot_services.core.text_limits import NOTE_TEXT


class RequirementType(models.Model):
    """Something an application must provide (a form, an agreement, a certification). Data."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    description = BoundedTextField(max_length=NOTE_TEXT, blank=True)
    needs_document = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class RoleRequirement(models.Model):
    """Which requirements a market role brings to an application. Administrator-editable."""

    role = models.ForeignKey("accounts.MarketRole", on_delete=models.CASCADE, related_name="requirements")
    requirement = models.ForeignKey(RequirementType, on_delete=models.CASCADE, related_name="roles")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["role", "requirement"], name="unique_role_requirement")]

    def __str__(self):
        return f"{self.role}: {self.requirement}"


# Requirement codes the code relies on (qualification reads the facts behind them).
SFA = "sfa"
PUCT = "puct-certification"
QSE_ACK = "form-h"
CHANGE_NOTICE = "form-e"


class ApplicationKind(models.TextChoices):
    INITIAL = "initial", "Initial registration"
    REVISION = "revision", "Notice of Change of Information"


# Participant statuses that may start an initial registration / file a Notice of Change of Information.
INITIAL_STATUSES = UNREGISTERED_STATUSES
REVISION_STATUSES = (ParticipantStatus.QUALIFYING, ParticipantStatus.ACTIVE, ParticipantStatus.SUSPENDED)


def start_refusal(participant, kind: str) -> str | None:
    """Why ``participant`` cannot start an application of ``kind`` now (``None`` if it can).

    The one rule behind both the portal's "start" buttons and ``application_start``.
    """
    if kind == ApplicationKind.INITIAL and participant.status not in INITIAL_STATUSES:
        return f"{participant.legal_name} is already registered: file a Notice of Change of Information instead."
    if kind == ApplicationKind.REVISION and participant.status not in REVISION_STATUSES:
        if participant.status in INITIAL_STATUSES:
            return (
                f"{participant.legal_name} is not registered yet: complete the initial registration first "
                "(start an initial registration if none is under way)."
            )
        return f"{participant.legal_name} is {participant.get_status_display().lower()}: contact Client Services."
    return None


def start_offered(participant, kind: str, *, initial_under_way: bool = False) -> bool:
    """Whether the portal offers to start an application of ``kind``: exactly when ``application_start`` accepts it
    (:func:`start_refusal`), except that an initial registration already under way is continued, not started again.

    The one rule behind the start buttons of the portal's registration list and its home card.
    """
    if start_refusal(participant, kind) is not None:
        return False
    return not (kind == ApplicationKind.INITIAL and initial_under_way)


class ChangeType(models.TextChoices):
    NAME = "name", "Legal name or DBA change"
    AUTHORIZED_REPS = "authorized_reps", "Authorized Representative or Backup AR change"
    CONTACTS = "contacts", "Contact changes"
    BANKING = "banking", "Banking change"
    SERVICE_PROVIDER = "service_provider", "Service provider change"
    ADD_ROLE = "add_role", "Add a market role"
    REMOVE_ROLE = "remove_role", "Remove a market role"
    ADD_TERRITORY = "add_territory", "Add a service territory"
    NEW_FUNCTIONALITY = "new_functionality", "New market functionality"


# Changes after which the MP must test in a flight before production (seed 004).
TESTING_CHANGES = frozenset(
    {ChangeType.ADD_TERRITORY, ChangeType.NEW_FUNCTIONALITY, ChangeType.SERVICE_PROVIDER, ChangeType.BANKING}
)


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under Review"
    INFO_REQUESTED = "info_requested", "Information Requested"
    RESUBMITTED = "resubmitted", "Resubmitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    ApplicationStatus.DRAFT: frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.SUBMITTED: frozenset({ApplicationStatus.UNDER_REVIEW, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.UNDER_REVIEW: frozenset(
        {
            ApplicationStatus.INFO_REQUESTED,
            ApplicationStatus.APPROVED,
            ApplicationStatus.REJECTED,
            ApplicationStatus.WITHDRAWN,
        }
    ),
    ApplicationStatus.INFO_REQUESTED: frozenset({ApplicationStatus.RESUBMITTED, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.RESUBMITTED: frozenset({ApplicationStatus.UNDER_REVIEW, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.APPROVED: frozenset(),
    ApplicationStatus.REJECTED: frozenset(),
    ApplicationStatus.WITHDRAWN: frozenset(),
}
OPEN_APPLICATION_STATUSES = frozenset(
    {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.UNDER_REVIEW,
        ApplicationStatus.INFO_REQUESTED,
        ApplicationStatus.RESUBMITTED,
    }
)

REVIEW_BUSINESS_DAYS = 10


class Application(TimeStampedModel):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    participant = models.ForeignKey("accounts.MarketParticipant", on_delete=models.PROTECT, related_name="applications")
    kind = models.CharField(max_length=10, choices=ApplicationKind.choices)
    status = models.CharField(max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT)
    change_types = models.JSONField(default=list, blank=True, help_text="ChangeType values (revisions).")
    roles = models.ManyToManyField(
        "accounts.MarketRole", blank=True, related_name="applications", help_text="Roles applied for / to add."
    )
    roles_to_remove = models.ManyToManyField("accounts.MarketRole", blank=True, related_name="+")
    territories_to_add = models.ManyToManyField("accounts.ServiceTerritory", blank=True, related_name="+")
    new_legal_name = models.CharField(max_length=200, blank=True)
    new_dba = models.CharField("new DBA name", max_length=200, blank=True)
    banking_note = BoundedTextField(
        max_length=NOTE_TEXT, blank=True, help_text="What changes in the banking details (no account numbers)."
    )
    service_provider_name = models.CharField(max_length=200, blank=True)
    notes = BoundedTextField(max_length=NOTE_TEXT, blank=True)
    requires_testing = models.BooleanField(default=False)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attested_at = models.DateTimeField(null=True, blank=True)
    attestation_text = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviewed_applications"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = BoundedTextField(max_length=NOTE_TEXT, blank=True)
    info_request = BoundedTextField(
        max_length=NOTE_TEXT, blank=True, help_text="What the reviewer asked for, the last time."
    )

    # Review clock: 10 Business Days from submission, paused while information is requested.
    clock_started_on = models.DateField(null=True, blank=True)
    paused_on = models.DateField(null=True, blank=True)
    paused_business_days = models.PositiveIntegerField(default=0)
    due_on = models.DateField(null=True, blank=True)
    reminder_sent_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "due_on"]), models.Index(fields=["participant", "status"])]
        # Granted to groups in accounts.roles; checked through registration.policies.
        permissions = [
            ("decide_application", "Can review registration applications: documents, start, request info, decide"),
            ("invite_potential_participant", "Can invite a potential MP from its Service Desk contact"),
        ]

    def __str__(self):
        return f"{self.reference} {self.get_kind_display()} — {self.participant}"

    def get_absolute_url(self):
        return reverse("workspace:application-detail", args=[self.reference])

    def get_portal_url(self):
        return reverse("portal:application-detail", args=[self.reference])

    def can_move_to(self, status: str) -> bool:
        return status in APPLICATION_TRANSITIONS.get(self.status, frozenset())

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPLICATION_STATUSES

    @property
    def is_editable(self) -> bool:
        """The participant may change content and documents while drafting or answering a request."""
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.INFO_REQUESTED)

    def change_type_labels(self) -> list[str]:
        return [ChangeType(value).label for value in self.change_types if value in ChangeType.values]


class ApplicationSequence(models.Model):
    year = models.PositiveSmallIntegerField(unique=True)
    last_value = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_value}"


class ContactChange(models.Model):
    """A requested AR/BAR or contact change; applied to memberships on approval."""

    class Action(models.TextChoices):
        ADD = "add", "Add"
        REMOVE = "remove", "Remove"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="contact_changes")
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.ADD)
    contact_role = models.CharField(max_length=20, choices=ContactRole.choices)
    rank = models.CharField(max_length=10, choices=ContactRank.choices, default=ContactRank.PRIMARY)
    full_name = models.CharField(max_length=150)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)

    def __str__(self):
        return f"{self.get_action_display()} {self.full_name} as {self.get_contact_role_display()}"


class RequirementStatus(models.TextChoices):
    MISSING = "missing", "Missing"
    PROVIDED = "provided", "Provided, awaiting review"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


# The statuses of a checklist line whose document is still to be provided (none yet, or the last one rejected).
MISSING_LINE_STATUSES = (RequirementStatus.MISSING, RequirementStatus.REJECTED)


class ApplicationRequirement(models.Model):
    """One checklist line of an application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="requirements")
    requirement = models.ForeignKey(RequirementType, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=RequirementStatus.choices, default=RequirementStatus.MISSING)
    review_reason = BoundedTextField(max_length=NOTE_TEXT, blank=True)

    class Meta:
        ordering = ["requirement__sort_order", "requirement__name"]
        constraints = [models.UniqueConstraint(fields=["application", "requirement"], name="one_line_per_requirement")]

    def __str__(self):
        return f"{self.application.reference}: {self.requirement} ({self.get_status_display()})"

    def is_missing_among(self, required_ids: set[int]) -> bool:
        """A document is still to be provided: the checklist requires the line (its requirement is in
        ``required_ids``), it needs a document, and it has none yet or the last one was rejected."""
        return (
            self.requirement_id in required_ids
            and self.requirement.needs_document
            and self.status in MISSING_LINE_STATUSES
        )


def document_path(instance, filename):
    return f"registration/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Document(models.Model):
    """One uploaded version of a requirement's document. Older versions are kept."""

    line = models.ForeignKey(ApplicationRequirement, on_delete=models.CASCADE, related_name="documents")
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to=document_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    review_status = models.CharField(
        max_length=10, choices=RequirementStatus.choices, default=RequirementStatus.PROVIDED
    )
    review_reason = BoundedTextField(max_length=NOTE_TEXT, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["line", "version"], name="unique_document_version")]

    def __str__(self):
        return f"{self.original_name} (v{self.version})"


# --- registration facts (read by qualification) -------------------------------------


class SfaRecord(TimeStampedModel):
    """The MP's Standard Form Market Participant Agreement, as processed by Legal."""

    participant = models.OneToOneField("accounts.MarketParticipant", on_delete=models.CASCADE, related_name="sfa")
    signed_on = models.DateField(null=True, blank=True)
    processed_by_legal = models.BooleanField(default=False)
    processed_at = models.DateTimeField(null=True, blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self):
        return f"SFA of {self.participant}"


class PuctCertification(TimeStampedModel):
    """The PUCT certification a REP needs: its number and dates."""

    participant = models.OneToOneField(
        "accounts.MarketParticipant", on_delete=models.CASCADE, related_name="puct_certification"
    )
    certificate_number = models.CharField(max_length=40)
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self):
        return f"PUCT {self.certificate_number} ({self.participant})"

    def is_valid_on(self, day) -> bool:
        return (
            self.received_at is not None
            and self.issued_on <= day
            and (self.expires_on is None or day <= self.expires_on)
        )


class QseAcknowledgement(TimeStampedModel):
    """Form H: the LSE names its QSE; Legal processes it; the QSE must be qualified to serve load."""

    participant = models.OneToOneField(
        "accounts.MarketParticipant", on_delete=models.CASCADE, related_name="qse_acknowledgement"
    )
    qse = models.ForeignKey("accounts.MarketParticipant", on_delete=models.PROTECT, related_name="acknowledged_by")
    processed_by_legal = models.BooleanField(default=False)
    processed_at = models.DateTimeField(null=True, blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(participant=models.F("qse")), name="qse_is_another_mp")]

    def __str__(self):
        return f"{self.participant} → QSE {self.qse}"

    @property
    def qse_qualified_to_serve_load(self) -> bool:
        """Read from the named QSE's own record: every LSE naming the same QSE sees the same answer."""
        return qse_is_qualified_to_serve_load(self.qse)


class QseLoadQualification(TimeStampedModel):
    """Whether a QSE is qualified to serve load: a fact about the QSE, not about an LSE's Form H.

    One row per QSE holding the current answer, who recorded it, when and why; every change is also an
    audit event on the QSE (``registration.qse_load_qualification_recorded``), its history.
    """

    qse = models.OneToOneField(
        "accounts.MarketParticipant", on_delete=models.CASCADE, related_name="load_qualification"
    )
    qualified = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = BoundedTextField(max_length=NOTE_TEXT, blank=True, help_text="Why it changed, as recorded.")

    def __str__(self):
        return f"{self.qse}: {'qualified' if self.qualified else 'not qualified'} to serve load"


def qse_is_qualified_to_serve_load(qse) -> bool:
    """The QSE's recorded answer; a QSE with nothing recorded is not qualified. Uses a joined-in record when present."""
    record = getattr(qse, "load_qualification", None)  # a missing reverse one-to-one raises an AttributeError
    return bool(record and record.qualified)
