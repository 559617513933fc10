"""Users, Market Participants, their contacts and their Account Managers."""

from __future__ import annotations

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ercot_services.core.models import BoundedTextField, HttpsURLField, TimeStampedModel
from ercot_services.core.text_limits import MESSAGE_TEXT, NOTE_TEXT

from ..email_address import canonical_email


class UserQuerySet(models.QuerySet):
    def active_contacts(self, participant=None):
        """The one rule for "an active contact of this MP": a participant user (not staff) whose account is
        active and who holds an active membership there through an active link (``PortalAccess``: not suspended or
        removed by the MP's User Security Administrator), at any MP when ``participant`` is None."""
        from .access import PortalAccessStatus

        memberships = Membership.objects.active().filter(
            user__portal_accesses__participant=models.F("participant"),
            user__portal_accesses__status=PortalAccessStatus.ACTIVE,
        )
        if participant is not None:
            memberships = memberships.filter(participant=participant)
        return self.filter(is_staff=False, is_active=True, pk__in=memberships.values("user_id"))

    def update(self, **kwargs):
        """Sends no signal, so it replaces the cached snapshots of the users it writes itself (accounts.user_cache);
        ``bulk_update`` goes through here too."""
        from ..user_cache import forget_users

        user_ids = list(self.values_list("pk", flat=True))
        rows = super().update(**kwargs)
        forget_users(user_ids)
        return rows


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=canonical_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        """Sign-in's lookup: an exact match on the canonical form, never the database's own case folding."""
        return self.get(**{self.model.USERNAME_FIELD: canonical_email(username)})


