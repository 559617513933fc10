"""Market notices (seed 003): numbered notices on threads, distribution lists, subscriptions,
suppressions, a per-recipient delivery outbox, and acknowledgements of ACTION REQUIRED notices.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from ercot_services.core.models import BoundedTextField, TimeStampedModel
from ercot_services.core.site import site_host
from ercot_services.core.text_limits import LONG_TEXT, NOTE_TEXT


class Scope(models.TextChoices):
    MARKET = "M", "Market-wide"
    WHOLESALE = "W", "Wholesale"
    RETAIL = "R", "Retail"


class NoticeType(models.Model):
    """Financial/Credit, Settlements, Retail, Operations, ... Data."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class DistributionList(models.Model):
    """A NOTICE_* list: which notice types it carries and which MP contacts belong to it by role."""

    name = models.CharField(max_length=60, unique=True, help_text="For example NOTICE_CREDIT.")
    description = BoundedTextField(max_length=NOTE_TEXT, blank=True)
    notice_types = models.ManyToManyField(NoticeType, blank=True, related_name="lists")
    contact_roles = models.JSONField(
        default=list, blank=True, help_text="Membership contact roles subscribed automatically (ar, bar, credit, ...)."
    )
    is_public = models.BooleanField(default=True, help_text="Anyone may subscribe an address (double opt-in).")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def list_id(self) -> str:
        """The RFC 2919 List-Id value."""
        return f"{self.name.lower().replace('_', '-')}.{site_host()}"


def _token() -> str:
    return secrets.token_urlsafe(24)


class Subscription(TimeStampedModel):
    """A public address on a list (double opt-in). MP contacts belong to lists by role instead."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting confirmation"
        CONFIRMED = "confirmed", "Subscribed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    distribution_list = models.ForeignKey(DistributionList, on_delete=models.CASCADE, related_name="subscriptions")
    email = models.EmailField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    confirmation_token = models.CharField(
        max_length=100, blank=True, help_text="The signed link last emailed; re-sent as it is while still valid."
    )
    confirmation_sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When a confirmation link was last emailed."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["distribution_list", "email"], name="one_subscription_per_list")]
        indexes = [models.Index(fields=["distribution_list", "status"])]

    def __str__(self):
        return f"{self.email} on {self.distribution_list} ({self.status})"


class ContactListOptOut(models.Model):
    """An MP contact who left a list they belong to by role."""

    distribution_list = models.ForeignKey(DistributionList, on_delete=models.CASCADE, related_name="opt_outs")
    email = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["distribution_list", "email"], name="one_opt_out_per_list")]

    def __str__(self):
        return f"{self.email} left {self.distribution_list_id}"


class Suppression(models.Model):
    """An address that receives no notice email at all (hard bounce, complaint, unsubscribe from all)."""

    class Reason(models.TextChoices):
        HARD_BOUNCE = "hard_bounce", "Hard bounce"
        COMPLAINT = "complaint", "Complaint"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed from all lists"
        MANUAL = "manual", "Suppressed by staff"

    email = models.EmailField(unique=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.email} ({self.get_reason_display()})"


class NoticeThread(models.Model):
    """The n-th thread of a scope opened on a day: ``M-A042424`` (letter A = first of that day)."""

    scope = models.CharField(max_length=1, choices=Scope.choices)
    opened_on = models.DateField()
    letter = models.CharField(max_length=2, blank=True, help_text="Empty for imported IDs without a thread letter.")
    last_number = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "opened_on", "letter"], name="one_thread_per_letter")]

    def __str__(self):
        return f"{self.scope}-{self.letter}{self.opened_on:%m%d%y}"


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"


NOTICE_TRANSITIONS = {
    NoticeStatus.DRAFT: frozenset({NoticeStatus.IN_REVIEW}),
    NoticeStatus.IN_REVIEW: frozenset({NoticeStatus.APPROVED, NoticeStatus.DRAFT}),
    NoticeStatus.APPROVED: frozenset({NoticeStatus.PUBLISHED, NoticeStatus.SCHEDULED, NoticeStatus.DRAFT}),
    NoticeStatus.SCHEDULED: frozenset({NoticeStatus.PUBLISHED, NoticeStatus.APPROVED}),
    NoticeStatus.PUBLISHED: frozenset(),
}


class NoticeQuerySet(models.QuerySet):
    def addressed_to(self, participant) -> NoticeQuerySet:
        """The notices meant for ``participant``: those with no intended audience (every Market Participant) and
        those whose audience includes one of its market roles.

        The one rule behind the portal inbox and its count, the MP 360° page, the AM dashboards, the acknowledgements
        page and the MP contacts a notice is emailed to. ``participant`` is a MarketParticipant, its pk, or an
        ``OuterRef`` to one when this runs inside a subquery of participants (see
        ``notices.selectors.participants_addressed_by``).
        """
        audience = Notice.audience.through.objects.filter(notice_id=OuterRef("pk"))
        if isinstance(participant, OuterRef):
            participant = OuterRef(participant)  # one level further out: it is read inside the Exists below
        else:
            participant = getattr(participant, "pk", participant)
        return self.filter(~Exists(audience) | Exists(audience.filter(marketrole__participants=participant)))


class Notice(TimeStampedModel):
    """One notice, in the template's order of fields. Updates and cancellations are new notices on the thread."""

    class Kind(models.TextChoices):
        ORIGINAL = "original", "Original"
        UPDATE = "update", "Update"
        CANCELLATION = "cancellation", "Cancellation"

    notice_id = models.CharField(max_length=20, unique=True, null=True, blank=True, editable=False)
    thread = models.ForeignKey(NoticeThread, null=True, blank=True, on_delete=models.PROTECT, related_name="notices")
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ORIGINAL)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followers",
        help_text="The notice this one updates or cancels.",
    )
    status = models.CharField(max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)

    notice_date = models.DateField(null=True, blank=True, help_text="Set at publication.")
    notice_type = models.ForeignKey(NoticeType, on_delete=models.PROTECT, related_name="notices")
    scope = models.CharField(max_length=1, choices=Scope.choices, default=Scope.MARKET)
    audience = models.ManyToManyField("accounts.MarketRole", blank=True, related_name="notices")
    short_description = models.CharField(max_length=255)
    days_affected = models.CharField(max_length=255, blank=True, help_text="Dates and ranges, as written.")
    long_description = BoundedTextField(max_length=LONG_TEXT, help_text="Markdown.")
    action_required = BoundedTextField(max_length=LONG_TEXT, blank=True)
    additional_information = BoundedTextField(max_length=LONG_TEXT, blank=True)
    contact = BoundedTextField(max_length=NOTE_TEXT, blank=True)
    lists = models.ManyToManyField(DistributionList, blank=True, related_name="notices")

    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    imported = models.BooleanField(default=False, help_text="Imported from the old archive (ID kept as it was).")

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "scheduled_for"]),
            models.Index(fields=["notice_type", "published_at"]),
            models.Index(fields=["scope", "published_at"]),
        ]
        # Granted to groups in accounts.roles; checked through notices.policies.
        permissions = [("publish_notice", "Can draft, approve, schedule, publish, update and cancel market notices")]
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "number"], condition=Q(thread__isnull=False), name="one_number_per_thread"
            )
        ]

    def __str__(self):
        return f"{self.notice_id or 'Draft'} {self.short_description}"

    def get_absolute_url(self):
        return reverse("notices:detail", args=[self.notice_id]) if self.notice_id else ""

    @property
    def is_published(self) -> bool:
        return self.status == NoticeStatus.PUBLISHED

    def can_move_to(self, status: str) -> bool:
        return status in NOTICE_TRANSITIONS.get(self.status, frozenset())


