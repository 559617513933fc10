"""API keys, and the log of the calls made with them.

A key belongs to a Market Participant (made by its USA in the portal; it acts as its creator, for the MP) or to a
staff user (an integration of the operator's, made by an administrator; it reads what that user may read, for the MP
each call names). Exactly one of ``participant`` and ``user`` is set.

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


# What a staff key may hold: the read scopes. A write scope acts as the MP (files its dispute, acknowledges its notice),
# which staff do not do through the API.
STAFF_SCOPES = (ApiScope.READ_CASES, ApiScope.READ_NOTICES, ApiScope.READ_QUALIFICATION, ApiScope.READ_REGISTRATION)


class ApiKeyQuerySet(models.QuerySet):
    def usable(self, at=None):
        """Keys that authenticate now: not revoked, not expired."""
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=at)
        )

    def with_owner_standing(self):
        """Each key with what decides whether it still acts, as subqueries of the same query (none per key):

        - ``creator_administers``: an MP key's creator, whom it acts as, is still an active USA of its MP;
        - ``user_has_second_factor``: a staff key's user still signs in with a second factor.
        """
        from allauth.mfa.models import Authenticator

        from accounts.models import Membership
        from accounts.selectors.second_factor import SECOND_FACTOR_TYPES

        return self.annotate(
            creator_administers=models.Exists(
                Membership.objects.security_administrators().filter(
                    user=models.OuterRef("created_by"), participant=models.OuterRef("participant"), user__is_active=True
                )
            ),
            user_has_second_factor=models.Exists(
                Authenticator.objects.filter(user=models.OuterRef("user"), type__in=SECOND_FACTOR_TYPES)
            ),
        )


class ApiKey(models.Model):
    participant = models.ForeignKey(
        settings.PARTICIPANT_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="api_keys"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="staff_api_keys",
        help_text="The staff user a staff key reads as (empty for an MP's key).",
    )
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
        permissions = [("manage_staff_api_keys", "Create and revoke staff API keys")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(participant__isnull=False, user__isnull=True)
                | models.Q(participant__isnull=True, user__isnull=False),
                name="api_key_of_a_participant_or_a_staff_user",
            )
        ]

    def __str__(self):
        return f"API key {self.name} ({self.prefix})"

    @property
    def is_staff_key(self) -> bool:
        return self.user_id is not None

    @property
    def is_orphaned(self) -> bool:
        """An MP key whose creator no longer administers the MP (needs ``with_owner_standing``)."""
        return not self.is_staff_key and not self.creator_administers

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

    # Indexed by ``(api_key, -created_at)`` below: the key's page lists its latest calls.
    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="calls", db_index=False)
    key_name = models.CharField(max_length=100)
    # The MP the call acted for: a staff key's call that named none (a 400) has none.
    participant = models.ForeignKey(
        settings.PARTICIPANT_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=255)
    status_code = models.PositiveSmallIntegerField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["api_key", "-created_at", "-id"], name="api_call_log_key_latest")]

    def __str__(self):
        return f"{self.method} {self.path} {self.status_code} ({self.key_name})"


class IdempotencyRecord(models.Model):
    """A POST made with an ``Idempotency-Key``: while it runs (``completed_at`` empty) a second one with the same key
    is refused; once done, a retry gets the stored answer instead of running again. See :mod:`api.idempotency`.

    The unique (key, ``key``) pair is what keeps two concurrent duplicates from both filing: only one INSERT wins.
    """

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="idempotency_records")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method, path and request body.")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="api_idempotency_key_unique_per_api_key"),
        ]

    def __str__(self):
        return f"{self.method} {self.path} with Idempotency-Key {self.key}"