class User(AbstractUser):
    """A person who signs in with their email address.

    ``is_staff`` marks the operator's own people (Client Services and the other
    staff groups); everyone else is a participant user who reaches the portal
    through :class:`Membership` rows.
    """

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    portal_locked = models.BooleanField(
        default=False,
        help_text="Every link of this participant user to an MP is suspended or removed: they cannot sign in, and a "
        "session they hold ends on its next request. Kept by the people services (accounts.services.access).",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = canonical_email(self.email)

    def save(self, *args, **kwargs):
        # Every way of writing a user (forms, services, admin, factories) stores the canonical address.
        self.email = canonical_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_participant_user(self) -> bool:
        return not self.is_staff


class MarketRole(models.Model):
    """A market role an MP can hold (LSE, REP/CR, QSE, RE, TDSP, CRRAH, ...). Data, editable in admin."""

    class Code(models.TextChoices):
        LSE = "LSE", "Load Serving Entity"
        REP = "REP", "Retail Electric Provider / Competitive Retailer"
        QSE = "QSE", "Qualified Scheduling Entity"
        RE = "RE", "Resource Entity"
        TDSP = "TDSP", "Transmission and/or Distribution Service Provider"
        CRRAH = "CRRAH", "CRR Account Holder"

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=120)
    description = BoundedTextField(max_length=NOTE_TEXT, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code


# The market roles that serve load.
LOAD_SERVING_ROLE_CODES = frozenset({MarketRole.Code.LSE, MarketRole.Code.REP})


class ServiceTerritory(models.Model):
    """A TDSP service territory (for a TDSP: its own; for a REP: where it serves)."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "service territories"

    def __str__(self):
        return self.name


class ParticipantStatus(models.TextChoices):
    PROSPECTIVE = "prospective", "Prospective"
    REGISTERING = "registering", "Registering"
    QUALIFYING = "qualifying", "Qualifying"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    TERMINATED = "terminated", "Terminated"


# Statuses of an MP whose initial registration is not approved yet: its portal offers registration only (no cases,
# disputes, meetings or action items until it is registered).
UNREGISTERED_STATUSES = (ParticipantStatus.PROSPECTIVE, ParticipantStatus.REGISTERING)


class MarketParticipant(TimeStampedModel):
    """A company in the market (an MP), or a potential one."""

    # Which lifecycle moves are allowed: the single map every service checks.
    STATUS_TRANSITIONS: dict[str, set[str]] = {
        ParticipantStatus.PROSPECTIVE: {ParticipantStatus.REGISTERING, ParticipantStatus.TERMINATED},
        ParticipantStatus.REGISTERING: {
            ParticipantStatus.QUALIFYING,
            ParticipantStatus.PROSPECTIVE,
            ParticipantStatus.TERMINATED,
        },
        ParticipantStatus.QUALIFYING: {
            ParticipantStatus.ACTIVE,
            ParticipantStatus.REGISTERING,
            ParticipantStatus.TERMINATED,
        },
        ParticipantStatus.ACTIVE: {ParticipantStatus.SUSPENDED, ParticipantStatus.TERMINATED},
        ParticipantStatus.SUSPENDED: {ParticipantStatus.ACTIVE, ParticipantStatus.TERMINATED},
        ParticipantStatus.TERMINATED: set(),
    }

    legal_name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, unique=True)
    dba_name = models.CharField("doing business as", max_length=200, blank=True)
    duns_number = models.CharField(
        "DUNS number", max_length=13, blank=True, help_text="9-digit D-U-N-S number (13 with the +4 suffix)."
    )
    operator_id = models.CharField(
        "operator identifier",
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        help_text="The operator's own identifier for this MP, for example MP-000123.",
    )
    roles = models.ManyToManyField(MarketRole, related_name="participants", blank=True)
    status = models.CharField(
        max_length=20, choices=ParticipantStatus.choices, default=ParticipantStatus.PROSPECTIVE, db_index=True
    )
    service_territories = models.ManyToManyField(ServiceTerritory, related_name="participants", blank=True)
    website = HttpsURLField(blank=True)
    address = BoundedTextField(max_length=NOTE_TEXT, blank=True)
    notes = BoundedTextField(
        max_length=MESSAGE_TEXT, blank=True, help_text="Internal notes; never shown to the participant."
    )
    requires_second_factor = models.BooleanField(
        "requires a second factor",
        default=False,
        help_text="Every portal user of this MP must sign in with a passkey or an authenticator app. "
        "The MP's User Security Administrator decides.",
    )

    class Meta:
        ordering = ["short_name"]
        permissions = [("reassign_account_manager", "Can reassign the Account Manager of an MP")]
        constraints = [
            models.UniqueConstraint(fields=["duns_number"], condition=~Q(duns_number=""), name="unique_duns_number"),
        ]

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return reverse("workspace:participant-detail", args=[self.pk])

    def role_codes(self) -> list[str]:
        """Codes of the roles held; uses prefetched roles when present."""
        return sorted(role.code for role in self.roles.all())

    def has_role(self, code: str) -> bool:
        return code in self.role_codes()

    def serves_load(self) -> bool:
        """An LSE, or a REP / CR (a retailer serves load whether or not it also registered the LSE role):
        seed 004's new-MP criteria (SFA, PUCT certification, QSE Acknowledgement) apply to it."""
        return bool(LOAD_SERVING_ROLE_CODES.intersection(self.role_codes()))

    def can_move_to(self, status: str) -> bool:
        return status in self.STATUS_TRANSITIONS.get(self.status, set())

    @property
    def is_registered(self) -> bool:
        """Its initial registration was approved (it may since be qualifying, active, suspended or terminated)."""
        return self.status not in UNREGISTERED_STATUSES


class AccountManager(TimeStampedModel):
    """The Account Manager profile of a staff user: how participants reach them."""

    user = models.OneToOneField("accounts.User", on_delete=models.PROTECT, related_name="account_manager")
    title = models.CharField(max_length=120, default="Client Services Account Manager")
    phone = models.CharField(max_length=40, help_text="Main number, for example (512) 248-3900.")
    extension = models.CharField(max_length=10, blank=True)
    email = models.EmailField(help_text="The address participants write to.")
    is_active = models.BooleanField(default=True, help_text="Inactive AMs get no new participants.")

    class Meta:
        ordering = ["user__full_name"]

    def __str__(self):
        return self.user.full_name

    @property
    def name(self) -> str:
        return self.user.full_name

    @property
    def phone_display(self) -> str:
        return f"{self.phone} ext. {self.extension}" if self.extension else self.phone


class AssignmentQuerySet(models.QuerySet):
    def current(self):
        """Assignments in force (not ended): the MP is in that AM's book."""
        return self.filter(ended_at__isnull=True)

    def with_active_manager(self):
        """Current assignments whose AM is active: the one rule for "the MP's current AM".

        An inactive AM whose assignment was not ended yet is never shown or used as anyone's current AM.
        """
        return self.current().filter(account_manager__is_active=True)


class AccountManagerAssignment(models.Model):
    """One period during which an AM looked after an MP. The open row is the current AM."""

    participant = models.ForeignKey(MarketParticipant, on_delete=models.CASCADE, related_name="am_assignments")
    account_manager = models.ForeignKey(AccountManager, on_delete=models.PROTECT, related_name="assignments")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    assigned_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant"], condition=Q(ended_at__isnull=True), name="one_current_am_per_participant"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="assignment_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["account_manager", "ended_at"])]

    def __str__(self):
        until = f"{self.ended_at:%Y-%m-%d}" if self.ended_at else "now"
        return f"{self.account_manager} → {self.participant} ({self.started_at:%Y-%m-%d} – {until})"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class ContactRole(models.TextChoices):
    AUTHORIZED_REPRESENTATIVE = "ar", "Authorized Representative"
    BACKUP_AUTHORIZED_REPRESENTATIVE = "bar", "Backup Authorized Representative"
    USER_SECURITY_ADMINISTRATOR = "usa", "User Security Administrator"
    SETTLEMENT = "settlement", "Settlement contact"
    CREDIT = "credit", "Credit contact"
    TECHNICAL = "technical", "Technical contact"
    GENERAL = "general", "General contact"


