"""The per-participant summary: a read model of what the dashboards count, one row per Market Participant.

The counted things live in higher apps (cases, registration, qualification, notices, plans). Each of them registers
a *summary part* (the columns it owns and how to compute them, ``accounts.summary``) and its services refresh those
columns in the same transaction as the change that moves them. ``manage.py rebuild_participant_summaries``
recomputes every row and reports drift.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone

from .participants import MarketParticipant


class ParticipantSummary(models.Model):
    participant = models.OneToOneField(
        MarketParticipant, primary_key=True, on_delete=models.CASCADE, related_name="summary"
    )
    # cases
    open_cases = models.PositiveIntegerField(default=0, db_index=True)
    at_risk_cases = models.PositiveIntegerField(default=0)
    breached_cases = models.PositiveIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True, help_text="The latest public case message.")
    # registration
    pending_registrations = models.PositiveIntegerField(default=0)
    # qualification: the latest enrollment (latest flight first)
    enrollment_id = models.PositiveIntegerField(null=True, blank=True)
    enrollment_status = models.CharField(max_length=20, blank=True)
    enrollment_flight = models.CharField(max_length=200, blank=True)
    # notices
    unacknowledged_notices = models.PositiveIntegerField(default=0)
    # plans
    open_items = models.PositiveIntegerField(default=0)
    overdue_items = models.PositiveIntegerField(default=0)
    last_meeting_at = models.DateTimeField(null=True, blank=True, help_text="The latest meeting held.")
    last_feedback_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "participant summaries"
        indexes = [
            # "Needs attention first" on the dashboards.
            models.Index(fields=["-breached_cases", "-overdue_items", "-open_cases"], name="summary_attention_idx"),
        ]

    def __str__(self) -> str:
        return f"Summary of participant {self.participant_id}"

    @property
    def last_contact_at(self) -> datetime.datetime | None:
        """The latest of: a public case message, a meeting held, feedback given (None when there was none)."""
        moments = [m for m in (self.last_message_at, self.last_meeting_at, self.last_feedback_at) if m]
        return max(moments) if moments else None

    @property
    def days_since_contact(self) -> int | None:
        last = self.last_contact_at
        return None if last is None else max((timezone.now() - last).days, 0)
