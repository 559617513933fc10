"""Case emails: who wants which (preferences) and the outbox rows, one per event and recipient."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from .case import Case


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
        SURVEY = "survey", "Satisfaction survey"
        DECISION = "decision", "Dispute decision and ADR"

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
