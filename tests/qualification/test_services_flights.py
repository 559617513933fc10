"""Flights and enrollment (seed 004, issue #5): MMYY names, deadlines and the Flight Administrator's override,
and enrollment from an approved registration or revision (#4)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.roles import StaffGroup
from ercot_services.core.models import AuditEvent, DomainError
from qualification.models import ChangeKind, Enrollment, EnrollmentStatus, Flight, ParticipantKind
from qualification.services import (
    CHANGE_FROM_REGISTRATION,
    enrollment_create,
    enrollment_from_application,
    flight_create,
)
from registration.models import ApplicationKind, ApplicationStatus, ChangeType
from tests.accounts.factories import StaffFactory
from tests.qualification.factories import FlightFactory

from .conftest import approved_application

pytestmark = pytest.mark.django_db

D = datetime.date


# --- flights -----------------------------------------------------------------------------------


def test_a_flight_is_named_mmyy_after_its_start_date(flight_admin):
    flight = FlightFactory(actor=flight_admin, start_date=D(2026, 2, 1))

    assert flight.name == "0226"
    assert str(flight) == "Flight 0226"
    assert Flight.objects.get(pk=flight.pk).name == "0226"
    assert FlightFactory(actor=flight_admin, start_date=D(2026, 11, 16)).name == "1126"
    event = AuditEvent.objects.for_object(flight).get()
    assert (event.verb, event.actor) == ("flight.created", flight_admin)


def test_one_flight_per_month(flight_admin):
    FlightFactory(actor=flight_admin, start_date=D(2026, 2, 1))

    with pytest.raises(DomainError, match=r"Flight 0226 already exists: one flight starts per month"):
        FlightFactory(actor=flight_admin, start_date=D(2026, 2, 20))
    assert Flight.objects.filter(name="0226").count() == 1
    # The same month a year later is another flight.
    assert FlightFactory(actor=flight_admin, start_date=D(2027, 2, 1)).name == "0227"


@pytest.mark.parametrize(
    "application_deadline, registration_deadline, end_date",
    [
        pytest.param(D(2026, 2, 2), D(2026, 1, 10), D(2026, 2, 28), id="application-deadline-after-start"),
        pytest.param(D(2026, 1, 20), D(2026, 2, 5), D(2026, 2, 28), id="registration-deadline-after-start"),
        pytest.param(D(2026, 1, 20), D(2026, 1, 10), D(2026, 1, 31), id="ends-before-it-starts"),
    ],
)
def test_deadlines_must_fall_before_the_start_and_the_end_after_it(
    flight_admin, application_deadline, registration_deadline, end_date
):
    with pytest.raises(DomainError, match="Deadlines must fall on or before the start date"):
        flight_create(
            actor=flight_admin,
            start_date=D(2026, 2, 1),
            end_date=end_date,
            application_deadline=application_deadline,
            registration_deadline=registration_deadline,
        )
    assert not Flight.objects.exists()


def test_deadlines_on_the_start_date_are_accepted(flight_admin):
    flight = flight_create(
        actor=flight_admin,
        start_date=D(2026, 3, 2),
        end_date=D(2026, 3, 2),
        application_deadline=D(2026, 3, 2),
        registration_deadline=D(2026, 3, 2),
    )
    assert flight.name == "0326"


# --- enrollment and deadlines -------------------------------------------------------------------


def enroll(
    actor, flight, participant, *, today, kind=ParticipantKind.CURRENT, change=ChangeKind.NEW_TERRITORY, reason=""
):
    return enrollment_create(
        actor=actor,
        flight=flight,
        participant=participant,
        participant_kind=kind,
        change_kind=change,
        override_reason=reason,
        today=today,
    )


def test_enrollment_until_the_application_deadline_works(flight, flight_admin, retail_ops, rep):
    enrollment = enroll(retail_ops, flight, rep, today=flight.application_deadline)

    assert enrollment.status == EnrollmentStatus.ENROLLED
    assert (enrollment.participant, enrollment.participant_kind, enrollment.change_kind) == (
        rep,
        ParticipantKind.CURRENT,
        ChangeKind.NEW_TERRITORY,
    )
    assert enrollment.enrolled_by == retail_ops
    assert enrollment.late_override_reason == ""
    event = AuditEvent.objects.for_object(enrollment).get(verb="enrollment.created")
    assert event.reason == ""
    assert event.changes["flight"] == [None, str(flight)]


def test_enrollment_after_the_application_deadline_is_refused_naming_it(flight, retail_ops, rep):
    late = flight.application_deadline + datetime.timedelta(days=1)

    with pytest.raises(DomainError) as refused:
        enroll(retail_ops, flight, rep, today=late)

    message = str(refused.value)
    assert "Enrollment is closed" in message
    assert f"the application deadline of {flight} was {flight.application_deadline:%B %d, %Y}" in message
    assert "A Flight Administrator can enroll late with a recorded reason" in message
    assert not Enrollment.objects.exists()


def test_a_flight_administrator_enrolls_late_with_a_recorded_reason(flight, flight_admin, rep):
    late = flight.application_deadline + datetime.timedelta(days=3)
    reason = "  Approved by the Retail Market Subcommittee chair on the 14th.  "

    enrollment = enroll(flight_admin, flight, rep, today=late, reason=reason)

    assert enrollment.late_override_reason == reason.strip()
    assert Enrollment.objects.get(pk=enrollment.pk).late_override_reason == reason.strip()
    event = AuditEvent.objects.for_object(enrollment).get(verb="enrollment.created")
    assert event.actor == flight_admin
    assert "Retail Market Subcommittee chair" in event.reason


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_flight_administrator_without_a_reason_is_refused_late(flight, flight_admin, rep, reason):
    late = flight.application_deadline + datetime.timedelta(days=1)

    with pytest.raises(DomainError, match="application deadline"):
        enroll(flight_admin, flight, rep, today=late, reason=reason)
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize("group", [StaffGroup.RETAIL_OPERATIONS, StaffGroup.CLIENT_SERVICES_LEAD])
def test_a_non_administrator_is_refused_late_even_with_a_reason(flight, rep, group):
    actor = StaffFactory(groups=[group])
    late = flight.application_deadline + datetime.timedelta(days=1)

    with pytest.raises(DomainError, match="Enrollment is closed"):
        enroll(actor, flight, rep, today=late, reason="The MP asked nicely.")
    assert not Enrollment.objects.exists()


def test_a_new_mp_after_the_registration_deadline_is_refused(flight, retail_ops, rep, new_lse):
    # Between the two deadlines: a current MP still enrolls, a new MP no longer does.
    day = flight.registration_deadline + datetime.timedelta(days=1)
    assert day <= flight.application_deadline

    with pytest.raises(DomainError) as refused:
        enroll(retail_ops, flight, new_lse, today=day, kind=ParticipantKind.NEW, change=ChangeKind.NEW_ENTITY)
    assert f"the registration deadline was {flight.registration_deadline:%B %d, %Y}" in str(refused.value)
    assert "application deadline" not in str(refused.value)
    assert not Enrollment.objects.filter(participant=new_lse).exists()

    assert enroll(retail_ops, flight, rep, today=day).status == EnrollmentStatus.ENROLLED


def test_a_new_mp_until_the_registration_deadline_enrolls(flight, retail_ops, new_lse):
    enrollment = enroll(
        retail_ops,
        flight,
        new_lse,
        today=flight.registration_deadline,
        kind=ParticipantKind.NEW,
        change=ChangeKind.NEW_ENTITY,
    )
    assert enrollment.participant_kind == ParticipantKind.NEW


def test_after_both_deadlines_the_refusal_names_both(flight, retail_ops, new_lse):
    late = flight.application_deadline + datetime.timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        enroll(retail_ops, flight, new_lse, today=late, kind=ParticipantKind.NEW, change=ChangeKind.NEW_ENTITY)
    assert "application deadline" in str(refused.value)
    assert "registration deadline" in str(refused.value)


def test_duplicate_enrollment_is_refused(flight, retail_ops, rep):
    today = flight.application_deadline
    enroll(retail_ops, flight, rep, today=today)

    with pytest.raises(DomainError, match=rf"{rep} is already enrolled in {flight} for new territory"):
        enroll(retail_ops, flight, rep, today=today)
    assert Enrollment.objects.filter(participant=rep).count() == 1
    # Another change of the same MP in the same flight is its own enrollment.
    enroll(retail_ops, flight, rep, today=today, change=ChangeKind.BANKING)
    assert Enrollment.objects.filter(participant=rep).count() == 2


# --- from an approved registration or revision (#4) ---------------------------------------------


@pytest.fixture
def prospect(qualification_reference_data):
    from accounts.models import ParticipantStatus
    from tests.accounts.factories import ParticipantFactory

    from .conftest import add_contacts

    mp = ParticipantFactory(
        legal_name="Pecan Street Power LLC", short_name="PECAN", status=ParticipantStatus.PROSPECTIVE
    )
    return add_contacts(mp, "pecan.example", ar="Paula Price", bar="Pete Park")


def test_an_approved_initial_registration_enrolls_a_new_mp(flight, retail_ops, prospect):
    application = approved_application(
        participant=prospect,
        ar=prospect.people["ar"],
        reviewer=retail_ops,
        kind=ApplicationKind.INITIAL,
        roles=("REP", "LSE"),
    )
    assert application.status == ApplicationStatus.APPROVED

    [enrollment] = enrollment_from_application(actor=retail_ops, application=application, flight=flight)

    assert (enrollment.participant, enrollment.participant_kind, enrollment.change_kind) == (
        prospect,
        ParticipantKind.NEW,
        ChangeKind.NEW_ENTITY,
    )
    assert enrollment.application == application
    assert enrollment.flight == flight
    assert enrollment.status == EnrollmentStatus.ENROLLED


def test_an_approved_revision_adding_a_territory_and_banking_enrolls_both_changes(flight, retail_ops, rep):
    application = approved_application(
        participant=rep,
        ar=rep.people["ar"],
        reviewer=retail_ops,
        kind=ApplicationKind.REVISION,
        changes=(ChangeType.ADD_TERRITORY, ChangeType.BANKING),
        territories=["TNMP"],
        banking_note="New remittance bank.",
    )

    enrollments = enrollment_from_application(actor=retail_ops, application=application, flight=flight)

    assert sorted(e.change_kind for e in enrollments) == [ChangeKind.BANKING, ChangeKind.NEW_TERRITORY]
    assert {e.participant_kind for e in enrollments} == {ParticipantKind.CURRENT}
    assert {e.application_id for e in enrollments} == {application.pk}
    assert Enrollment.objects.filter(participant=rep, flight=flight).count() == 2


@pytest.mark.parametrize("change_type, change_kind", sorted(CHANGE_FROM_REGISTRATION.items()))
def test_each_testing_change_of_a_revision_maps_to_its_change_kind(flight, retail_ops, rep, change_type, change_kind):
    application = approved_application(
        participant=rep, ar=rep.people["ar"], reviewer=retail_ops, kind=ApplicationKind.REVISION, changes=(change_type,)
    )
    [enrollment] = enrollment_from_application(actor=retail_ops, application=application, flight=flight)
    assert (enrollment.participant_kind, enrollment.change_kind) == (ParticipantKind.CURRENT, change_kind)


def test_a_revision_not_approved_is_refused(flight, retail_ops, rep):
    from registration.services import application_start

    application = application_start(
        actor=rep.people["ar"], participant=rep, kind=ApplicationKind.REVISION, change_types=[ChangeType.ADD_TERRITORY]
    )

    with pytest.raises(DomainError, match=rf"{application.reference} is not approved yet"):
        enrollment_from_application(actor=retail_ops, application=application, flight=flight)
    assert not Enrollment.objects.exists()


def test_a_revision_that_needs_no_testing_is_refused(flight, retail_ops, rep):
    application = approved_application(
        participant=rep,
        ar=rep.people["ar"],
        reviewer=retail_ops,
        kind=ApplicationKind.REVISION,
        changes=(ChangeType.CONTACTS, ChangeType.NAME),
        new_legal_name="Bluebonnet Energy Retail LLC",
    )
    assert not application.requires_testing

    with pytest.raises(DomainError, match=rf"{application.reference} changes nothing that needs market testing"):
        enrollment_from_application(actor=retail_ops, application=application, flight=flight)
    assert not Enrollment.objects.exists()


def test_enrollment_from_a_revision_is_all_or_nothing(flight, retail_ops, rep):
    """If one change cannot be enrolled (here: banking already is), none of the revision's changes are."""
    enrollment_create(
        actor=retail_ops,
        flight=flight,
        participant=rep,
        participant_kind=ParticipantKind.CURRENT,
        change_kind=ChangeKind.BANKING,
        today=timezone.localdate(),
    )
    application = approved_application(
        participant=rep,
        ar=rep.people["ar"],
        reviewer=retail_ops,
        kind=ApplicationKind.REVISION,
        changes=(ChangeType.ADD_TERRITORY, ChangeType.BANKING),
    )

    with pytest.raises(DomainError, match="already enrolled"):
        enrollment_from_application(actor=retail_ops, application=application, flight=flight)
    assert list(Enrollment.objects.filter(participant=rep).values_list("change_kind", flat=True)) == [
        ChangeKind.BANKING
    ]


def test_enrollment_from_an_application_after_the_deadline_needs_the_administrators_reason(
    flight_admin, retail_ops, rep
):
    # Starts today; both deadlines were yesterday.
    past = FlightFactory(actor=flight_admin, start_date=timezone.localdate(), application_days=1, registration_days=1)
    application = approved_application(
        participant=rep,
        ar=rep.people["ar"],
        reviewer=retail_ops,
        kind=ApplicationKind.REVISION,
        changes=(ChangeType.NEW_FUNCTIONALITY,),
    )

    with pytest.raises(DomainError, match="Enrollment is closed"):
        enrollment_from_application(actor=retail_ops, application=application, flight=past)
    [enrollment] = enrollment_from_application(
        actor=flight_admin, application=application, flight=past, override_reason="Testing slot freed up."
    )
    assert enrollment.late_override_reason == "Testing slot freed up."


def test_only_the_groups_that_enroll_may_enroll_at_all(flight, rep):
    with pytest.raises(DomainError, match="Flight Administrator and Retail Operations"):
        enroll(StaffFactory(groups=[StaffGroup.ACCOUNT_MANAGER]), flight, rep, today=flight.application_deadline)
    assert not Enrollment.objects.exists()
