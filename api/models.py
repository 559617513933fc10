"""API keys of a Market Participant, and the log of the calls made with them.

A key is ``<prefix>.<secret>``: the prefix (shown in the portal, and the lookup) is stored as is, the secret only as
its SHA-256 hash. The secret has 256 random bits, so a plain hash (no salt, no slow KDF) is enough, and a lookup
costs one indexed query.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

# The webhook models live with the rest of the webhooks (api/webhooks/); Django finds an app's models here.
from .webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEventType  # noqa: F401


class ApiScope(models.TextChoices):
    READ_CASES = "cases:read", "Read cases"
    WRITE_CASES = "cases:write", "Write cases"
    READ_NOTICES = "notices:read", "Read notices"
    ACKNOWLEDGE_NOTICES = "notices:acknowledge", "Acknowledge notices"
    READ_QUALIFICATION = "qualification:read", "Read qualification"
    READ_REGISTRATION = "registration:read", "Read registration"


class ApiKeyQuerySet(models.QuerySet):
    def usable(self, at=None):
        """Keys that authenticate now: not revoked, not expired."""
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=at)
        )


class ApiKey(models.Model):
    participant = models.ForeignKey(settings.PARTICIPANT_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    scopes = models.JSONField(default=list)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"API key {self.name} ({self.prefix})"

    def is_usable(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    def scope_labels(self) -> list[str]:
        return [ApiScope(scope).label for scope in self.scopes if scope in ApiScope.values]


class ApiCallLog(models.Model):
    """One row per authenticated API call: append-only, one INSERT, read by the operator (and the key's page).

    Not an ``AuditEvent``: those record changes of state (a key created or revoked) and feed the MP's history
    pages; a script polling every minute would bury them. The key's name is copied so the log outlives a rename.
    """

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="calls")
    key_name = models.CharField(max_length=100)
    participant = models.ForeignKey(settings.PARTICIPANT_MODEL, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=255)
    status_code = models.PositiveSmallIntegerField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.method} {self.path} {self.status_code} ({self.key_name})"
