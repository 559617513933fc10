"""factory_boy factories for accounts: users and staff, Account Managers, Market Participants, their AM assignment
and their contacts (memberships). Every app's factories build on these."""

import datetime
import functools
import time

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.totp.internal.auth import time as totp_time
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import (
    AccountManager,
    AccountManagerAssignment,
    ContactRank,
    ContactRole,
    MarketParticipant,
    MarketRole,
    Membership,
    ParticipantStatus,
    ParticipantSummary,
    PortalAccess,
    invitation_token_hash,
)

PASSWORD = "correct-horse-battery"
# The authenticator app secret of every factory user with a second factor (base32, as authenticator apps take it).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TOTP_SECRET, *, offset: int = 0) -> str:
    """The code an authenticator app shows now for ``secret`` (``offset`` periods later or earlier)."""
    return format_hotp_value(hotp_value(secret, int(totp_time.time()) // 30 + offset))


def code_to_type_now(secret: str = TOTP_SECRET, *, margin: float = 5.0) -> str:
    """The code a person would type now: one that stays valid for ``margin`` seconds more. The server accepts only
    the current 30-second period (no tolerance), so a code read just before the period rolls over and checked just
    after it is refused, as it would be for a person; a slow test run waits for the next period instead."""
    left = 30 - totp_time.time() % 30
    if left < margin:
        time.sleep(left + 0.05)
    return totp_code(secret)


@functools.cache
def _hashed(raw: str) -> str:
    """One hash per password for the whole run (the salt is random; any valid hash of it signs in)."""
    return make_password(raw)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    # The raw password; stored hashed (``_adjust_kwargs``), so the user is written once, not saved again.
    password = PASSWORD

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        kwargs["password"] = _hashed(kwargs["password"])
        return kwargs

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            found = {group.name: group for group in Group.objects.filter(name__in=extracted)}
            self.groups.add(*[found[name] for name in extracted])

    @factory.post_generation
    def second_factor(self, create, extracted, **kwargs):
        """An authenticator app (``TOTP_SECRET``): staff have one unless ``second_factor=False``; others when
        ``second_factor=True``. Staff must have one to reach anything (accounts/second_factor.py)."""
        if create and (self.is_staff if extracted is None else extracted):
            Authenticator.objects.get_or_create(
                user=self, type=Authenticator.Type.TOTP, defaults={"data": {"secret": TOTP_SECRET}}
            )


class StaffFactory(UserFactory):
    is_staff = True
    email = factory.Sequence(lambda n: f"staff{n}@ercot.example")


class AccountManagerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountManager

    user = factory.SubFactory(StaffFactory, groups=["Account Manager"])
    phone = "(512) 248-3900"
    extension = factory.Sequence(lambda n: f"{6000 + n}")
    email = factory.LazyAttribute(lambda o: o.user.email)


class ParticipantFactory(factory.django.DjangoModelFactory):
    """An active MP. ``role_codes=["REP", ...]``, ``territories=[...]``, ``account_manager=am`` (its current AM),
    ``contacts=["ar", "bar"]``; traits ``prospective``, ``qualifying``."""

    class Meta:
        model = MarketParticipant
        skip_postgeneration_save = True

    legal_name = factory.LazyAttributeSequence(
        lambda o, n: f"{o.name.title()} Energy LLC" if o.name else f"Participant {n} Energy LLC"
    )
    short_name = factory.LazyAttributeSequence(lambda o, n: o.name or f"MP{n:04d}")
    duns_number = factory.Sequence(lambda n: f"{100000000 + n}")
    operator_id = factory.Sequence(lambda n: f"MP-{n:06d}")
    status = ParticipantStatus.ACTIVE

    class Params:
        # ``name="WIRESCO"``: short name WIRESCO, legal name "Wiresco Energy LLC".
        name = None
        prospective = factory.Trait(status=ParticipantStatus.PROSPECTIVE)
        qualifying = factory.Trait(status=ParticipantStatus.QUALIFYING)

    @factory.post_generation
    def role_codes(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set(MarketRole.objects.filter(code__in=extracted))

    @factory.post_generation
    def territories(self, create, extracted, **kwargs):
        if create and extracted:
            self.service_territories.set(extracted)

    @factory.post_generation
    def account_manager(self, create, extracted, **kwargs):
        """``account_manager=am``: the MP's current Account Manager (an assignment)."""
        if create and extracted is not None:
            AssignmentFactory(participant=self, account_manager=extracted)

    @factory.post_generation
    def contacts(self, create, extracted, **kwargs):
        """``contacts=["ar", "bar"]``: those contacts (``MembershipFactory`` traits), named after the MP:
        ``ar@wiresco.example``, "Wiresco AR"."""
        if create and extracted:
            domain = f"{self.short_name.lower()}.example"
            for trait in extracted:
                MembershipFactory(
                    participant=self,
                    **{trait: True},
                    user__email=f"{trait}@{domain}",
                    user__full_name=f"{self.short_name.title()} {trait.upper()}",
                )

    @factory.post_generation
    def summary(self, create, extracted, **kwargs):
        """The MP's summary row, empty as ``participant_create`` makes it for a new MP. Rows made later by other
        factories bypass the services that keep it current: call ``rebuild_summaries`` (tests/conftest.py)."""
        if create:
            ParticipantSummary.objects.get_or_create(participant=self)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountManagerAssignment

    participant = factory.SubFactory(ParticipantFactory)
    account_manager = factory.SubFactory(AccountManagerFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    """A contact of an MP (default: its primary Authorized Representative).

    Traits: ``ar`` (primary AR), ``bar`` (the Backup AR, secondary), ``secondary`` (one more technical contact,
    secondary, so any number can be added).
    """

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    class Params:
        ar = factory.Trait(contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE, rank=ContactRank.PRIMARY)
        bar = factory.Trait(contact_role=ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE, rank=ContactRank.SECONDARY)
        secondary = factory.Trait(contact_role=ContactRole.TECHNICAL, rank=ContactRank.SECONDARY)
        usa = factory.Trait(contact_role=ContactRole.USER_SECURITY_ADMINISTRATOR, rank=ContactRank.PRIMARY)

    user = factory.SubFactory(UserFactory)
    participant = factory.SubFactory(ParticipantFactory)
    contact_role = ContactRole.AUTHORIZED_REPRESENTATIVE
    rank = ContactRank.PRIMARY

    @factory.post_generation
    def portal_access(self, create, extracted, **kwargs):
        """The person's link to the MP (``PortalAccess``), active, as ``membership_add`` gives it; ``portal_access=
        False`` leaves it out, ``portal_access="suspended"`` makes it suspended."""
        if create and extracted is not False:
            access, _ = PortalAccess.objects.get_or_create(user=self.user, participant=self.participant)
            if isinstance(extracted, str) and access.status != extracted:
                access.status = extracted
                access.save(update_fields=["status"])


class PortalInvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation whose link token is ``token`` (only its hash is stored): ``PortalInvitationFactory(
    token="abc")`` is accepted at ``/accounts/invitation/abc/``."""

    class Meta:
        model = "accounts.PortalInvitation"

    class Params:
        token = factory.Sequence(lambda n: f"test-invitation-token-{n}")

    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    participant = factory.SubFactory(ParticipantFactory)
    roles = factory.LazyFunction(lambda: [ContactRole.SETTLEMENT.value])
    token_hash = factory.LazyAttribute(lambda o: invitation_token_hash(o.token))
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
