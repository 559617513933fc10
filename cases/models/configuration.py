"""What administrators edit: the workflow knobs, categories, SLA targets and canned responses."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from ercot_services.core.models import BoundedTextField
from ercot_services.core.text_limits import MESSAGE_TEXT, NOTE_TEXT

from .choices import Priority

CASE_SETTINGS_PK = 1  # the one row


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
        obj, _ = cls.objects.get_or_create(pk=CASE_SETTINGS_PK)
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
