"""Audit events: written by every service, append-only, and the status lifecycle they record."""

import datetime
import decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import services
from accounts.models import ContactRole, MarketParticipant, ParticipantStatus
from ercot_services.core.audit import apply_changes, audit_context, audit_record
from ercot_services.core.models import AuditEvent, DomainError
from tests.accounts.factories import AccountManagerFactory, ParticipantFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

STATUSES = [status.value for status in ParticipantStatus]


def _events_for(obj):
    return list(AuditEvent.objects.for_object(obj))


# --- Services write events -----------------------------------------------------


def test_participant_create_records_who_what_and_why(lead):
    participant = services.participant_create(
        actor=lead,
        data=services.ParticipantInput(
            legal_name="Lone Star Retail Power LLC", short_name="LSRP", role_codes=["REP", "LSE"]
        ),
        reason="New REP applying for Flight 0226",
    )

    [event] = _events_for(participant)
    assert event.actor == lead
    assert event.verb == "participant.created"
    assert event.participant == participant
    assert event.target == participant
    assert event.target_repr == "LSRP"
    assert event.reason == "New REP applying for Flight 0226"
    assert event.changes["legal_name"] == [None, "Lone Star Retail Power LLC"]
    assert event.changes["status"] == [None, ParticipantStatus.PROSPECTIVE]
    assert event.changes["roles"] == [None, ["LSE", "REP"]]


def test_participant_create_refuses_unknown_roles_and_writes_nothing(lead):
    with pytest.raises(DomainError, match="XYZ"):
        services.participant_create(
            actor=lead,
            data=services.ParticipantInput(legal_name="Bad Roles LLC", short_name="BAD", role_codes=["REP", "XYZ"]),
        )
    assert not MarketParticipant.objects.filter(short_name="BAD").exists()
    assert not AuditEvent.objects.filter(target_repr="BAD").exists()


def test_participant_update_records_old_and_new_values(lead):
    participant = ParticipantFactory(legal_name="Old Name LLC", duns_number="123456789", role_codes=["REP"])

    services.participant_update(
        actor=lead,
        participant=participant,
        legal_name="New Name LLC",
        duns_number="123456789",  # unchanged: not in the event
        role_codes=["REP", "QSE"],
        reason="Name change per Form E",
    )

    participant.refresh_from_db()
    assert participant.legal_name == "New Name LLC"
    [event] = _events_for(participant)
    assert event.actor == lead
    assert event.verb == "participant.updated"
    assert event.reason == "Name change per Form E"
    assert event.changes == {
        "legal_name": ["Old Name LLC", "New Name LLC"],
        "roles": [["REP"], ["QSE", "REP"]],
    }


def test_participant_update_without_a_real_change_writes_no_event(lead):
    participant = ParticipantFactory(legal_name="Same LLC", role_codes=["REP", "LSE"])
    before = AuditEvent.objects.count()

    services.participant_update(
        actor=lead, participant=participant, legal_name="Same LLC", role_codes=["LSE", "REP"], reason="no-op"
    )

    assert AuditEvent.objects.count() == before


def test_participant_update_refuses_a_status_change(lead):
    participant = ParticipantFactory(status=ParticipantStatus.ACTIVE)
    with pytest.raises(DomainError, match="participant_set_status"):
        services.participant_update(actor=lead, participant=participant, status=ParticipantStatus.TERMINATED)
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.ACTIVE
    assert _events_for(participant) == []


def test_membership_events_belong_to_the_participant(lead):
    participant = ParticipantFactory()
    user = UserFactory(full_name="Dana Contact")

    membership = services.membership_add(
        actor=lead,
        participant=participant,
        user=user,
        contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE,
        reason="AR form",
    )
    services.membership_end(actor=lead, membership=membership, reason="Left the company")

    events = list(AuditEvent.objects.filter(participant=participant).order_by("created_at", "id"))
    assert [e.verb for e in events] == ["membership.added", "membership.ended"]
    assert all(e.target == membership for e in events)
    assert events[1].changes == {"is_active": [True, False]}
    assert events[1].reason == "Left the company"


def test_account_manager_create_is_audited(lead):
    staff = StaffFactory(full_name="Avery Manager")
    manager = services.account_manager_create(actor=lead, user=staff, phone="(512) 248-3900")
    [event] = _events_for(manager)
    assert event.verb == "account_manager.created"
    assert event.actor == lead
    assert event.participant is None


def test_account_manager_create_refuses_participant_users(lead):
    with pytest.raises(DomainError):
        services.account_manager_create(actor=lead, user=UserFactory(), phone="1")


def test_audit_record_stores_anonymous_actors_as_system():
    participant = ParticipantFactory()
    event = audit_record(actor=AnonymousUser(), verb="x.y", target=participant)
    assert event.actor is None
    event = audit_record(actor=None, verb="x.z", target=participant)
    assert event.actor is None


def test_events_inside_an_audit_context_also_name_what_it_names():
    participant = ParticipantFactory()
    with audit_context(api_key="Settlement system"):
        with audit_context(batch="7"):
            nested = audit_record(actor=None, verb="x.nested", target=participant, changes={"status": ("a", "b")})
        inside = audit_record(actor=None, verb="x.inside", target=participant)
    outside = audit_record(actor=None, verb="x.outside", target=participant)
    assert nested.changes == {"api_key": [None, "Settlement system"], "batch": [None, "7"], "status": ["a", "b"]}
    assert inside.changes == {"api_key": [None, "Settlement system"]}
    assert outside.changes == {}


