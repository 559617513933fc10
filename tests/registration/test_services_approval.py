"""Approval applies the change to the MP through audited services."""

import pytest

from accounts.models import ContactRank, ContactRole, Membership, ParticipantStatus, User
from ercot_services.core.models import AuditEvent
from registration.models import Application, ApplicationKind, ApplicationStatus, ChangeType
from registration.services import application_approve, application_reject, application_update, contact_change_add
from tests.accounts.factories import MembershipFactory

from .conftest import ct

pytestmark = pytest.mark.django_db


def _approve(kit, application, actor, *, now=None):
    kit.provide_all(application, actor)
    kit.submit(application, actor, now=now)
    kit.review(application)
    kit.accept_all(application)
    return application_approve(actor=kit.reviewer, application=application, reason="Complete and correct")


def _timeline(participant, verb):
    return list(AuditEvent.objects.filter(participant=participant, verb=verb).order_by("created_at", "id"))


def test_an_initial_registration_moves_the_mp_from_prospective_to_qualifying(kit, prospect, prospect_ar):
    application = kit.start(prospect, prospect_ar, roles=["REP", "LSE"])
    kit.provide_all(application, prospect_ar)

    kit.submit(application, prospect_ar)
    prospect.refresh_from_db()
    assert prospect.status == ParticipantStatus.REGISTERING
    assert prospect.role_codes() == []  # nothing is granted before approval

    kit.review(application)
    kit.accept_all(application)
    approved = application_approve(actor=kit.reviewer, application=application)

    prospect.refresh_from_db()
    assert approved.status == ApplicationStatus.APPROVED
    assert approved.decided_by == kit.reviewer and approved.decided_at is not None
    assert prospect.status == ParticipantStatus.QUALIFYING
    assert prospect.role_codes() == ["LSE", "REP"]
    assert approved.requires_testing is False

    statuses = [(e.changes["status"], e.actor) for e in _timeline(prospect, "participant.status_changed")]
    assert statuses == [
        (["prospective", "registering"], prospect_ar),
        (["registering", "qualifying"], kit.reviewer),
    ]
    [roles] = _timeline(prospect, "participant.updated")
    assert roles.changes["roles"] == [[], ["LSE", "REP"]]
    assert roles.reason == f"{application.reference} approved"
    assert AuditEvent.objects.filter(participant=prospect, verb="application.approved").exists()


def test_a_registering_mp_stays_registering_when_it_files_again(kit, prospect, prospect_ar):
    first = kit.start(prospect, prospect_ar, roles=["QSE"])
    kit.provide_all(first, prospect_ar)
    kit.submit(first, prospect_ar)
    second = kit.start(prospect, prospect_ar, roles=["RE"])
    kit.provide_all(second, prospect_ar)
    kit.submit(second, prospect_ar)

    prospect.refresh_from_db()
    assert prospect.status == ParticipantStatus.REGISTERING
    assert len(_timeline(prospect, "participant.status_changed")) == 1


def test_a_revision_changes_the_name_roles_territories_and_authorized_representative(kit, participant, ar, bar):
    participant.service_territories.set([])
    application = kit.start(
        participant,
        ar,
        kind=ApplicationKind.REVISION,
        roles=["QSE"],
        changes=[
            ChangeType.NAME,
            ChangeType.ADD_ROLE,
            ChangeType.REMOVE_ROLE,
            ChangeType.ADD_TERRITORY,
            ChangeType.AUTHORIZED_REPS,
        ],
        remove_role_codes=["LSE"],
        territory_codes=["TNMP", "ONCOR"],
        new_legal_name="Bluebonnet Power & Light LLC",
    )
    contact_change_add(
        actor=ar,
        application=application,
        action="add",
        contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE,
        full_name="Nora Nolan",
        email="Nora.Nolan@Bluebonnet.example",
        phone="(512) 555-0142",
    )
    old_name = participant.legal_name

    _approve(kit, application, ar)

    participant.refresh_from_db()
    assert participant.legal_name == "Bluebonnet Power & Light LLC"
    assert participant.role_codes() == ["QSE", "REP"]
    assert sorted(participant.service_territories.values_list("code", flat=True)) == ["ONCOR", "TNMP"]
    assert participant.status == ParticipantStatus.ACTIVE

    # The previous primary AR is ended; the new AR is a new user who must choose a password.
    old = Membership.objects.get(user=ar, participant=participant)
    assert old.is_active is False
    new_user = User.objects.get(email="nora.nolan@bluebonnet.example")
    assert (new_user.full_name, new_user.phone, new_user.has_usable_password()) == (
        "Nora Nolan",
        "(512) 555-0142",
        False,
    )
    new = Membership.objects.get(user=new_user, participant=participant)
    assert (new.contact_role, new.rank, new.is_active) == (
        ContactRole.AUTHORIZED_REPRESENTATIVE,
        ContactRank.PRIMARY,
        True,
    )
    assert Membership.objects.get(user=bar, participant=participant).is_active  # the Backup AR is untouched

    why = f"{application.reference} approved"
    [updated] = _timeline(participant, "participant.updated")
    assert updated.changes["legal_name"] == [old_name, "Bluebonnet Power & Light LLC"]
    assert updated.changes["roles"] == [["LSE", "REP"], ["QSE", "REP"]]
    assert updated.reason == why
    [territories] = _timeline(participant, "participant.territories_added")
    assert territories.changes["territories"] == [[], ["ONCOR", "TNMP"]]
    assert [e.reason for e in _timeline(participant, "membership.ended")] == [why]
    assert [e.reason for e in _timeline(participant, "membership.added")] == [why]
    assert Application.objects.get(pk=application.pk).requires_testing is True  # a new territory


