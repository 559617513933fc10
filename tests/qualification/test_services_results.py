"""Testing results (seed 004): the Flight Administrator records completed or not, the trading partners and the
business functions, and hands the result to Retail Operations; the enrollment's status map."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.roles import StaffGroup
from ercot_services.core.models import AuditEvent, DomainError, OutboundEmail
from qualification.models import (
    ENROLLMENT_TRANSITIONS,
    ChangeKind,
    Enrollment,
    EnrollmentStatus,
    FlightResult,
    QualificationLetter,
)
from qualification.services import (
    enrollment_record_without_letter,
    enrollment_start_testing,
    enrollment_withdraw,
    result_record,
)
from tests.accounts.factories import StaffFactory

pytestmark = pytest.mark.django_db


def reload(enrollment) -> Enrollment:
    return Enrollment.objects.get(pk=enrollment.pk)


# --- recording ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "group", [StaffGroup.RETAIL_OPERATIONS, StaffGroup.CLIENT_SERVICES_LEAD, StaffGroup.SERVICE_DESK]
)
def test_only_a_flight_administrator_records_results(q, rep, oncor, functions, group):
    enrollment = q.enroll(rep)
    actor = StaffFactory(groups=[group])

    with pytest.raises(DomainError, match="Only a Flight Administrator records testing results"):
        result_record(
            actor=actor,
            enrollment=enrollment,
            completed=True,
            trading_partners=[oncor],
            business_functions=functions,
            tested_on=timezone.localdate(),
        )
    assert not FlightResult.objects.exists()
    assert reload(enrollment).status == EnrollmentStatus.ENROLLED


def test_a_completed_result_records_partners_functions_date_and_notes(
    q, flight_admin, rep, oncor, centerpoint, functions
):
    enrollment = q.enroll(rep)

    result = q.complete(enrollment, [oncor, centerpoint])

    result = FlightResult.objects.get(pk=result.pk)
    assert result.completed is True
    assert set(result.trading_partners.all()) == {oncor, centerpoint}
    assert list(result.business_functions.all()) == functions
    assert result.tested_on == timezone.localdate()
    assert result.notes == "All scripts passed."
    assert result.recorded_by == flight_admin
    assert result.handed_over_at is None
    assert reload(enrollment).status == EnrollmentStatus.TESTING
    event = AuditEvent.objects.for_object(enrollment).get(verb="enrollment.result_recorded")
    assert event.changes["completed"] == [None, True]
    assert event.changes["trading_partners"] == [None, ["CNP", "ONCOR"]]
    assert event.changes["business_functions"] == [None, sorted(f.name for f in functions)]


def test_a_completed_result_needs_trading_partners(q, rep, functions):
    enrollment = q.enroll(rep)
    with pytest.raises(DomainError, match="Name the trading partners the MP tested with"):
        q.complete(enrollment, [], functions)
    assert not FlightResult.objects.exists()


def test_a_completed_result_needs_business_functions(q, rep, oncor):
    enrollment = q.enroll(rep)
    with pytest.raises(DomainError, match="Name the business functions that were tested"):
        q.complete(enrollment, [oncor], [])
    assert not FlightResult.objects.exists()


def test_an_mp_is_not_its_own_trading_partner(q, rep, oncor):
    enrollment = q.enroll(rep)
    with pytest.raises(DomainError, match="cannot be its own trading partner"):
        q.complete(enrollment, [oncor, rep])
    assert not FlightResult.objects.exists()


def test_a_failed_result_sets_failed_and_can_be_recorded_again(q, rep, oncor, centerpoint, functions):
    enrollment = q.enroll(rep)

    q.fail(enrollment, [oncor])
    assert reload(enrollment).status == EnrollmentStatus.FAILED
    assert FlightResult.objects.get(enrollment=enrollment).completed is False

    # Failed again after a re-test: still one result, still failed.
    q.fail(enrollment, [centerpoint])
    assert reload(enrollment).status == EnrollmentStatus.FAILED
    assert list(FlightResult.objects.get(enrollment=enrollment).trading_partners.all()) == [centerpoint]

    # Then passed: the result is replaced, not added.
    q.complete(enrollment, [oncor, centerpoint])
    assert reload(enrollment).status == EnrollmentStatus.TESTING
    result = FlightResult.objects.get(enrollment=enrollment)
    assert result.completed is True
    assert set(result.trading_partners.all()) == {oncor, centerpoint}
    assert FlightResult.objects.count() == 1
    assert AuditEvent.objects.for_object(enrollment).filter(verb="enrollment.result_recorded").count() == 3


def test_results_cannot_change_after_the_hand_over(q, rep, oncor):
    enrollment = q.ready(rep, [oncor])
    with pytest.raises(
        DomainError, match="Results can no longer change: the enrollment is ready for retail operations"
    ):
        q.fail(enrollment, [oncor])
    assert FlightResult.objects.get(enrollment=enrollment).completed is True


# --- hand-over -------------------------------------------------------------------------------------


def test_hand_over_requires_a_result(q, rep):
    enrollment = enrollment_start_testing(actor=q.flight_admin, enrollment=q.enroll(rep))
    with pytest.raises(DomainError, match="Record a completed testing result before handing over"):
        q.hand_over(enrollment)
    assert reload(enrollment).status == EnrollmentStatus.TESTING


def test_hand_over_requires_a_completed_result(q, rep, oncor):
    enrollment = q.enroll(rep)
    q.fail(enrollment, [oncor])
    with pytest.raises(DomainError, match="Record a completed testing result before handing over"):
        q.hand_over(enrollment)
    assert reload(enrollment).status == EnrollmentStatus.FAILED


def test_hand_over_emails_retail_operations_once(
    q, rep, oncor, retail_ops, mailoutbox, django_capture_on_commit_callbacks
):
    second = StaffFactory(full_name="Raj Rao", email="raj.rao@ercot.example", groups=[StaffGroup.RETAIL_OPERATIONS])
    gone = StaffFactory(email="former.ro@ercot.example", groups=[StaffGroup.RETAIL_OPERATIONS])
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    StaffFactory(email="lead@ercot.example", groups=[StaffGroup.CLIENT_SERVICES_LEAD])
    enrollment = q.enroll(rep)
    q.complete(enrollment, [oncor])
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        handed = q.hand_over(enrollment)

    assert handed.status == EnrollmentStatus.HANDED_OVER
    assert FlightResult.objects.get(enrollment=enrollment).handed_over_at is not None
    [message] = mailoutbox
    assert sorted(message.to) == sorted([retail_ops.email, second.email])
    assert rep.short_name in message.subject and str(q.flight) in message.subject
    assert enrollment.get_absolute_url() in message.body
    assert AuditEvent.objects.for_object(enrollment).filter(verb="enrollment.handed_over").count() == 1

    # Handing over again is refused and emails no one.
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(DomainError, match="cannot become Ready for Retail Operations"):
            q.hand_over(enrollment)
    assert len(mailoutbox) == 1
    assert OutboundEmail.objects.filter(key=f"enrollment:{enrollment.pk}:handed_over").count() == 1


# --- the status map, through the services -----------------------------------------------------------

S = EnrollmentStatus


def _reach(q, status, participant, partners, change):
    """An enrollment in ``status``, brought there the way people do (a TESTING one has a completed result)."""
    enrollment = q.enroll(participant, change=change)
    if status == S.ENROLLED:
        return enrollment
    if status == S.WITHDRAWN:
        return enrollment_withdraw(actor=q.flight_admin, enrollment=enrollment, reason="The MP withdrew.")
    if status == S.FAILED:
        q.fail(enrollment, partners)
        return reload(enrollment)
    q.complete(enrollment, partners)
    if status == S.TESTING:
        return reload(enrollment)
    q.hand_over(enrollment)
    if status == S.LETTER_SENT:
        q.issue(enrollment)
    elif status == S.RECORDED:
        enrollment_record_without_letter(actor=q.retail_ops, enrollment=enrollment)
    enrollment = reload(enrollment)
    assert enrollment.status == status
    return enrollment


# The service that moves an enrollment to each status.
_DRIVERS = {
    S.TESTING: lambda q, e, partners: enrollment_start_testing(actor=q.flight_admin, enrollment=e),
    S.WITHDRAWN: lambda q, e, partners: enrollment_withdraw(actor=q.flight_admin, enrollment=e, reason="Withdrawn."),
    S.FAILED: lambda q, e, partners: q.fail(e, partners),
    S.HANDED_OVER: lambda q, e, partners: q.hand_over(e),
    S.LETTER_SENT: lambda q, e, partners: q.issue(e),
    S.RECORDED: lambda q, e, partners: enrollment_record_without_letter(actor=q.retail_ops, enrollment=e),
}

_PAIRS = [(frm, to) for frm in S.values for to in _DRIVERS if to != frm]


def test_every_status_has_a_driver_and_none_returns_to_enrolled():
    assert set(_DRIVERS) == set(S.values) - {S.ENROLLED}
    assert all(S.ENROLLED not in targets for targets in ENROLLMENT_TRANSITIONS.values())
    assert set(ENROLLMENT_TRANSITIONS) == set(S.values)


def _allowed(frm, to) -> bool:
    # Recording a result on an enrolled MP starts its testing first (enrolled → testing → failed).
    if frm == S.ENROLLED and to == S.FAILED:
        return True
    return to in ENROLLMENT_TRANSITIONS[frm]


@pytest.mark.parametrize("frm, to", _PAIRS, ids=[f"{f}->{t}" for f, t in _PAIRS])
def test_enrollment_transitions_follow_the_map(q, rep, oncor, frm, to):
    # Banking where the question is "recorded without a letter"; a letter-producing change otherwise.
    change = (
        ChangeKind.BANKING
        if frm == S.RECORDED or (to == S.RECORDED and frm != S.LETTER_SENT)
        else ChangeKind.NEW_TERRITORY
    )
    enrollment = _reach(q, frm, rep, [oncor], change)

    if _allowed(frm, to):
        _DRIVERS[to](q, enrollment, [oncor])
        assert reload(enrollment).status == to
    else:
        with pytest.raises(DomainError):
            _DRIVERS[to](q, enrollment, [oncor])
        assert reload(enrollment).status == frm
        if to == S.LETTER_SENT and frm != S.LETTER_SENT:
            assert not QualificationLetter.objects.exists()
