"""An MP's webhook endpoints, one delivery per endpoint and event, and each HTTP attempt of a delivery.

The delivery is a row of the outbox engine (``core.delivery``, kind ``webhook``): the same statuses, attempt count,
claim lease and sweep as every email. Its payload is stored when the row is written, a snapshot of the resource at
the event, so a re-send or a late retry sends what happened then, under the same ``webhook-id``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from ercot_services.core.delivery import DeliveryStatus

RESPONSE_EXCERPT = 2048


class WebhookEventType(models.TextChoices):
    CASE_CREATED = "case.created", "Case created"
    CASE_UPDATED = "case.updated", "Case updated"
    CASE_REPLIED = "case.replied", "Case replied"
    CASE_RESOLVED = "case.resolved", "Case resolved"
    NOTICE_PUBLISHED = "notice.published", "Notice published"
    NOTICE_UPDATED = "notice.updated", "Notice updated"
    NOTICE_CANCELLED = "notice.cancelled", "Notice cancelled"
    LETTER_SENT = "letter.sent", "Letter sent"
    REGISTRATION_DECIDED = "registration.decided", "Registration decided"


#: The type of the event "Send a test event" delivers (not subscribable: every endpoint can be sent one).
TEST_EVENT_TYPE = "webhook.test"


class WebhookEndpoint(models.Model):
    """A URL of the MP's systems that receives the events it subscribed to.

    The secret is kept as is (it signs every delivery) and shown to the MP's USA on the endpoint's page. After a
    rotation the previous secret signs too, next to the new one, until ``previous_secret_expires_at``.
    ``consecutive_failures`` (deliveries failed for good in a row) and ``failing_since`` (the first failed attempt
    since the last success) decide when the endpoint is disabled automatically.
    """

    participant = models.ForeignKey(
        settings.PARTICIPANT_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list)
    secret = models.CharField(max_length=100, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    enabled = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=255, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Webhook endpoint {self.url}"

    def signing_secrets(self, at: datetime.datetime) -> list[str]:
        """The secrets a delivery at ``at`` is signed with: the current one, and the previous one while it overlaps."""
        overlapping = self.previous_secret and self.previous_secret_expires_at and self.previous_secret_expires_at > at
        return [self.secret, self.previous_secret] if overlapping else [self.secret]

    def event_type_labels(self) -> list[str]:
        return [WebhookEventType(value).label for value in self.event_types if value in WebhookEventType.values]


class WebhookDelivery(models.Model):
    """One event for one endpoint (unique per endpoint and ``event_id``, the ``webhook-id`` header)."""

    Status = DeliveryStatus

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=40)
    payload = models.JSONField(encoder=DjangoJSONEncoder)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Attempts of the current cycle")
    last_error = models.TextField(blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now, help_text="When the row is due (the sweep's clock)")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "event_id"], name="one_webhook_delivery_per_event")]
        indexes = [
            models.Index(fields=["endpoint", "-created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self):
        return f"{self.event_type} {self.event_id} → {self.endpoint.url}"


class WebhookAttempt(models.Model):
    """One POST of a delivery: what the receiver answered (or why there was no answer), and how long it took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True, help_text=f"The first {RESPONSE_EXCERPT} characters")
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-attempted_at", "-id"]

    def __str__(self):
        return f"{self.delivery.event_id} at {self.attempted_at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
