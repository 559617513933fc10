"""Market rules: Protocol and Guide sections, revision requests (NPRR, RMGRR …), and what cites them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ercot_services.core.models import HttpsURLField, TimeStampedModel


class RuleDocument(models.TextChoices):
    NODAL_PROTOCOLS = "nodal_protocols", "Nodal Protocols"
    RETAIL_MARKET_GUIDE = "retail_market_guide", "Retail Market Guide"
    NODAL_OPERATING_GUIDES = "nodal_operating_guides", "Nodal Operating Guides"
    COMMERCIAL_OPERATIONS_GUIDE = "commercial_operations_guide", "Commercial Operations Market Guide"
    PLANNING_GUIDE = "planning_guide", "Planning Guide"
    OTHER_BINDING = "other_binding", "Other Binding Documents"


class RuleSection(models.Model):
    document = models.CharField(max_length=40, choices=RuleDocument.choices)
    number = models.CharField(max_length=30, help_text="e.g. 9.14.2 or 7.11.1")
    title = models.CharField(max_length=255)
    url = HttpsURLField(blank=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="one_rule_section_number")]

    def __str__(self):
        return f"{self.get_document_display()} §{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("education:rules-section", args=[self.pk])


class RevisionKind(models.TextChoices):
    NPRR = "NPRR", "Nodal Protocol Revision Request (NPRR)"
    RMGRR = "RMGRR", "Retail Market Guide Revision Request (RMGRR)"
    NOGRR = "NOGRR", "Nodal Operating Guide Revision Request (NOGRR)"
    COPMGRR = "COPMGRR", "Commercial Operations Market Guide Revision Request (COPMGRR)"
    PGRR = "PGRR", "Planning Guide Revision Request (PGRR)"
    OBDRR = "OBDRR", "Other Binding Document Revision Request (OBDRR)"


class RevisionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    IMPLEMENTED = "implemented", "Implemented"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


REVISION_TRANSITIONS: dict[str, frozenset[str]] = {
    RevisionStatus.PENDING: frozenset({RevisionStatus.APPROVED, RevisionStatus.REJECTED, RevisionStatus.WITHDRAWN}),
    RevisionStatus.APPROVED: frozenset({RevisionStatus.IMPLEMENTED, RevisionStatus.WITHDRAWN}),
    RevisionStatus.IMPLEMENTED: frozenset(),
    RevisionStatus.REJECTED: frozenset({RevisionStatus.PENDING}),
    RevisionStatus.WITHDRAWN: frozenset(),
}


class RevisionRequest(TimeStampedModel):
    kind = models.CharField(max_length=10, choices=RevisionKind.choices)
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=255)
    status = models.CharField(max_length=12, choices=RevisionStatus.choices, default=RevisionStatus.PENDING)
    submitted_on = models.DateField(null=True, blank=True)
    status_changed_on = models.DateField(null=True, blank=True)
    url = HttpsURLField(blank=True)
    sections = models.ManyToManyField(RuleSection, blank=True, related_name="revision_requests")

    class Meta:
        ordering = ["kind", "-number"]
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="one_revision_request_number")]

    def __str__(self):
        return f"{self.kind} {self.number} {self.title}"

    @property
    def label(self) -> str:
        return f"{self.kind} {self.number}"

    def get_absolute_url(self):
        return reverse("education:rules-revision", args=[self.pk])


class RevisionStatusChange(models.Model):
    """One status change of a revision request: the key of its emails (one per change and recipient)."""

    revision_request = models.ForeignKey(RevisionRequest, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=RevisionStatus.choices)
    to_status = models.CharField(max_length=12, choices=RevisionStatus.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    participants = models.ManyToManyField("accounts.MarketParticipant", blank=True, related_name="+")

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["changed_at"], name="revision_change_at_idx")]

    def __str__(self):
        return f"{self.revision_request.label}: {self.from_status} → {self.to_status}"


class Citation(models.Model):
    """A case, notice or article citing a rule section or a revision request (exactly one of each side)."""

    section = models.ForeignKey(RuleSection, null=True, blank=True, on_delete=models.CASCADE, related_name="citations")
    revision_request = models.ForeignKey(
        RevisionRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    notice = models.ForeignKey("notices.Notice", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(
        "education.Article", null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(section__isnull=False, revision_request__isnull=True)
                | Q(section__isnull=True, revision_request__isnull=False),
                name="citation_cites_one_rule",
            ),
            models.CheckConstraint(
                condition=Q(case__isnull=False, notice__isnull=True, article__isnull=True)
                | Q(case__isnull=True, notice__isnull=False, article__isnull=True)
                | Q(case__isnull=True, notice__isnull=True, article__isnull=False),
                name="citation_has_one_citer",
            ),
        ]
        indexes = [
            models.Index(fields=["case"], name="citation_case_idx"),
            models.Index(fields=["notice"], name="citation_notice_idx"),
        ]

    def __str__(self):
        return str(self.section or self.revision_request)

    @property
    def rule(self):
        return self.section or self.revision_request
