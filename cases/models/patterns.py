"""Issue patterns: a Market Participant filing N or more cases in one category within D days."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from ercot_services.core.models import TimeStampedModel

from .case import Case
from .configuration import CaseCategory


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
