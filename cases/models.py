"""Cases: inquiries, disputes, service requests and potential-MP contacts, with SLAs.

The workflow is the single map :data:`CASE_TRANSITIONS`; services in
``cases.services`` are the only writers.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ercot_services.core.models import BoundedTextField, TimeStampedModel
from ercot_services.core.text_limits import MESSAGE_TEXT, NOTE_TEXT


class CaseKind(models.TextChoices):
    INQUIRY = "inquiry", "Inquiry"
    DISPUTE = "dispute", "Dispute"
    SERVICE_REQUEST = "service_request", "Service Request"
    POTENTIAL_MP = "potential_mp", "Potential-MP contact"


KIND_PREFIX = {
    CaseKind.INQUIRY: "INQ",
    CaseKind.DISPUTE: "DSP",
    CaseKind.SERVICE_REQUEST: "SRQ",
    CaseKind.POTENTIAL_MP: "PMP",
}


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class Channel(models.TextChoices):
    PORTAL = "portal", "Portal"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    MEETING = "meeting", "Meeting"
    WEB_FORM = "web_form", "Public contact form"
    SYSTEM = "system", "Opened by a workflow"


class CaseStatus(models.TextChoices):
    NEW = "new", "New"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_PROGRESS = "in_progress", "In Progress"
    WAITING = "waiting", "Waiting on Participant"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = frozenset({CaseStatus.NEW, CaseStatus.ACKNOWLEDGED, CaseStatus.IN_PROGRESS, CaseStatus.WAITING})

# The whole workflow. Reopening (Resolved → In Progress) is further limited to
# CaseSettings.reopen_window_days after resolution; services check that.
CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.NEW: frozenset(
        {CaseStatus.ACKNOWLEDGED, CaseStatus.IN_PROGRESS, CaseStatus.WAITING, CaseStatus.RESOLVED, CaseStatus.WITHDRAWN}
    ),
    CaseStatus.ACKNOWLEDGED: frozenset(
        {CaseStatus.IN_PROGRESS, CaseStatus.WAITING, CaseStatus.RESOLVED, CaseStatus.WITHDRAWN}
    ),
    CaseStatus.IN_PROGRESS: frozenset({CaseStatus.WAITING, CaseStatus.RESOLVED, CaseStatus.WITHDRAWN}),
    CaseStatus.WAITING: frozenset({CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED, CaseStatus.WITHDRAWN}),
    CaseStatus.RESOLVED: frozenset({CaseStatus.CLOSED, CaseStatus.IN_PROGRESS}),
    CaseStatus.CLOSED: frozenset(),
    CaseStatus.WITHDRAWN: frozenset(),
}


class NextAction(models.TextChoices):
    CLIENT_SERVICES = "client_services", "Client Services"
    PARTICIPANT = "participant", "Participant"
    NOBODY = "nobody", "Nobody (finished)"


class SlaState(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    BREACHED = "breached", "Breached"


class StatementType(models.TextChoices):
    INITIAL = "initial", "Initial (Real-Time)"
    FINAL = "final", "Final (Real-Time)"
    TRUE_UP = "true_up", "True-Up (Real-Time)"
    DAM = "dam", "Day-Ahead Market"
    INVOICE = "invoice", "Invoice"


class DisputeOutcome(models.TextChoices):
    GRANTED = "granted", "Granted"
    GRANTED_WITH_EXCEPTIONS = "granted_with_exceptions", "Granted with Exceptions"
    DENIED = "denied", "Denied"
    WITHDRAWN = "withdrawn", "Withdrawn"


class CaseSettings(models.Model):
    """Administrator-editable knobs of the case workflow (a single row)."""

    reopen_window_days = models.PositiveIntegerField(
        default=10, help_text="Calendar days after resolution during which a case can be reopened."
    )
    at_risk_percent = models.PositiveIntegerField(
        default=75, help_text="A case is at risk once this share of its SLA time is used."
    )
    pattern_case_count = models.PositiveIntegerField(
        default=3, validators=[MinValueValidator(2)], help_text="N: cases in one category that make a pattern..."
    )
    pattern_window_days = models.PositiveIntegerField(default=30, help_text="...within D days.")
    max_attachment_mb = models.PositiveIntegerField(default=10)

    class Meta:
        db_table = "accounts_casesettings"
        verbose_name = verbose_name_plural = "case settings"

    def __str__(self):
        return "Case settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> CaseSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class CaseCategory(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    description = BoundedTextField(max_length=NOTE_TEXT, blank=True)
    default_priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        db_table = "accounts_casecategory"
        ordering = ["sort_order", "name"]
        verbose_name_plural = "case categories"

    def __str__(self):
        return self.name


class SlaTarget(models.Model):
    """Business-hour targets for one category and priority."""

    category = models.ForeignKey(CaseCategory, on_delete=models.CASCADE, related_name="sla_targets")
    priority = models.CharField(max_length=10, choices=Priority.choices)
    first_response_hours = models.DecimalField(max_digits=6, decimal_places=2)
    resolution_hours = models.DecimalField(max_digits=7, decimal_places=2)

    class Meta:
        db_table = "accounts_slatarget"
        ordering = ["category", "priority"]
        constraints = [models.UniqueConstraint(fields=["category", "priority"], name="one_sla_target_per_priority")]

    def __str__(self):
        return f"{self.category} / {self.get_priority_display()}: {self.first_response_hours} h / {self.resolution_hours} h"


# Used when a category has no target for a priority.
DEFAULT_SLA_HOURS = {
    Priority.URGENT: (Decimal("2"), Decimal("9")),
    Priority.HIGH: (Decimal("4"), Decimal("27")),
    Priority.NORMAL: (Decimal("9"), Decimal("45")),
    Priority.LOW: (Decimal("18"), Decimal("90")),
}


class CaseSequence(models.Model):
    """The last reference number used per prefix and year (locked while a case is numbered)."""

    prefix = models.CharField(max_length=5)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "accounts_casesequence"
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="one_sequence_per_prefix_year")]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last_value}"


class Case(TimeStampedModel):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=CaseKind.choices, default=CaseKind.INQUIRY)
    participant = models.ForeignKey(
        "accounts.MarketParticipant", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    category = models.ForeignKey(CaseCategory, on_delete=models.PROTECT, related_name="cases")
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    subject = models.CharField(max_length=200)
    description = BoundedTextField(max_length=MESSAGE_TEXT)
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.NEW)
    next_action_by = models.CharField(max_length=20, choices=NextAction.choices, default=NextAction.CLIENT_SERVICES)

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="submitted_cases"
    )
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_company = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    cc_addresses = models.JSONField(
        "copied addresses",
        default=list,
        blank=True,
        help_text="The operator's teams copied on every email the requester receives (their copy links to the "
        "workspace).",
    )

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_cases"
    )
    queue = models.ForeignKey(
        "auth.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        help_text="The group that owns the case when nobody is assigned (for example the Service Desk).",
    )
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="escalated_cases"
    )
    escalated_to_group = models.ForeignKey(
        "auth.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="escalated_cases"
    )
    escalation_reason = BoundedTextField(max_length=NOTE_TEXT, blank=True)

    acknowledged_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    resolution_summary = BoundedTextField(max_length=MESSAGE_TEXT, blank=True)

    # SLA: due moments move later by the business time spent Waiting on Participant.
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_business_seconds = models.PositiveIntegerField(default=0)
    sla_state = models.CharField(max_length=10, choices=SlaState.choices, default=SlaState.ON_TRACK)
    at_risk_notified_at = models.DateTimeField(null=True, blank=True)
    # Business seconds on the SLA clock (pauses excluded), frozen when first_response_at / resolved_at are set,
    # so the metrics page can take medians and percentiles in SQL (business time is not computable there).
    first_response_business_seconds = models.PositiveIntegerField(null=True, blank=True, editable=False)
    resolution_business_seconds = models.PositiveIntegerField(null=True, blank=True, editable=False)

    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_cases"
    )
    cloned_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="clones")
    related = models.ManyToManyField("self", blank=True, symmetrical=True)

    class Meta:
        db_table = "accounts_case"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "sla_state"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["participant", "status"]),
            models.Index(fields=["participant", "category", "created_at"]),
            models.Index(fields=["queue", "status"]),
            models.Index(fields=["kind", "status"]),
            # The metrics' date ranges (opened, first response, resolved, closed in a range).
            models.Index(fields=["created_at"], name="case_created_at_idx"),
            models.Index(fields=["first_response_at"], name="case_first_response_at_idx"),
            models.Index(fields=["resolved_at"], name="case_resolved_at_idx"),
            models.Index(fields=["closed_at"], name="case_closed_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="potential_mp") | Q(contact_email__gt=""), name="potential_mp_has_contact_email"
            ),
            models.CheckConstraint(
                condition=Q(kind="potential_mp") | Q(participant__isnull=False), name="case_has_participant"
            ),
        ]
        # Granted to groups in accounts.roles; checked through accounts.policies.
        permissions = [
            ("work_case", "Can work cases: log, assign, bulk-change, move, escalate, update, merge, link, clone"),
            ("reply_case", "Can reply to cases and add internal notes"),
            ("resolve_dispute", "Can resolve a dispute (grant or deny an amount)"),
        ]

    def __str__(self):
        return f"{self.reference} {self.subject}"

    def get_absolute_url(self):
        return reverse("workspace:case-detail", args=[self.reference])

    def get_portal_url(self):
        return reverse("portal:case-detail", args=[self.reference])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def can_move_to(self, status: str) -> bool:
        return status in CASE_TRANSITIONS.get(self.status, frozenset())

    def reopen_deadline(self, window_days: int) -> datetime.datetime | None:
        return self.resolved_at + datetime.timedelta(days=window_days) if self.resolved_at else None

    @property
    def requester_email(self) -> str:
        return self.submitted_by.email if self.submitted_by_id else self.contact_email

    @property
    def requester_name(self) -> str:
        return self.submitted_by.full_name if self.submitted_by_id else self.contact_name


class DisputeWindow(models.Model):
    """How long an MP has to dispute a statement, in Business Days. Administrator-editable data."""

    class Anchor(models.TextChoices):
        AFTER_STATEMENT = "after_statement", "Business Days after the statement or invoice date"
        BEFORE_TRUE_UP = "before_true_up", "Business Days before the True-Up statement"

    statement_type = models.CharField(max_length=10, choices=StatementType.choices, unique=True)
    anchor = models.CharField(max_length=20, choices=Anchor.choices, default=Anchor.AFTER_STATEMENT)
    business_days = models.PositiveIntegerField()
    true_up_after_days = models.PositiveIntegerField(
        default=180, help_text="Calendar days from the Operating Day to its True-Up statement (for Real-Time windows)."
    )
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = "accounts_disputewindow"
        ordering = ["statement_type"]

    def __str__(self):
        return f"{self.get_statement_type_display()}: {self.business_days} BD ({self.get_anchor_display()})"


class DisputeDetail(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="dispute")
    operating_day = models.DateField()
    statement_type = models.CharField(max_length=10, choices=StatementType.choices)
    statement_date = models.DateField(
        null=True, blank=True, help_text="When the statement or invoice was issued (needed for DAM, invoice, True-Up)."
    )
    charge_type = models.CharField(max_length=120)
    disputed_amount = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    statement_reference = models.CharField("statement or invoice reference", max_length=80)
    filing_deadline = models.DateField()
    filed_late = models.BooleanField(default=False)
    late_acceptance_reason = BoundedTextField(max_length=NOTE_TEXT, blank=True)
    accepted_late_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=30, choices=DisputeOutcome.choices, blank=True)
    outcome_explanation = BoundedTextField(max_length=MESSAGE_TEXT, blank=True)
    granted_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        db_table = "accounts_disputedetail"

    def __str__(self):
        return f"Dispute {self.case.reference}"


class CaseMessage(models.Model):
    """A public reply (seen by the participant and emailed) or an internal note (staff only, never emailed)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=150, blank=True)
    body = BoundedTextField(max_length=MESSAGE_TEXT)
    is_internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "accounts_casemessage"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "is_internal", "created_at"])]

    def __str__(self):
        return f"{'Note' if self.is_internal else 'Reply'} on {self.case_id} by {self.author_name}"


