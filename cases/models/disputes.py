"""Disputes: the filing windows (administrator-editable, in Business Days) and a dispute's own details."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from ercot_services.core.models import BoundedTextField
from ercot_services.core.text_limits import MESSAGE_TEXT, NOTE_TEXT

from .case import Case
from .choices import DisputeOutcome, StatementType
from .rollups import MarksRollupDaysStale


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


class DisputeDetail(MarksRollupDaysStale, models.Model):
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

    rollup_fields = ("outcome", "disputed_amount", "granted_amount")

    def __str__(self):
        return f"Dispute {self.case.reference}"

    def rollup_moments(self, state: dict) -> list:
        """A decided dispute counts on the day its case finished."""
        return [self.case.resolved_at, self.case.closed_at]