# Roles that may sign and authorize registration information for the MP.
AUTHORIZING_ROLES = frozenset({ContactRole.AUTHORIZED_REPRESENTATIVE, ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE})
# Roles the MP's User Security Administrator grants and removes; AR and BAR stay with registration.
USA_GRANTABLE_ROLES = tuple(role for role in ContactRole if role not in AUTHORIZING_ROLES)


class ContactRank(models.TextChoices):
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def authorizing(self):
        return self.filter(contact_role__in=AUTHORIZING_ROLES)

    def security_administrators(self):
        """Active User Security Administrator memberships whose person's portal access to that MP is active: who
        administers an MP (its people, its API keys). Filter by ``user`` and ``participant``, or use it in a
        subquery with ``OuterRef``."""
        from .access import PortalAccessStatus

        return self.active().filter(
            contact_role=ContactRole.USER_SECURITY_ADMINISTRATOR,
            participant__portal_accesses__user=models.F("user"),
            participant__portal_accesses__status=PortalAccessStatus.ACTIVE,
        )


class Membership(TimeStampedModel):
    """A participant user's place at one MP: their contact role and rank.

    One person may hold several roles at one MP and be a contact of several MPs.
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="memberships")
    participant = models.ForeignKey(MarketParticipant, on_delete=models.CASCADE, related_name="memberships")
    contact_role = models.CharField(max_length=20, choices=ContactRole.choices)
    rank = models.CharField(max_length=10, choices=ContactRank.choices, default=ContactRank.PRIMARY)
    is_active = models.BooleanField(default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["participant__short_name", "contact_role", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["user", "participant", "contact_role"], name="unique_membership_role"),
            models.UniqueConstraint(
                fields=["participant", "contact_role"],
                condition=Q(is_active=True, rank="primary"),
                name="one_active_primary_per_role",
            ),
        ]
        indexes = [models.Index(fields=["user", "is_active"])]

    def __str__(self):
        return f"{self.user} — {self.get_contact_role_display()} ({self.get_rank_display()}) at {self.participant}"

    @property
    def can_authorize(self) -> bool:
        return self.contact_role in AUTHORIZING_ROLES
