"""A person's access to one MP's portal, the invitations that grant it and the quarterly access reviews.

Roles stay :class:`~accounts.models.Membership` rows (one per role); :class:`PortalAccess` is the one link per
(person, MP) that the MP's User Security Administrator (USA) suspends, reinstates or removes. Portal scoping
(``participants_for_user``) requires an active link, so one person who is a contact of several MPs keeps one
account while each MP's USA controls only that MP's link.
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.db.models import Q
from django.utils import timezone

from ercot_services.core.models import TimeStampedModel

from .participants import ContactRole, MarketParticipant


class PortalAccessStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    REMOVED = "removed", "Removed"


# Which moves of a link are allowed: the one map the people services check (core.workflow.move_status).
PORTAL_ACCESS_TRANSITIONS: dict[str, frozenset[str]] = {
    PortalAccessStatus.ACTIVE: frozenset({PortalAccessStatus.SUSPENDED, PortalAccessStatus.REMOVED}),
    PortalAccessStatus.SUSPENDED: frozenset({PortalAccessStatus.ACTIVE, PortalAccessStatus.REMOVED}),
    # A removed person comes back only through a new invitation (or registration naming them AR/BAR again).
    PortalAccessStatus.REMOVED: frozenset({PortalAccessStatus.ACTIVE}),
}


class PortalAccessQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=PortalAccessStatus.ACTIVE)


class PortalAccess(TimeStampedModel):
    """One person's access to one MP's portal, and who changed it last, when and why."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="portal_accesses")
    participant = models.ForeignKey(MarketParticipant, on_delete=models.CASCADE, related_name="portal_accesses")
    status = models.CharField(
        max_length=12, choices=PortalAccessStatus.choices, default=PortalAccessStatus.ACTIVE, db_index=True
    )
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    change_reason = models.CharField(max_length=255, blank=True)
    last_confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the MP's USA last confirmed, in an access review, that this person needs access.",
    )

    objects = PortalAccessQuerySet.as_manager()

    class Meta:
        verbose_name = "portal access"
        verbose_name_plural = "portal accesses"
        ordering = ["participant__short_name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "participant"], name="one_portal_access_per_user_and_mp"),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self):
        return f"{self.user} at {self.participant}"

    @property
    def is_active(self) -> bool:
        return self.status == PortalAccessStatus.ACTIVE


def invitation_token_hash(token: str) -> str:
    """The stored form of an invitation token: only its SHA-256 is kept, so the table cannot be used to accept."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class InvitationState(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class PortalInvitationQuerySet(models.QuerySet):
    def pending(self, now=None):
        now = now or timezone.now()
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class PortalInvitation(TimeStampedModel):
    """An emailed invitation to join an MP's portal with some roles; accepted once, through a secret link."""

    VALID_DAYS = 7

    email = models.EmailField()
    participant = models.ForeignKey(MarketParticipant, on_delete=models.CASCADE, related_name="portal_invitations")
    roles = models.JSONField(default=list, help_text="Contact role codes granted on acceptance.")
    invited_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PortalInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email_and_mp",
            ),
        ]

    def __str__(self):
        return f"Invitation of {self.email} to {self.participant}"

    def state(self, now=None) -> str:
        if self.accepted_at:
            return InvitationState.ACCEPTED
        if self.revoked_at:
            return InvitationState.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    def role_labels(self) -> list[str]:
        return [ContactRole(code).label for code in self.roles if code in ContactRole.values]


class AccessReviewStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


ACCESS_REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    AccessReviewStatus.OPEN: frozenset({AccessReviewStatus.CLOSED}),
    AccessReviewStatus.CLOSED: frozenset(),
}


class AccessReviewOutcome(models.TextChoices):
    ALL_CONFIRMED = "all_confirmed", "Everyone confirmed"
    USERS_SUSPENDED = "users_suspended", "Unconfirmed users suspended"


class AccessReview(models.Model):
    """The quarterly question to an MP's USA: does each of these people still need access? One per MP per quarter;
    kept (with its entries) as the audit record of the review and its outcome."""

    REVIEW_DAYS = 30

    participant = models.ForeignKey(MarketParticipant, on_delete=models.CASCADE, related_name="access_reviews")
    quarter = models.CharField(max_length=7, help_text="For example 2026-Q4.")
    status = models.CharField(max_length=10, choices=AccessReviewStatus.choices, default=AccessReviewStatus.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=AccessReviewOutcome.choices, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "quarter"], name="one_access_review_per_mp_and_quarter"),
        ]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self):
        return f"Access review {self.quarter} of {self.participant}"

    @property
    def is_open(self) -> bool:
        return self.status == AccessReviewStatus.OPEN


class AccessReviewEntry(models.Model):
    """One person the USA must confirm in a review: confirmed by whom and when, or suspended when it closed."""

    review = models.ForeignKey(AccessReview, on_delete=models.CASCADE, related_name="entries")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suspended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user__full_name", "user__email"]
        verbose_name_plural = "access review entries"
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="one_entry_per_review_and_user")]

    def __str__(self):
        return f"{self.user} in {self.review}"
