"""'An active contact of this MP' is one rule (``User.objects.active_contacts``), used by every form that picks one."""

import pytest

from accounts.models import ContactRole, User
from tests.accounts.factories import MembershipFactory, ParticipantFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_only_active_participant_users_with_an_active_membership_are_active_contacts():
    participant, other = ParticipantFactory(), ParticipantFactory()
    contact = MembershipFactory(participant=participant).user
    lapsed = MembershipFactory(participant=participant, contact_role=ContactRole.CREDIT, is_active=False).user
    disabled = MembershipFactory(
        participant=participant, contact_role=ContactRole.SETTLEMENT, user=UserFactory(is_active=False)
    ).user
    elsewhere = MembershipFactory(participant=other).user
    staff_member = MembershipFactory(
        participant=participant, contact_role=ContactRole.TECHNICAL, user=StaffFactory()
    ).user

    assert set(User.objects.active_contacts(participant)) == {contact}
    assert set(User.objects.active_contacts()) == {contact, elsewhere}
    assert not {lapsed, disabled, staff_member} & set(User.objects.active_contacts())


def test_a_contact_with_two_roles_at_the_mp_is_listed_once():
    participant = ParticipantFactory()
    membership = MembershipFactory(participant=participant)
    MembershipFactory(
        participant=participant, user=membership.user, contact_role=ContactRole.USER_SECURITY_ADMINISTRATOR
    )

    assert list(User.objects.active_contacts(participant)) == [membership.user]
