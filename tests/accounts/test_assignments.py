"""Account Manager assignments, book moves and memberships: the services and the database guards."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts import selectors, services
from accounts.error_codes import AccountErrorCode
from accounts.models import AccountManagerAssignment, ContactRank, ContactRole, Membership
from ercot_services.core.models import AuditEvent, DomainError
from tests.accounts.factories import (
    AccountManagerFactory,
    AssignmentFactory,
    MembershipFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _current(participant):
    return AccountManagerAssignment.objects.current().get(participant=participant)


# --- account_manager_assign ----------------------------------------------------------


def test_first_assignment_makes_the_am_current(lead):
    participant = ParticipantFactory()
    manager = AccountManagerFactory()

    assignment = services.account_manager_assign(
        actor=lead, participant=participant, account_manager=manager, reason="New MP"
    )

    assert assignment.is_current
    assert assignment.assigned_by == lead
    assert _current(participant) == assignment
    assert selectors.current_manager(participant) == manager
    [event] = AuditEvent.objects.for_object(participant).filter(verb="participant.account_manager_assigned")
    assert event.changes == {"account_manager": [None, str(manager)]}
    assert event.reason == "New MP"
    assert event.actor == lead


def test_reassigning_closes_the_previous_assignment(lead):
    participant = ParticipantFactory()
    first = AccountManagerFactory(user__full_name="Ada First")
    second = AccountManagerFactory(user__full_name="Ben Second")
    old = services.account_manager_assign(actor=lead, participant=participant, account_manager=first, reason="start")

    new = services.account_manager_assign(
        actor=lead, participant=participant, account_manager=second, reason="rebalance"
    )

    old.refresh_from_db()
    assert old.ended_at is not None
    assert old.ended_at == new.started_at
    assert new.ended_at is None
    assert _current(participant).account_manager == second
    assert AccountManagerAssignment.objects.filter(participant=participant).count() == 2
    event = AuditEvent.objects.for_object(participant).filter(verb="participant.account_manager_assigned").first()
    assert event.changes == {"account_manager": ["Ada First", "Ben Second"]}
    assert event.reason == "rebalance"


def test_assignment_history_is_kept_newest_first_with_reasons(lead):
    participant = ParticipantFactory()
    managers = AccountManagerFactory.create_batch(3)
    reasons = ["Registered", "AM on leave", "Back from leave"]
    for manager, reason in zip(managers, reasons, strict=False):
        services.account_manager_assign(actor=lead, participant=participant, account_manager=manager, reason=reason)

    history = list(selectors.assignment_history(participant))

    assert [a.account_manager for a in history] == managers[::-1]
    assert [a.reason for a in history] == reasons[::-1]
    assert [a.is_current for a in history] == [True, False, False]
    # Periods follow each other without a gap or an overlap.
    for later, earlier in zip(history, history[1:], strict=False):
        assert earlier.ended_at == later.started_at
        assert earlier.started_at <= earlier.ended_at


def test_assigning_the_current_am_again_is_refused(lead, participant, account_manager):
    before = AccountManagerAssignment.objects.count()
    with pytest.raises(DomainError, match="already the Account Manager") as refused:
        services.account_manager_assign(actor=lead, participant=participant, account_manager=account_manager)
    assert refused.value.code == AccountErrorCode.ALREADY_ASSIGNED
    assert AccountManagerAssignment.objects.count() == before
    assert _current(participant).account_manager == account_manager


def test_an_open_assignment_that_lands_after_the_check_is_the_already_assigned_refusal(lead, monkeypatch):
    """The database's one-open-assignment index refuses the insert; the service turns that into its own refusal."""
    participant = ParticipantFactory()
    racer = AccountManagerFactory(user__full_name="Rita Racer")
    full_clean = AccountManagerAssignment.full_clean

    def another_assignment_lands_first(assignment, *args, **kwargs):
        # Written between the service's check and its insert, as a concurrent writer that skipped the lock would.
        monkeypatch.setattr(AccountManagerAssignment, "full_clean", full_clean)
        AccountManagerAssignment.objects.create(participant=participant, account_manager=racer)
        full_clean(assignment, *args, **kwargs)

    monkeypatch.setattr(AccountManagerAssignment, "full_clean", another_assignment_lands_first)
    with pytest.raises(DomainError, match="Rita Racer is already the Account Manager") as refused:
        services.account_manager_assign(
            actor=lead, participant=participant, account_manager=AccountManagerFactory(), reason="New MP"
        )

    assert refused.value.code == AccountErrorCode.ALREADY_ASSIGNED
    assert isinstance(refused.value.__cause__, IntegrityError)
    assert not AuditEvent.objects.for_object(participant).filter(verb="participant.account_manager_assigned").exists()


def test_an_inactive_am_gets_no_new_participants(lead, participant, account_manager):
    inactive = AccountManagerFactory(is_active=False)
    with pytest.raises(DomainError, match="no longer an active Account Manager"):
        services.account_manager_assign(actor=lead, participant=participant, account_manager=inactive)
    assert _current(participant).account_manager == account_manager


