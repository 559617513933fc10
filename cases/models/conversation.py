"""The conversation of a case: public replies, internal notes and their attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ercot_services.core.models import BoundedTextField
from ercot_services.core.text_limits import MESSAGE_TEXT

from .case import Case


class CaseMessage(models.Model):
    """A public reply (seen by the participant and emailed) or an internal note (staff only, never emailed)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=150, blank=True)
    body = BoundedTextField(max_length=MESSAGE_TEXT)
    is_internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "accounts_casemessage"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "is_internal", "created_at"])]

    def __str__(self):
        return f"{'Note' if self.is_internal else 'Reply'} on {self.case_id} by {self.author_name}"


def attachment_path(instance, filename):
    # The stored name is random; the original name is kept in a column and only used for downloads.
    import uuid

    return f"cases/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class CaseAttachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        CaseMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    is_internal = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "accounts_caseattachment"
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.original_name
