"""factory_boy factories shared by every app's tests."""

import factory
from django.contrib.auth.models import Group

from accounts.models import (
    AccountManager,
    AccountManagerAssignment,
    ContactRank,
    ContactRole,
    MarketParticipant,
    MarketRole,
    Membership,
    ParticipantStatus,
)

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[Group.objects.get(name=name) for name in extracted])
        if create:
            self.save()


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
    class Meta:
        model = MarketParticipant
        skip_postgeneration_save = True

    legal_name = factory.Sequence(lambda n: f"Participant {n} Energy LLC")
    short_name = factory.Sequence(lambda n: f"MP{n:04d}")
    duns_number = factory.Sequence(lambda n: f"{100000000 + n}")
    operator_id = factory.Sequence(lambda n: f"MP-{n:06d}")
    status = ParticipantStatus.ACTIVE

    @factory.post_generation
    def role_codes(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set(MarketRole.objects.filter(code__in=extracted))


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountManagerAssignment

    participant = factory.SubFactory(ParticipantFactory)
    account_manager = factory.SubFactory(AccountManagerFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    participant = factory.SubFactory(ParticipantFactory)
    contact_role = ContactRole.AUTHORIZED_REPRESENTATIVE
    rank = ContactRank.PRIMARY
