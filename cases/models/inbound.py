"""Email received at the Client Services and Service Desk addresses: one row per message (by Message-ID), and what
it became (a case, a message on a case, or nothing, and why). ``cases.inbound`` reads the sources and fills it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from ercot_services.core.models import BoundedTextField
from ercot_services.core.text_limits import NOTE_TEXT


class InboundSource(models.TextChoices):
    MAILDIR = "maildir", "Local maildir"
    IMAP = "imap", "IMAP mailbox"
    WEBHOOK = "webhook", "Inbound-mail webhook"
    FILE = "file", "File (manage.py receive_mail)"


class InboundStatus(models.TextChoices):
    RECEIVED = "received", "Received (not processed yet)"
    PROCESSED = "processed", "Processed"
    IGNORED = "ignored", "Ignored"
    FAILED = "failed", "Failed"


class InboundOutcome(models.TextChoices):
    NONE = "", "Nothing"
    NEW_CASE = "new_case", "Opened a case"
    REPLY = "reply", "Added to a case"
    FOLLOW_UP = "follow_up", "Opened a case following a closed one"


class InboundMessage(models.Model):
    """A received email, recorded once by its Message-ID, so a repeated delivery or a re-run never makes a second
    case. ``raw`` is kept so staff can reprocess a failed one (admin action)."""

    message_id = models.CharField(max_length=255, unique=True)
    source = models.CharField(max_length=10, choices=InboundSource.choices)
    source_ref = models.CharField(max_length=255, blank=True, help_text="The maildir file name or the IMAP UID.")
    received_at = models.DateTimeField(help_text="When the message reached the operator (its Received/Date header).")
    sender = models.EmailField(blank=True)
    sender_name = models.CharField(max_length=150, blank=True)
    recipient = models.CharField(max_length=254, blank=True, help_text="The address of ours it was sent to.")
    subject = models.CharField(max_length=255, blank=True)
    raw = models.BinaryField(editable=False)
    status = models.CharField(max_length=10, choices=InboundStatus.choices, default=InboundStatus.RECEIVED)
    outcome = models.CharField(max_length=10, choices=InboundOutcome.choices, default="", blank=True)
    reason = BoundedTextField(max_length=NOTE_TEXT, blank=True, help_text="Why it was ignored or failed.")
    acknowledged = models.BooleanField(default=False, help_text="A receipt was sent to the sender.")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_messages"
    )
    case_message = models.ForeignKey(
        "cases.CaseMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="inbound_status_created_idx"),
            models.Index(fields=["sender", "created_at"], name="inbound_sender_created_idx"),
        ]

    def __str__(self):
        return f"{self.message_id} from {self.sender or '?'} ({self.get_status_display()})"
