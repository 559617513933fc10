"""Market incidents: cases from N different Market Participants about one category, charge type or Operating Day
within D days. The many-MP counterpart of an issue pattern (one MP, ``patterns.py``): detected, proposed to staff,
confirmed (or dismissed with a reason), answered once for every linked case, and resolved.

The thresholds are administrator-editable data: one :class:`IncidentRule` row per dimension.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from ercot_services.core.models import BoundedTextField, TimeStampedModel
from ercot_services.core.text_limits import MESSAGE_TEXT, NOTE_TEXT

from .case import Case


class IncidentDimension(models.TextChoices):
    """What the cases of an incident have in common (the incident's ``key`` is its value)."""

    CATEGORY = "category", "Category"
    CHARGE_TYPE = "charge_type", "Charge type"
    OPERATING_DAY = "operating_day", "Operating Day"


# The default thresholds (administrators edit them; migration 0004 seeds the same): (min MPs, window days).
DEFAULT_INCIDENT_RULES = {
    IncidentDimension.CATEGORY: (4, 2),
    IncidentDimension.CHARGE_TYPE: (3, 5),
    IncidentDimension.OPERATING_DAY: (3, 5),
}


class IncidentRule(models.Model):
    """N different MPs with cases of one key of this dimension within D days propose an incident."""

    dimension = models.CharField(max_length=20, choices=IncidentDimension.choices, unique=True)
    min_participants = models.PositiveIntegerField(
        default=3,
        validators=[MinValueValidator(2)],
        help_text="N: different Market Participants whose cases make an incident...",
    )
    window_days = models.PositiveIntegerField(
        default=3, validators=[MinValueValidator(1)], help_text="...within D calendar days."
    )
    is_active = models.BooleanField(default=True, help_text="Off: this dimension proposes no incidents.")

    class Meta:
        ordering = ["dimension"]

    def __str__(self):
        return f"{self.get_dimension_display()}: {self.min_participants} MPs within {self.window_days} days"

    @classmethod
    def load_all(cls) -> list[IncidentRule]:
        """Every dimension's rule; one missing (a fresh database, a test) is created with its defaults."""
        rules = {rule.dimension: rule for rule in cls.objects.all()}
        for dimension, (min_participants, window_days) in DEFAULT_INCIDENT_RULES.items():
            if dimension not in rules:
                rules[dimension], _ = cls.objects.get_or_create(
                    dimension=dimension, defaults={"min_participants": min_participants, "window_days": window_days}
                )
        return [rules[dimension] for dimension in sorted(rules)]


class IncidentStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
    DISMISSED = "dismissed", "Dismissed"


ACTIVE_INCIDENT_STATUSES = frozenset({IncidentStatus.PROPOSED, IncidentStatus.OPEN})

# The whole workflow: a proposal is confirmed (open) or dismissed; an open incident is resolved.
INCIDENT_TRANSITIONS: dict[str, frozenset[str]] = {
    IncidentStatus.PROPOSED: frozenset({IncidentStatus.OPEN, IncidentStatus.DISMISSED}),
    IncidentStatus.OPEN: frozenset({IncidentStatus.RESOLVED}),
    IncidentStatus.RESOLVED: frozenset(),
    IncidentStatus.DISMISSED: frozenset(),
}


class Incident(TimeStampedModel):
    """One market-wide problem: the cases of several MPs about the same thing, handled once."""

    title = models.CharField(max_length=200)
    dimension = models.CharField(max_length=20, choices=IncidentDimension.choices)
    key = models.CharField(
        max_length=120, help_text="The category code, the charge type (lower case) or the Operating Day (ISO)."
    )
    key_label = models.CharField(max_length=120, help_text="The key as people read it.")
    status = models.CharField(max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.PROPOSED)
    summary = BoundedTextField(max_length=MESSAGE_TEXT, blank=True)
    cases = models.ManyToManyField(Case, related_name="incidents", blank=True)
    participant_count = models.PositiveIntegerField(default=0)
    window_days = models.PositiveIntegerField(default=0)
    last_case_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the detection proposed it.",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    dismissal_reason = BoundedTextField(max_length=NOTE_TEXT, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="incident_status_created_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "key"],
                condition=Q(status__in=["proposed", "open"]),
                name="one_active_incident_per_key",
            )
        ]
        # Granted to groups in accounts.roles; checked through cases.policies.
        permissions = [("manage_incidents", "Can confirm, dismiss, link, answer and resolve market incidents")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workspace:incident-detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_INCIDENT_STATUSES

    def can_move_to(self, status: str) -> bool:
        return status in INCIDENT_TRANSITIONS.get(self.status, frozenset())


class IncidentReply(models.Model):
    """One answer to every linked case: the same public reply on each (``case_reply``), remembered so that sending
    it again adds it only to the cases that do not have it yet (a double click, a case linked since)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = BoundedTextField(max_length=MESSAGE_TEXT)
    resolve = models.BooleanField(default=False)
    messages = models.ManyToManyField("cases.CaseMessage", related_name="incident_replies", blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "incident replies"

    def __str__(self):
        return f"Reply to {self.incident}"
