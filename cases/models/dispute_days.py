"""The Operating Days of a dispute: one dispute covers up to 31 days of one charge type and statement type, each
with its own amount, filing deadline and (once decided) outcome. ``DisputeDetail`` keeps the totals in step."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from .disputes import DisputeDetail

MAX_DISPUTE_DAYS = 31


class DayOutcome(models.TextChoices):
    GRANTED = "granted", "Granted"
    DENIED = "denied", "Denied"


class DisputeDay(models.Model):
    dispute = models.ForeignKey(DisputeDetail, on_delete=models.CASCADE, related_name="days")
    operating_day = models.DateField()
    statement_date = models.DateField(null=True, blank=True)
    disputed_amount = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    filing_deadline = models.DateField()
    filed_late = models.BooleanField(default=False)
    outcome = models.CharField(max_length=10, choices=DayOutcome.choices, blank=True)
    granted_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["operating_day"]
        constraints = [
            models.UniqueConstraint(fields=["dispute", "operating_day"], name="one_dispute_day_per_operating_day")
        ]
        indexes = [models.Index(fields=["operating_day"], name="disputeday_operating_day")]

    def __str__(self):
        return f"{self.dispute} – {self.operating_day:%Y-%m-%d}"