def test_audit_record_makes_values_json_friendly():
    participant = ParticipantFactory()
    manager = AccountManagerFactory(user__full_name="Jordan Keys")
    event = audit_record(
        actor=None,
        verb="test.values",
        target=participant,
        changes={
            "date": (datetime.date(2026, 7, 3), datetime.datetime(2026, 7, 6, 9, 30, tzinfo=datetime.UTC)),
            "amount": (decimal.Decimal("1.50"), None),
            "manager": (None, manager),
            "codes": ({"REP"}, ("LSE", "QSE")),
        },
    )
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.changes == {
        "date": ["2026-07-03", "2026-07-06T09:30:00+00:00"],
        "amount": ["1.50", None],
        "manager": [None, "Jordan Keys"],
        "codes": [["REP"], ["LSE", "QSE"]],
    }


def test_apply_changes_returns_only_real_changes():
    participant = ParticipantFactory.build(legal_name="A", website="")
    changed = apply_changes(participant, {"legal_name": "B", "website": ""})
    assert changed == {"legal_name": ("A", "B")}
    assert participant.legal_name == "B"


# --- Append-only ------------------------------------------------------------------


@pytest.fixture
def event(lead):
    return audit_record(actor=lead, verb="test.created", target=ParticipantFactory(), reason="original")


def test_an_audit_event_cannot_be_changed(event):
    event.reason = "rewritten"
    with pytest.raises(DomainError, match="append-only"):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).reason == "original"


def test_an_audit_event_cannot_be_deleted(event):
    with pytest.raises(DomainError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_events_cannot_be_updated_or_deleted_in_bulk(event):
    with pytest.raises(DomainError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(DomainError, match="append-only"):
        AuditEvent.objects.all().delete()
    with pytest.raises(DomainError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == "original"


def test_for_object_finds_only_that_objects_events(lead):
    first, second = ParticipantFactory(), ParticipantFactory()
    audit_record(actor=lead, verb="a", target=first)
    audit_record(actor=lead, verb="b", target=second)
    assert [e.verb for e in AuditEvent.objects.for_object(first)] == ["a"]


# --- The status lifecycle -------------------------------------------------------------


@pytest.mark.parametrize("target", STATUSES)
@pytest.mark.parametrize("origin", STATUSES)
def test_status_transitions_follow_the_map(lead, origin, target):
    participant = ParticipantFactory(status=origin)
    allowed = MarketParticipant.STATUS_TRANSITIONS[origin]
    before = AuditEvent.objects.count()

    if origin == target:
        # Setting the status it already has is a no-op, not an error and not an event.
        result = services.participant_set_status(actor=lead, participant=participant, status=target, reason="same")
        assert result.status == origin
        assert AuditEvent.objects.count() == before
    elif target in allowed:
        services.participant_set_status(actor=lead, participant=participant, status=target, reason="lifecycle")
        participant.refresh_from_db()
        assert participant.status == target
        [event] = _events_for(participant)
        assert event.verb == "participant.status_changed"
        assert event.actor == lead
        assert event.changes == {"status": [origin, target]}
        assert event.reason == "lifecycle"
    else:
        with pytest.raises(DomainError) as excinfo:
            services.participant_set_status(actor=lead, participant=participant, status=target, reason="refused")
        message = str(excinfo.value)
        assert ParticipantStatus(target).label in message
        allowed_labels = [ParticipantStatus(s).label for s in allowed]
        if allowed_labels:
            assert all(label in message.split("Allowed next:")[1] for label in allowed_labels)
        else:
            assert "Allowed next: none" in message
        # Statuses that are not allowed are not offered.
        for other in set(STATUSES) - set(allowed):
            assert ParticipantStatus(other).label not in message.split("Allowed next:")[1]
        participant.refresh_from_db()
        assert participant.status == origin
        assert AuditEvent.objects.count() == before


def test_the_transition_map_covers_every_status():
    assert set(MarketParticipant.STATUS_TRANSITIONS) == set(STATUSES)
    for origin, targets in MarketParticipant.STATUS_TRANSITIONS.items():
        assert origin not in targets
        assert targets <= set(STATUSES)
    # Terminated is final; everything else can end in termination.
    assert MarketParticipant.STATUS_TRANSITIONS[ParticipantStatus.TERMINATED] == set()
    for origin in set(STATUSES) - {ParticipantStatus.TERMINATED}:
        assert ParticipantStatus.TERMINATED in MarketParticipant.STATUS_TRANSITIONS[origin]


def test_status_change_uses_the_stored_status_not_a_stale_instance(lead):
    participant = ParticipantFactory(status=ParticipantStatus.ACTIVE)
    stale = MarketParticipant.objects.get(pk=participant.pk)
    services.participant_set_status(actor=lead, participant=participant, status=ParticipantStatus.TERMINATED)
    # The stale copy still says active, but the row is terminated: nothing may follow.
    with pytest.raises(DomainError, match="Allowed next: none"):
        services.participant_set_status(actor=lead, participant=stale, status=ParticipantStatus.SUSPENDED)