def attachment_path(instance, filename):
    # The stored name is random; the original name is kept in a column and only used for downloads.
    import uuid

    return f"cases/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class CaseAttachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        CaseMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    is_internal = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "accounts_caseattachment"
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.original_name


class CannedResponse(models.Model):
    title = models.CharField(max_length=120)
    body = BoundedTextField(max_length=MESSAGE_TEXT, help_text="May use {participant}, {reference} and {requester}.")
    category = models.ForeignKey(CaseCategory, null=True, blank=True, on_delete=models.SET_NULL)
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = "accounts_cannedresponse"
        ordering = ["title"]

    def __str__(self):
        return self.title


class NotificationPreference(models.Model):
    """Which case emails a user wants. Absent row means all of them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    on_submission = models.BooleanField("a receipt when a case is submitted", default=True)
    on_reply = models.BooleanField("a public reply on my cases", default=True)
    on_status_change = models.BooleanField("a status change on my cases", default=True)
    on_at_risk = models.BooleanField("a case assigned to me becomes at risk (staff)", default=True)

    class Meta:
        db_table = "accounts_notificationpreference"

    def __str__(self):
        return f"Preferences of {self.user}"


class CaseNotification(models.Model):
    """Outbox row: one email about one event to one address, sent at most once."""

    class Event(models.TextChoices):
        SUBMITTED = "submitted", "Submission receipt"
        REPLY = "reply", "Public reply"
        STATUS = "status", "Status change"
        AT_RISK = "at_risk", "At risk"
        NEW_ASSIGNMENT = "assigned", "Assigned to you"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=20, choices=Event.choices)
    event_key = models.CharField(max_length=80, help_text="Identifies the event (message id, status change, ...).")
    recipient = models.EmailField()
    subject = models.CharField(max_length=255)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "accounts_casenotification"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "event_key", "recipient"], name="one_notification_per_event_recipient"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.event} → {self.recipient} ({self.status})"


class IssuePattern(TimeStampedModel):
    """An MP filed N or more cases in one category within D days."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACTIONED = "actioned", "Actioned"
        DISMISSED = "dismissed", "Dismissed"

    participant = models.ForeignKey(
        "accounts.MarketParticipant", on_delete=models.CASCADE, related_name="issue_patterns"
    )
    category = models.ForeignKey(CaseCategory, on_delete=models.PROTECT, related_name="issue_patterns")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    case_count = models.PositiveIntegerField()
    window_days = models.PositiveIntegerField()
    cases = models.ManyToManyField(Case, related_name="issue_patterns")
    last_case_at = models.DateTimeField()

    class Meta:
        db_table = "accounts_issuepattern"
        ordering = ["-last_case_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "category"], condition=Q(status="open"), name="one_open_pattern_per_category"
            )
        ]

    def __str__(self):
        return f"{self.participant}: {self.case_count} {self.category} cases in {self.window_days} days"
