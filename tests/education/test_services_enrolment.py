"""Enrolment: seats, the FIFO waitlist, the deadline, cancellations, attendance and reminders."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone
from icalendar import Calendar

from education.error_codes import EducationErrorCode
from education.events import EducationEvent
from education.models import Attendance, Enrolment, EnrolmentStatus
from education.services import (
    attendance_record,
    enrolment_cancel,
    enrolment_enrol,
    enrolment_send_reminders,
)
from ercot_services.core.models import AuditEvent, DomainError, OutboundEmail
from tests.accounts.factories import MembershipFactory, StaffFactory

from .factories import CourseSessionFactory


def _contact(participant):
    return MembershipFactory(participant=participant, secondary=True).user


def _enrol(session, user, participant, actor=None):
    return enrolment_enrol(actor=actor or user, session=session, user=user, participant=participant)


@pytest.mark.django_db
def test_a_free_seat_enrols_and_emails_the_invitation(
    session, mp_user, participant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        enrolment = _enrol(session, mp_user, participant)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    email = OutboundEmail.objects.get(to=[mp_user.email])
    assert email.calendar_method == "REQUEST"
    event = Calendar.from_ical(email.calendar).walk("VEVENT")[0]
    assert str(event["UID"]).startswith(str(session.uid))
    assert AuditEvent.objects.filter(verb=EducationEvent.ENROLLED).count() == 1


@pytest.mark.django_db
def test_a_full_session_waitlists_and_a_cancellation_promotes_the_first_waitlisted(session, participant):
    first, second, third, fourth = (_contact(participant) for _ in range(4))
    seat_one = _enrol(session, first, participant)
    _enrol(session, second, participant)
    waiting_first = _enrol(session, third, participant)
    waiting_second = _enrol(session, fourth, participant)
    assert [waiting_first.status, waiting_second.status] == [EnrolmentStatus.WAITLISTED] * 2

    enrolment_cancel(actor=first, enrolment=seat_one)

    statuses = dict(Enrolment.objects.values_list("user_id", "status"))
    assert statuses[first.pk] == EnrolmentStatus.CANCELLED
    assert statuses[third.pk] == EnrolmentStatus.ENROLLED  # joined the waitlist first
    assert statuses[fourth.pk] == EnrolmentStatus.WAITLISTED
    promoted_email = OutboundEmail.objects.get(to=[third.email], key__startswith="education:promoted")
    assert promoted_email.calendar_method == "REQUEST"
    assert OutboundEmail.objects.get(
        to=[first.email], key__startswith="education:enrolment_cancelled"
    ).calendar_method == ("CANCEL")


@pytest.mark.django_db
def test_enrolling_after_the_deadline_is_refused_with_the_date_in_operator_time(
    course, staff_user, mp_user, participant
):
    session = CourseSessionFactory(
        course=course,
        instructor=staff_user,
        enrolment_deadline=timezone.now() - datetime.timedelta(hours=1),
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    local = timezone.localtime(session.enrolment_deadline)
    with pytest.raises(DomainError) as refused:
        _enrol(session, mp_user, participant)
    assert refused.value.code == EducationErrorCode.ENROLMENT_CLOSED
    assert f"{local:%A, %B %d, %Y}" in str(refused.value)
    assert local.strftime("%Z") in str(refused.value)
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_enrolling_twice_is_refused_and_another_mps_user_cannot_be_enrolled_into_this_mp(
    session, mp_user, participant, other_mp_user, staff_user
):
    _enrol(session, mp_user, participant)
    with pytest.raises(DomainError) as twice:
        _enrol(session, mp_user, participant)
    assert twice.value.code == EducationErrorCode.ALREADY_ENROLLED
    with pytest.raises(DomainError) as foreign:
        _enrol(session, other_mp_user, participant, actor=staff_user)
    assert foreign.value.code == EducationErrorCode.NOT_A_CONTACT


@pytest.mark.django_db
def test_an_mp_user_cannot_enrol_a_colleague_but_the_am_can(session, mp_user, contact, participant, staff_user):
    with pytest.raises(DomainError) as refused:
        _enrol(session, contact, participant, actor=mp_user)
    assert refused.value.code == EducationErrorCode.PERMISSION_DENIED
    enrolment = _enrol(session, contact, participant, actor=staff_user)
    assert enrolment.enrolled_by == staff_user


@pytest.mark.django_db
def test_staff_of_another_group_cannot_record_attendance(session, mp_user, participant):
    _enrol(session, mp_user, participant)
    session.starts_at = timezone.now() - datetime.timedelta(hours=1)
    session.ends_at = timezone.now()
    session.enrolment_deadline = session.starts_at - datetime.timedelta(days=1)
    session.save()
    with pytest.raises(DomainError) as refused:
        attendance_record(actor=StaffFactory(groups=["Service Desk"]), session=session, present=set())
    assert refused.value.code == EducationErrorCode.PERMISSION_DENIED


@pytest.mark.django_db
def test_attendance_completes_the_present_and_waits_for_the_session_to_start(session, mp_user, contact, participant):
    mine = _enrol(session, mp_user, participant)
    theirs = _enrol(session, contact, participant)
    with pytest.raises(DomainError) as early:
        attendance_record(actor=session.instructor, session=session, present={mine.pk})
    assert early.value.code == EducationErrorCode.NOT_STARTED
    session.starts_at = timezone.now() - datetime.timedelta(hours=2)
    session.ends_at = timezone.now() - datetime.timedelta(hours=1)
    session.enrolment_deadline = session.starts_at - datetime.timedelta(days=1)
    session.save()
    assert attendance_record(actor=session.instructor, session=session, present={mine.pk}) == 2
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.attendance, mine.is_completed, mine.completed_at is not None) == (Attendance.PRESENT, True, True)
    assert (theirs.attendance, theirs.is_completed) == (Attendance.ABSENT, False)
    assert attendance_record(actor=session.instructor, session=session, present={mine.pk}) == 0


@pytest.mark.django_db
def test_reminders_go_once_to_people_enrolled_in_sessions_starting_within_a_day(
    course, staff_user, mp_user, participant
):
    soon = CourseSessionFactory(
        course=course,
        instructor=staff_user,
        starts_at=timezone.now() + datetime.timedelta(hours=20),
        enrolment_deadline=timezone.now() + datetime.timedelta(hours=10),
    )
    later = CourseSessionFactory(course=course, instructor=staff_user)
    _enrol(soon, mp_user, participant)
    _enrol(later, mp_user, participant)
    assert enrolment_send_reminders() == 1
    assert enrolment_send_reminders() == 0
    assert OutboundEmail.objects.filter(key__startswith="education:reminder").count() == 1


# --- the last seat under concurrency (PostgreSQL: two real connections) ----------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_taking_the_last_seat_at_once_get_one_seat_and_one_waitlist_place():
    from tests.accounts.factories import ParticipantFactory

    participant = ParticipantFactory(role_codes=["REP"])
    instructor = StaffFactory(groups=["Account Manager"])
    session = CourseSessionFactory(instructor=instructor, capacity=1)
    people = [_contact(participant) for _ in range(2)]
    results: dict[int, str] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run(index):
        try:
            barrier.wait(timeout=30)
            results[index] = _enrol(session, people[index], participant).status
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(results.values()) == [EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED]
    assert Enrolment.objects.filter(session=session, status=EnrolmentStatus.ENROLLED).count() == 1