def test_an_ar_change_to_a_known_user_reuses_the_account(kit, participant, ar, other_participant):
    known = MembershipFactory(participant=other_participant, contact_role=ContactRole.SETTLEMENT).user
    application = kit.start(participant, ar, kind=ApplicationKind.REVISION, changes=[ChangeType.AUTHORIZED_REPS])
    contact_change_add(
        actor=ar,
        application=application,
        action="add",
        contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE,
        full_name="Whatever Name",
        email=known.email.upper(),
    )
    users = User.objects.count()

    _approve(kit, application, ar)

    assert User.objects.count() == users
    assert (
        Membership.objects.active()
        .get(participant=participant, contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE)
        .user
        == known
    )
    assert not Membership.objects.get(user=ar).is_active


def test_a_contact_removal_ends_the_membership(kit, participant, ar, bar):
    settlement = MembershipFactory(participant=participant, contact_role=ContactRole.SETTLEMENT).user
    application = kit.start(participant, ar, kind=ApplicationKind.REVISION, changes=[ChangeType.CONTACTS])
    contact_change_add(
        actor=ar,
        application=application,
        action="remove",
        contact_role=ContactRole.SETTLEMENT,
        full_name=settlement.full_name,
        email=settlement.email,
    )
    contact_change_add(
        actor=ar,
        application=application,
        action="add",
        contact_role=ContactRole.TECHNICAL,
        rank=ContactRank.SECONDARY,
        full_name="Tess Tech",
        email="tess.tech@bluebonnet.example",
    )

    _approve(kit, application, ar)

    assert not Membership.objects.get(user=settlement, participant=participant).is_active
    tech = Membership.objects.get(user__email="tess.tech@bluebonnet.example", participant=participant)
    assert (tech.contact_role, tech.rank, tech.is_active) == (ContactRole.TECHNICAL, ContactRank.SECONDARY, True)
    assert Membership.objects.get(user=ar).is_active and Membership.objects.get(user=bar).is_active


TESTING = {
    ChangeType.ADD_TERRITORY: True,
    ChangeType.NEW_FUNCTIONALITY: True,
    ChangeType.SERVICE_PROVIDER: True,
    ChangeType.BANKING: True,
    ChangeType.NAME: False,
    ChangeType.AUTHORIZED_REPS: False,
    ChangeType.CONTACTS: False,
    ChangeType.ADD_ROLE: False,
    ChangeType.REMOVE_ROLE: False,
}


@pytest.mark.parametrize("change", list(TESTING), ids=str)
def test_requires_testing_follows_the_change_type(kit, participant, ar, change):
    application = kit.start(participant, ar, kind=ApplicationKind.REVISION, changes=[change])

    approved = _approve(kit, application, ar)

    assert approved.requires_testing is TESTING[change]
    approved.refresh_from_db()
    assert approved.requires_testing is TESTING[change]


def test_a_name_change_with_a_new_territory_requires_testing(kit, participant, ar):
    application = kit.start(
        participant, ar, kind=ApplicationKind.REVISION, changes=[ChangeType.NAME], new_legal_name="Renamed LLC"
    )
    assert application.requires_testing is False
    application_update(
        actor=ar,
        application=application,
        change_types=[ChangeType.NAME, ChangeType.ADD_TERRITORY],
        territory_codes=["LPL"],
    )

    assert _approve(kit, application, ar).requires_testing is True


def test_an_initial_registration_never_requires_change_testing(kit, prospect, prospect_ar):
    application = kit.start(prospect, prospect_ar, roles=["QSE"], changes=[ChangeType.BANKING])

    assert _approve(kit, application, prospect_ar).requires_testing is False


def test_a_rejected_revision_changes_nothing(kit, participant, ar):
    application = kit.start(
        participant,
        ar,
        kind=ApplicationKind.REVISION,
        roles=["QSE"],
        changes=[ChangeType.NAME, ChangeType.ADD_ROLE],
        new_legal_name="Never Applied LLC",
    )
    kit.provide_all(application, ar)
    kit.submit(application, ar, now=ct(2026, 3, 2, 9))
    kit.review(application)
    application_reject(actor=kit.reviewer, application=application, reason="Form G is not signed")

    participant.refresh_from_db()
    assert participant.legal_name != "Never Applied LLC"
    assert participant.role_codes() == ["LSE", "REP"]
    assert not AuditEvent.objects.filter(participant=participant, verb="participant.updated").exists()


def test_a_dba_change_is_applied_on_approval(kit, participant, ar):
    from registration.models import ApplicationStatus

    application = kit.build(
        participant, ar, ApplicationStatus.UNDER_REVIEW, kind="revision", roles=(), changes=("name",)
    )
    application.new_dba = "Bluebonnet Energy"
    application.save(update_fields=["new_dba"])
    kit.accept_all(application)
    from registration.services import application_approve

    application_approve(actor=kit.reviewer, application=application)
    participant.refresh_from_db()
    assert participant.dba_name == "Bluebonnet Energy"
