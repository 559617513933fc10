"""The MP's User Security Administrator runs its people: every rule of accounts.services.access and invitations."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from accounts import services
from accounts.error_codes import AccountErrorCode
from accounts.events import AccountEvent
from accounts.models import (
    ContactRole,
    Membership,
    PortalAccess,
    PortalAccessStatus,
    PortalInvitation,
    User,
    invitation_token_hash,
)
from accounts.selectors import participants_for_user
from ercot_services.core.models import AuditEvent, DomainError, OutboundEmail
from ercot_services.core.permissions import ActionNotAllowed
from tests.accounts.factories import MembershipFactory, PortalInvitationFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def usa(participant):
    return MembershipFactory(participant=participant, usa=True).user


@pytest.fixture
def person(participant):
    return MembershipFactory(participant=participant, contact_role=ContactRole.SETTLEMENT).user


def _roles(participant, user) -> set[str]:
    return set(
        Membership.objects.active().filter(participant=participant, user=user).values_list("contact_role", flat=True)
    )


def _status(participant, user) -> str:
    return PortalAccess.objects.get(participant=participant, user=user).status


def _am_emails():
    return OutboundEmail.objects.filter(key__startswith="accounts:people:")


# --- invitations ------------------------------------------------------------------------------------------------------


def test_an_invitation_stores_only_the_hash_of_its_token_and_is_emailed(usa, participant):
    invitation, token = services.invitation_send(
        actor=usa, participant=participant, email="New.Person@Example.com", roles=[ContactRole.CREDIT]
    )
    assert invitation.email == "new.person@example.com"
    assert token not in invitation.token_hash and invitation.token_hash == invitation_token_hash(token)
    assert invitation.expires_at - timezone.now() > datetime.timedelta(days=6)
    email = OutboundEmail.objects.get(key=f"accounts:invitation:{invitation.pk}")
    assert email.to == ["new.person@example.com"] and f"/accounts/invitation/{token}/" in email.body
    assert AuditEvent.objects.filter(verb=AccountEvent.INVITATION_SENT, participant=participant).exists()


def test_inviting_the_same_address_again_replaces_the_pending_invitation(usa, participant):
    first, first_token = services.invitation_send(
        actor=usa, participant=participant, email="a@example.com", roles=[ContactRole.CREDIT]
    )
    second, _ = services.invitation_send(
        actor=usa, participant=participant, email="A@example.com", roles=[ContactRole.TECHNICAL]
    )
    first.refresh_from_db()
    assert first.revoked_at is not None and second.state() == "pending"
    with pytest.raises(DomainError) as refused:
        services.invitation_accept(token=first_token, full_name="A", password="a-long-password-2026")
    assert refused.value.code == AccountErrorCode.INVITATION_NOT_PENDING


@pytest.mark.parametrize("role", [ContactRole.AUTHORIZED_REPRESENTATIVE, ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE])
def test_the_usa_does_not_grant_ar_or_bar(usa, participant, role):
    with pytest.raises(DomainError) as refused:
        services.invitation_send(actor=usa, participant=participant, email="x@example.com", roles=[role])
    assert refused.value.code == AccountErrorCode.ROLE_NOT_GRANTABLE


def test_an_invitation_needs_a_role(usa, participant):
    with pytest.raises(DomainError) as refused:
        services.invitation_send(actor=usa, participant=participant, email="x@example.com", roles=[])
    assert refused.value.code == AccountErrorCode.ROLES_REQUIRED


def test_a_person_who_already_has_access_is_not_invited_again(usa, participant, person):
    with pytest.raises(DomainError) as refused:
        services.invitation_send(actor=usa, participant=participant, email=person.email, roles=[ContactRole.CREDIT])
    assert refused.value.code == AccountErrorCode.ALREADY_HAS_ACCESS


def test_a_new_person_accepts_with_a_name_and_a_password_and_the_am_is_told(usa, participant, account_manager):
    invitation, token = services.invitation_send(
        actor=usa, participant=participant, email="new@example.com", roles=[ContactRole.CREDIT, ContactRole.GENERAL]
    )
    access = services.invitation_accept(token=token, full_name="Nina New", password="a-long-password-2026")

    user = User.objects.get(email="new@example.com")
    assert access.user == user and access.status == PortalAccessStatus.ACTIVE
    assert user.check_password("a-long-password-2026") and user.full_name == "Nina New"
    assert _roles(participant, user) == {ContactRole.CREDIT, ContactRole.GENERAL}
    assert list(participants_for_user(user)) == [participant]
    invitation.refresh_from_db()
    assert invitation.accepted_at and invitation.accepted_by == user
    assert _am_emails().get().to == [account_manager.user.email]
    assert AuditEvent.objects.for_object(access).filter(verb=AccountEvent.PORTAL_ACCESS_GRANTED).exists()


def test_an_invitation_is_accepted_once(usa, participant):
    _, token = services.invitation_send(
        actor=usa, participant=participant, email="new@example.com", roles=[ContactRole.CREDIT]
    )
    services.invitation_accept(token=token, full_name="Nina New", password="a-long-password-2026")
    with pytest.raises(DomainError) as refused:
        services.invitation_accept(token=token, full_name="Other", password="a-long-password-2026")
    assert refused.value.code == AccountErrorCode.INVITATION_NOT_PENDING


def test_an_expired_invitation_is_refused(participant):
    PortalInvitationFactory(participant=participant, token="old")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        with pytest.raises(DomainError) as refused:
            services.invitation_accept(token="old", full_name="Late", password="a-long-password-2026")
    assert refused.value.code == AccountErrorCode.INVITATION_NOT_PENDING
    assert not User.objects.filter(full_name="Late").exists()


def test_an_unknown_token_is_refused_the_same_way(db):
    with pytest.raises(DomainError) as refused:
        services.invitation_accept(token="nobody-issued-this", full_name="X", password="a-long-password-2026")
    assert refused.value.code == AccountErrorCode.INVITATION_NOT_PENDING


def test_a_weak_password_is_refused_on_the_password_field(participant):
    PortalInvitationFactory(participant=participant, token="t")
    with pytest.raises(DomainError) as refused:
        services.invitation_accept(token="t", full_name="Nina", password="123")
    assert "password1" in refused.value.fields


def test_an_existing_account_signs_in_to_accept_and_keeps_one_account(
    usa, participant, other_participant, other_mp_user
):
    """A person who is a contact of several MPs keeps one account."""
    _, token = services.invitation_send(
        actor=usa, participant=participant, email=other_mp_user.email.upper(), roles=[ContactRole.TECHNICAL]
    )
    with pytest.raises(DomainError) as refused:
        services.invitation_accept(token=token, full_name="Someone", password="a-long-password-2026")
    assert refused.value.code == AccountErrorCode.ACCOUNT_EXISTS

    services.invitation_accept(token=token, user=other_mp_user)
    assert User.objects.filter(email=other_mp_user.email).count() == 1
    assert set(participants_for_user(other_mp_user)) == {participant, other_participant}


def test_someone_signed_in_with_another_address_cannot_accept(usa, participant, other_mp_user):
    _, token = services.invitation_send(
        actor=usa, participant=participant, email="someone.else@example.com", roles=[ContactRole.TECHNICAL]
    )
    with pytest.raises(DomainError) as refused:
        services.invitation_accept(token=token, user=other_mp_user)
    assert refused.value.code == AccountErrorCode.INVITATION_OTHER_ACCOUNT


def test_a_usa_revokes_a_pending_invitation(usa, participant):
    invitation, token = services.invitation_send(
        actor=usa, participant=participant, email="new@example.com", roles=[ContactRole.CREDIT]
    )
    services.invitation_revoke(actor=usa, invitation=invitation)
    with pytest.raises(DomainError):
        services.invitation_accept(token=token, full_name="N", password="a-long-password-2026")
    with pytest.raises(DomainError) as twice:
        services.invitation_revoke(actor=usa, invitation=invitation)
    assert twice.value.code == AccountErrorCode.INVITATION_NOT_PENDING


# --- who may manage ---------------------------------------------------------------------------------------------------


def test_a_usa_of_another_mp_cannot_touch_this_mps_people(participant, other_participant, person):
    other_usa = MembershipFactory(participant=other_participant, usa=True).user
    for call in (
        lambda: services.person_suspend(actor=other_usa, participant=participant, user=person),
        lambda: services.invitation_send(
            actor=other_usa, participant=participant, email="x@example.com", roles=[ContactRole.CREDIT]
        ),
        lambda: services.participant_second_factor_set(actor=other_usa, participant=participant, required=True),
    ):
        with pytest.raises(ActionNotAllowed):
            call()
    assert _status(participant, person) == PortalAccessStatus.ACTIVE


def test_an_mp_user_who_is_not_a_usa_cannot_manage_people(participant, person, mp_user):
    with pytest.raises(ActionNotAllowed):
        services.person_suspend(actor=mp_user, participant=participant, user=person)


def test_a_suspended_usa_cannot_manage_people(participant, person):
    suspended_usa = MembershipFactory(participant=participant, usa=True, portal_access="suspended").user
    MembershipFactory(participant=participant, usa=True, rank="secondary")
    with pytest.raises(ActionNotAllowed):
        services.person_suspend(actor=suspended_usa, participant=participant, user=person)


def test_staff_with_the_membership_permission_may_act_and_other_staff_may_not(participant, person, lead):
    retail_ops = StaffFactory(groups=["Retail Operations"])
    with pytest.raises(ActionNotAllowed):
        services.person_suspend(actor=retail_ops, participant=participant, user=person)
    services.person_suspend(actor=lead, participant=participant, user=person, reason="Asked by the MP")
    assert _status(participant, person) == PortalAccessStatus.SUSPENDED


# --- roles, suspend, reinstate, remove --------------------------------------------------------------------------------


def test_a_usa_changes_roles_and_ar_bar_are_left_alone(usa, participant, account_manager):
    person = MembershipFactory(participant=participant, ar=True).user
    services.person_roles_change(
        actor=usa, participant=participant, user=person, roles=[ContactRole.CREDIT, ContactRole.TECHNICAL]
    )
    assert _roles(participant, person) == {
        ContactRole.AUTHORIZED_REPRESENTATIVE,
        ContactRole.CREDIT,
        ContactRole.TECHNICAL,
    }
    services.person_roles_change(actor=usa, participant=participant, user=person, roles=[])
    assert _roles(participant, person) == {ContactRole.AUTHORIZED_REPRESENTATIVE}
    assert _am_emails().count() == 2


def test_taking_every_role_away_is_refused_remove_access_instead(usa, participant, person):
    with pytest.raises(DomainError) as refused:
        services.person_roles_change(actor=usa, participant=participant, user=person, roles=[])
    assert refused.value.code == AccountErrorCode.ROLES_REQUIRED


def test_a_granted_role_is_secondary_when_the_mp_has_a_primary(usa, participant, person):
    services.person_roles_change(
        actor=usa,
        participant=participant,
        user=person,
        roles=[ContactRole.SETTLEMENT, ContactRole.USER_SECURITY_ADMINISTRATOR],
    )
    membership = Membership.objects.get(
        participant=participant, user=person, contact_role=ContactRole.USER_SECURITY_ADMINISTRATOR
    )
    assert membership.rank == "secondary"


@pytest.mark.parametrize(
    "action",
    [
        lambda usa, mp: services.person_suspend(actor=usa, participant=mp, user=usa),
        lambda usa, mp: services.person_remove(actor=usa, participant=mp, user=usa),
        lambda usa, mp: services.person_roles_change(
            actor=usa, participant=mp, user=usa, roles=[ContactRole.TECHNICAL]
        ),
    ],
    ids=["suspend", "remove", "un-role"],
)
def test_the_last_active_usa_is_kept_with_a_message(usa, participant, action):
    with pytest.raises(DomainError) as refused:
        action(usa, participant)
    assert refused.value.code == AccountErrorCode.LAST_SECURITY_ADMINISTRATOR
    assert "last active User Security Administrator" in str(refused.value)
    assert _status(participant, usa) == PortalAccessStatus.ACTIVE


def test_with_a_second_usa_the_first_may_step_down(usa, participant):
    MembershipFactory(participant=participant, usa=True, rank="secondary")
    services.person_roles_change(actor=usa, participant=participant, user=usa, roles=[ContactRole.TECHNICAL])
    assert _roles(participant, usa) == {ContactRole.TECHNICAL}


def test_suspend_and_reinstate_follow_the_map_audit_and_tell_the_am(usa, participant, person):
    services.person_suspend(actor=usa, participant=participant, user=person, reason="On leave")
    person.refresh_from_db()
    assert person.portal_locked and list(participants_for_user(person)) == []
    with pytest.raises(DomainError) as twice:
        services.person_suspend(actor=usa, participant=participant, user=person)
    assert twice.value.code == AccountErrorCode.INVALID_TRANSITION_ACCESS

    services.person_reinstate(actor=usa, participant=participant, user=person)
    person.refresh_from_db()
    assert not person.portal_locked and list(participants_for_user(person)) == [participant]
    access = PortalAccess.objects.get(participant=participant, user=person)
    verbs = list(AuditEvent.objects.for_object(access).values_list("verb", flat=True))
    assert verbs == [AccountEvent.PORTAL_ACCESS_REINSTATED, AccountEvent.PORTAL_ACCESS_SUSPENDED]
    assert AuditEvent.objects.filter(participant=participant, verb=AccountEvent.PORTAL_ACCESS_SUSPENDED).exists()
    assert _am_emails().count() == 2


def test_suspending_at_one_mp_leaves_the_other_working(usa, participant, other_participant):
    both = MembershipFactory(participant=participant, contact_role=ContactRole.CREDIT).user
    MembershipFactory(participant=other_participant, user=both, contact_role=ContactRole.CREDIT)
    services.person_suspend(actor=usa, participant=participant, user=both)
    both.refresh_from_db()
    assert not both.portal_locked
    assert list(participants_for_user(both)) == [other_participant]


def test_removing_ends_the_roles_and_a_removed_person_is_not_reinstated(usa, participant, person):
    services.person_remove(actor=usa, participant=participant, user=person, reason="Left the company")
    assert _status(participant, person) == PortalAccessStatus.REMOVED and _roles(participant, person) == set()
    with pytest.raises(DomainError) as refused:
        services.person_reinstate(actor=usa, participant=participant, user=person)
    assert refused.value.code == AccountErrorCode.INVALID_TRANSITION_ACCESS


def test_a_removed_person_comes_back_through_a_new_invitation(usa, participant, person):
    services.person_remove(actor=usa, participant=participant, user=person)
    _, token = services.invitation_send(
        actor=usa, participant=participant, email=person.email, roles=[ContactRole.GENERAL]
    )
    services.invitation_accept(token=token, user=person)
    assert _status(participant, person) == PortalAccessStatus.ACTIVE
    assert _roles(participant, person) == {ContactRole.GENERAL}


def test_an_ar_is_not_removed_here(usa, participant):
    ar = MembershipFactory(participant=participant, ar=True).user
    with pytest.raises(DomainError) as refused:
        services.person_remove(actor=usa, participant=participant, user=ar)
    assert refused.value.code == AccountErrorCode.AUTHORIZING_ROLE_HELD


def test_a_person_of_another_mp_is_not_found(usa, participant, other_mp_user):
    with pytest.raises(DomainError) as refused:
        services.person_suspend(actor=usa, participant=participant, user=other_mp_user)
    assert refused.value.code == AccountErrorCode.NOT_A_PERSON_HERE


def test_the_usa_sets_the_mps_second_factor_rule_with_an_audit_event(usa, participant):
    services.participant_second_factor_set(actor=usa, participant=participant, required=True)
    participant.refresh_from_db()
    assert participant.requires_second_factor
    assert AuditEvent.objects.for_object(participant).filter(verb=AccountEvent.PARTICIPANT_SECOND_FACTOR_SET).exists()


def test_membership_add_gives_a_link_and_registration_brings_a_removed_person_back(participant, usa):
    newcomer = UserFactory()
    membership = services.membership_add(
        actor=None, participant=participant, user=newcomer, contact_role=ContactRole.TECHNICAL
    )
    assert _status(participant, newcomer) == PortalAccessStatus.ACTIVE
    services.person_remove(actor=usa, participant=participant, user=newcomer)
    membership.refresh_from_db()
    services.membership_add(
        actor=None, participant=participant, user=newcomer, contact_role=ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE
    )
    assert _status(participant, newcomer) == PortalAccessStatus.ACTIVE


def test_an_invitation_row_keeps_its_state(participant):
    invitation = PortalInvitationFactory(participant=participant)
    assert invitation.state() == "pending"
    assert PortalInvitation.objects.pending().filter(pk=invitation.pk).exists()


def test_a_suspended_person_is_no_longer_an_active_contact_of_that_mp(usa, participant, person):
    assert person in User.objects.active_contacts(participant)
    services.person_suspend(actor=usa, participant=participant, user=person)
    assert person not in User.objects.active_contacts(participant)
