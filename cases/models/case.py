"""The case, its status workflow (the single map :data:`CASE_TRANSITIONS`) and its reference numbering."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from ercot_services.core.models import BoundedTextField, TimeStampedModel
from ercot_services.core.text_limits import MESSAGE_TEXT, NOTE_TEXT

from .choices import CaseKind, Channel, Priority, SlaState
from .configuration import CaseCategory
from .rollups import MarksRollupDaysStale


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


class Case(MarksRollupDaysStale, TimeStampedModel):
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
            # The metrics' backlog when the range reaches today: the cases neither resolved nor closed.
            models.Index(
                fields=["created_at"],
                name="case_unfinished_created_idx",
                condition=Q(resolved_at__isnull=True, closed_at__isnull=True),
            ),
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

    # What the daily rollups read (cases.models.rollups): a change to one of these marks the case's days stale.
    rollup_fields = (
        "assignee_id",
        "created_at",
        "first_response_at",
        "first_response_due_at",
        "first_response_business_seconds",
        "resolved_at",
        "resolution_due_at",
        "resolution_business_seconds",
        "closed_at",
    )

    def __str__(self):
        return f"{self.reference} {self.subject}"

    # The moments whose days hold a case's figures.
    rollup_moment_fields = ("created_at", "first_response_at", "resolved_at", "closed_at")

    def rollup_moments(self, state: dict) -> list:
        return [state.get(name) for name in self.rollup_moment_fields]

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