def test_the_database_allows_one_current_am_per_participant(participant):
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountManagerAssignment.objects.create(participant=participant, account_manager=AccountManagerFactory())
    # Closed assignments are unlimited.
    AssignmentFactory(participant=participant, ended_at=timezone.now() + datetime.timedelta(seconds=1))
    assert AccountManagerAssignment.objects.current().filter(participant=participant).count() == 1


def test_the_database_refuses_an_assignment_that_ends_before_it_starts(participant):
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountManagerAssignment.objects.create(
            participant=participant,
            account_manager=AccountManagerFactory(),
            started_at=now,
            ended_at=now - datetime.timedelta(days=1),
        )


# --- account_manager_reassign_book ---------------------------------------------------------


@pytest.fixture
def book(account_manager):
    participants = ParticipantFactory.create_batch(4)
    for mp in participants:
        AssignmentFactory(participant=mp, account_manager=account_manager)
    return participants


def test_book_reassign_moves_every_participant(lead, account_manager, book):
    receiver = AccountManagerFactory()
    someone_else = AssignmentFactory()  # another AM's MP is untouched

    moved = services.account_manager_reassign_book(
        actor=lead, from_manager=account_manager, to_manager=receiver, reason="AM left Client Services"
    )

    assert moved == len(book)
    for mp in book:
        current = _current(mp)
        assert current.account_manager == receiver
        assert current.reason == "AM left Client Services"
        assert current.assigned_by == lead
        # The departing AM's period stays in the history.
        assert mp.am_assignments.filter(account_manager=account_manager, ended_at__isnull=False).exists()
    assert _current(someone_else.participant).account_manager == someone_else.account_manager
    assert not AccountManagerAssignment.objects.current().filter(account_manager=account_manager).exists()
    account_manager.refresh_from_db()
    assert account_manager.is_active is True


def test_book_reassign_can_deactivate_the_departing_am(lead, account_manager, book):
    receiver = AccountManagerFactory()

    moved = services.account_manager_reassign_book(
        actor=lead, from_manager=account_manager, to_manager=receiver, reason="Retired", deactivate_from=True
    )

    assert moved == len(book)
    account_manager.refresh_from_db()
    assert account_manager.is_active is False
    [event] = AuditEvent.objects.for_object(account_manager).filter(verb="account_manager.deactivated")
    assert event.changes == {"is_active": [True, False]}
    assert event.reason == "Retired"


def test_book_reassign_of_an_empty_book_moves_nothing(lead):
    empty, receiver = AccountManagerFactory(), AccountManagerFactory()
    assert services.account_manager_reassign_book(actor=lead, from_manager=empty, to_manager=receiver, reason="x") == 0


@pytest.mark.parametrize("reason", ["", "   "])
def test_book_reassign_requires_a_reason(lead, account_manager, book, reason):
    receiver = AccountManagerFactory()
    with pytest.raises(DomainError, match="reason"):
        services.account_manager_reassign_book(
            actor=lead, from_manager=account_manager, to_manager=receiver, reason=reason
        )
    assert all(_current(mp).account_manager == account_manager for mp in book)


def test_book_reassign_refuses_the_same_am(lead, account_manager, book):
    with pytest.raises(DomainError, match="different Account Manager"):
        services.account_manager_reassign_book(
            actor=lead, from_manager=account_manager, to_manager=account_manager, reason="x"
        )


def test_book_reassign_to_an_inactive_am_changes_nothing(lead, account_manager, book):
    inactive = AccountManagerFactory(is_active=False)
    with pytest.raises(DomainError):
        services.account_manager_reassign_book(
            actor=lead, from_manager=account_manager, to_manager=inactive, reason="x", deactivate_from=True
        )
    # One transaction: no MP moved and the departing AM is still active.
    assert all(_current(mp).account_manager == account_manager for mp in book)
    account_manager.refresh_from_db()
    assert account_manager.is_active is True


# --- Memberships -------------------------------------------------------------------------------


def test_membership_add_creates_an_active_contact(lead, participant):
    user = UserFactory()
    membership = services.membership_add(
        actor=lead, participant=participant, user=user, contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE
    )
    assert membership.is_active
    assert membership.can_authorize
    assert list(selectors.participants_for_user(user)) == [participant]


def test_membership_add_refuses_staff(lead, participant):
    with pytest.raises(DomainError, match="staff"):
        services.membership_add(
            actor=lead, participant=participant, user=StaffFactory(), contact_role=ContactRole.TECHNICAL
        )
    assert not Membership.objects.filter(participant=participant, contact_role=ContactRole.TECHNICAL).exists()


def test_membership_add_refuses_a_duplicate(lead, participant):
    user = UserFactory()
    services.membership_add(actor=lead, participant=participant, user=user, contact_role=ContactRole.CREDIT)
    with pytest.raises(DomainError, match="already"):
        services.membership_add(actor=lead, participant=participant, user=user, contact_role=ContactRole.CREDIT)
    assert Membership.objects.filter(user=user, participant=participant).count() == 1


