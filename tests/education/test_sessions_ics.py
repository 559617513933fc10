"""The session invitation: a stable UID, a SEQUENCE one higher on every change of time or place, METHOD:CANCEL
on cancellation (the iCalendar machinery of ``core.ics``, shared with plan meetings)."""

from __future__ import annotations

import datetime

import pytest
from icalendar import Calendar

from education.error_codes import EducationErrorCode
from education.models import EnrolmentStatus
from education.services import SessionInput, enrolment_enrol, session_cancel, session_update
from ercot_services.core.models import DomainError, OutboundEmail

pytestmark = pytest.mark.django_db


def _event(email: OutboundEmail):
    calendar = Calendar.from_ical(email.calendar)
    return calendar, calendar.walk("VEVENT")[0]


def _input(session, **changes) -> SessionInput:
    values = {
        "course": session.course,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "capacity": session.capacity,
        "enrolment_deadline": session.enrolment_deadline,
        "instructor": session.instructor,
        "location": session.location,
        "dial_in": session.dial_in,
    }
    return SessionInput(**(values | changes))


def _emails(user):
    return list(OutboundEmail.objects.filter(to=[user.email]).order_by("pk"))


def test_a_change_of_time_resends_with_a_higher_sequence_and_the_same_uid(session, mp_user, participant, staff_user):
    enrolment_enrol(actor=mp_user, session=session, user=mp_user, participant=participant)
    later = session.starts_at + datetime.timedelta(hours=1)
    session_update(
        actor=staff_user,
        session=session,
        data=_input(session, starts_at=later, ends_at=later + datetime.timedelta(hours=2)),
    )
    first, second = _emails(mp_user)
    (_, invite), (calendar, update) = _event(first), _event(second)
    assert str(invite["UID"]) == str(update["UID"])
    assert (int(invite["SEQUENCE"]), int(update["SEQUENCE"])) == (0, 1)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert update.decoded("DTSTART") == later.replace(microsecond=0)


def test_a_change_that_is_not_of_time_or_place_sends_nothing(session, mp_user, participant, staff_user):
    enrolment_enrol(actor=mp_user, session=session, user=mp_user, participant=participant)
    session_update(actor=staff_user, session=session, data=_input(session, capacity=session.capacity + 1))
    session.refresh_from_db()
    assert session.sequence == 0
    assert len(_emails(mp_user)) == 1


def test_more_seats_promote_the_waitlist(session, participant, staff_user):
    from tests.accounts.factories import MembershipFactory

    people = [MembershipFactory(participant=participant, secondary=True).user for _ in range(3)]
    enrolments = [enrolment_enrol(actor=p, session=session, user=p, participant=participant) for p in people]
    assert enrolments[2].status == EnrolmentStatus.WAITLISTED
    session_update(actor=staff_user, session=session, data=_input(session, capacity=3))
    enrolments[2].refresh_from_db()
    assert enrolments[2].status == EnrolmentStatus.ENROLLED


def test_cancelling_sends_method_cancel_with_the_next_sequence(session, mp_user, participant, staff_user):
    enrolment_enrol(actor=mp_user, session=session, user=mp_user, participant=participant)
    session_cancel(actor=staff_user, session=session, reason="The instructor is ill.")
    invite, cancellation = _emails(mp_user)
    (_, first), (calendar, cancelled) = _event(invite), _event(cancellation)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["UID"]) == str(first["UID"])
    assert int(cancelled["SEQUENCE"]) == 1
    with pytest.raises(DomainError) as again:
        enrolment_enrol(actor=mp_user, session=session, user=mp_user, participant=participant)
    assert again.value.code == EducationErrorCode.SESSION_NOT_OPEN


def test_only_staff_who_run_training_change_a_session(session, participant):
    from tests.accounts.factories import StaffFactory

    with pytest.raises(DomainError):
        session_cancel(actor=StaffFactory(groups=["Notice Publisher"]), session=session, reason="No.")