class NoticeDelivery(models.Model):
    """Outbox row: this notice to this address, at most once (unique pair)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        CLAIMED = "claimed", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    email = models.EmailField()
    distribution_list = models.ForeignKey(DistributionList, null=True, on_delete=models.SET_NULL, related_name="+")
    token = models.CharField(
        max_length=40, unique=True, default=_token, help_text="Opaque per-recipient unsubscribe token."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "email"], name="one_delivery_per_notice_address")]
        indexes = [models.Index(fields=["notice", "status"])]

    def __str__(self):
        return f"{self.notice} → {self.email} ({self.status})"

    @property
    def message_id(self) -> str:
        return notice_message_id(self.notice_id, self.email)


def notice_message_id(notice_pk: int, email: str) -> str:
    """The Message-ID of notice ``notice_pk`` sent to ``email``, the same on every resend.

    Derived from the notice and the address alone, so an update or a cancellation can name the Message-ID each
    recipient got for the earlier notices of its thread without looking their deliveries up. The address is
    hashed: it does not appear in the header.
    """
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]
    return f"<notice-{notice_pk}-{address}@{site_host()}>"


class Acknowledgement(models.Model):
    """An MP's acknowledgement of a notice with ACTION REQUIRED: who and when."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="acknowledgements")
    participant = models.ForeignKey(
        "accounts.MarketParticipant", on_delete=models.CASCADE, related_name="notice_acknowledgements"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "participant"], name="one_acknowledgement_per_mp")]

    def __str__(self):
        return f"{self.participant} acknowledged {self.notice}"


def attachment_path(instance, filename):
    import uuid

    return f"notices/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class NoticeAttachment(models.Model):
    """A file published with a notice (linked from the archive and the email, not attached to 50,000 emails)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("notices:attachment", args=[self.notice.notice_id, self.pk])