def test_one_person_may_hold_several_roles_and_serve_two_participants(lead, participant, other_participant):
    user = UserFactory()
    services.membership_add(actor=lead, participant=participant, user=user, contact_role=ContactRole.SETTLEMENT)
    services.membership_add(actor=lead, participant=participant, user=user, contact_role=ContactRole.CREDIT)
    services.membership_add(actor=lead, participant=other_participant, user=user, contact_role=ContactRole.SETTLEMENT)

    assert set(selectors.participants_for_user(user)) == {participant, other_participant}
    assert Membership.objects.filter(user=user).count() == 3


def test_an_ended_membership_can_be_added_again(lead, participant):
    user = UserFactory()
    membership = services.membership_add(
        actor=lead, participant=participant, user=user, contact_role=ContactRole.TECHNICAL
    )
    services.membership_end(actor=lead, membership=membership)
    assert not selectors.participants_for_user(user).exists()

    again = services.membership_add(
        actor=lead, participant=participant, user=user, contact_role=ContactRole.TECHNICAL, rank=ContactRank.SECONDARY
    )

    assert again.pk == membership.pk
    assert again.is_active and again.rank == ContactRank.SECONDARY
    assert selectors.participants_for_user(user).exists()


def test_membership_end_twice_is_a_no_op(lead, participant):
    membership = MembershipFactory(participant=participant)
    services.membership_end(actor=lead, membership=membership)
    before = AuditEvent.objects.count()
    services.membership_end(actor=lead, membership=membership)
    assert AuditEvent.objects.count() == before


def test_only_one_active_primary_per_contact_role(lead, participant):
    services.membership_add(
        actor=lead, participant=participant, user=UserFactory(), contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE
    )
    second = UserFactory()

    with pytest.raises(DomainError) as refused:
        services.membership_add(
            actor=lead,
            participant=participant,
            user=second,
            contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE,
            rank=ContactRank.PRIMARY,
        )
    assert refused.value.code == AccountErrorCode.INVALID
    assert "one_active_primary_per_role" in str(refused.value)
    assert isinstance(refused.value.__cause__, ValidationError)
    assert not Membership.objects.filter(user=second).exists()

    # A secondary in the same role is fine: primary and secondary AR.
    services.membership_add(
        actor=lead,
        participant=participant,
        user=second,
        contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE,
        rank=ContactRank.SECONDARY,
    )
    assert Membership.objects.active().filter(participant=participant, contact_role="ar").count() == 2


def test_the_database_enforces_one_active_primary_per_role(participant):
    MembershipFactory(participant=participant, contact_role=ContactRole.USER_SECURITY_ADMINISTRATOR)
    duplicate = Membership(
        user=UserFactory(), participant=participant, contact_role=ContactRole.USER_SECURITY_ADMINISTRATOR
    )
    with pytest.raises(ValidationError):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    # An inactive primary does not count.
    inactive = Membership(
        user=UserFactory(),
        participant=participant,
        contact_role=ContactRole.USER_SECURITY_ADMINISTRATOR,
        is_active=False,
    )
    inactive.full_clean()
    inactive.save()
    assert (
        Membership.objects.filter(participant=participant, contact_role=ContactRole.USER_SECURITY_ADMINISTRATOR).count()
        == 2
    )


# --- concurrent assignments on PostgreSQL --------------------------------------------------------------------


def _assign_at_once(participant, managers) -> list:
    """Each AM of ``managers`` assigned to ``participant`` from its own thread (its own transaction), all at once.

    Returns what each call gave: the assignment, or the ``DomainError`` that refused it.
    """
    barrier = threading.Barrier(len(managers))
    outcomes = []
    lock = threading.Lock()

    def assign(manager):
        try:
            barrier.wait(timeout=30)
            try:
                outcome = services.account_manager_assign(actor=None, participant=participant, account_manager=manager)
            except DomainError as error:
                outcome = error
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(manager,)) for manager in managers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "an assigning thread hung"
    assert len(outcomes) == len(managers), outcomes  # no thread died of an IntegrityError or a deadlock
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_assignments_of_the_same_am_make_one_and_refuse_the_other():
    participant = ParticipantFactory()
    manager = AccountManagerFactory()

    outcomes = _assign_at_once(participant, [manager, manager])

    refusals = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(refusals) == 1, outcomes
    assert refusals[0].code == AccountErrorCode.ALREADY_ASSIGNED
    assert AccountManagerAssignment.objects.filter(participant=participant).count() == 1
    assert _current(participant).account_manager == manager


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_assignments_of_different_ams_queue_up_into_one_history():
    participant = ParticipantFactory()
    first, second = AccountManagerFactory(), AccountManagerFactory()

    outcomes = _assign_at_once(participant, [first, second])

    assert not [o for o in outcomes if isinstance(o, DomainError)], outcomes
    history = list(selectors.assignment_history(participant))
    assert len(history) == 2
    later, earlier = history
    assert later.is_current and not earlier.is_current
    assert earlier.ended_at == later.started_at
    assert {later.account_manager, earlier.account_manager} == {first, second}
