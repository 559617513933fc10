"""Enrolment: a seat while there is one, else the waitlist (first come, first promoted), under a row lock on the
session so two people taking the last seat at once get one seat and one waitlist place; cancellations free the
seat for the first waitlisted; attendance; reminders (idempotent); course recommendations."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import MarketParticipant, Membership, User
from cases.models import IssuePattern
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError

from ..error_codes import EducationErrorCode
from ..events import EducationEvent
from ..models import (
    Attendance,
    Course,
    CourseRecommendation,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    SessionStatus,
)
from ..policies import can_manage_courses, can_record_attendance, check_manage_courses
from .common import clean, operator_time
from .sessions import send_session_email

#: Reminders go out this long before a session starts.
REMINDER_AHEAD = datetime.timedelta(days=1)


def _lock_session(session: CourseSession) -> CourseSession:
    """The session row locked for this transaction: every seat decision on it is taken one at a time."""
    return (
        CourseSession.objects.select_for_update(of=("self",)).select_related("course", "instructor").get(pk=session.pk)
    )


def _check_enroller(actor: User, user: User, participant: MarketParticipant) -> None:
    if actor.pk != user.pk and not can_manage_courses(actor):
        raise DomainError(
            "Only the person themselves or their Account Manager can enrol someone.",
            code=EducationErrorCode.PERMISSION_DENIED,
        )
    if not Membership.objects.active().filter(user=user, participant=participant).exists():
        raise DomainError(
            f"{user.full_name or user.email} is not a contact of {participant.legal_name}.",
            code=EducationErrorCode.NOT_A_CONTACT,
        )


@transaction.atomic
def enrolment_enrol(*, actor: User, session: CourseSession, user: User, participant: MarketParticipant) -> Enrolment:
    """Enrol ``user`` (a contact of ``participant``) in ``session``: a seat if one is free, else the waitlist."""
    _check_enroller(actor, user, participant)
    session = _lock_session(session)
    now = timezone.now()
    if session.status != SessionStatus.SCHEDULED or session.starts_at <= now:
        raise DomainError(
            "This session is cancelled or has already started; choose another session.",
            code=EducationErrorCode.SESSION_NOT_OPEN,
        )
    if not session.course.is_published:
        raise DomainError("This course is not open for enrolment.", code=EducationErrorCode.COURSE_UNPUBLISHED)
    if now > session.enrolment_deadline and not can_manage_courses(actor):
        raise DomainError(
            f"Enrolment for this session closed on {operator_time(session.enrolment_deadline)}. "
            "Choose a later session or ask your Account Manager.",
            code=EducationErrorCode.ENROLMENT_CLOSED,
        )
    enrolment = Enrolment.objects.filter(session=session, user=user).first()
    if enrolment is not None and enrolment.status != EnrolmentStatus.CANCELLED:
        raise DomainError(
            f"{'You are' if actor.pk == user.pk else (user.full_name or user.email) + ' is'} already "
            f"{enrolment.get_status_display().lower()} for this session.",
            code=EducationErrorCode.ALREADY_ENROLLED,
        )
    seats_taken = session.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    status = EnrolmentStatus.ENROLLED if seats_taken < session.capacity else EnrolmentStatus.WAITLISTED
    if enrolment is None:
        enrolment = Enrolment(session=session, user=user)
    enrolment.participant = participant
    enrolment.status = status
    enrolment.queued_at = now
    enrolment.enrolled_by = actor
    enrolment.attendance = Attendance.UNKNOWN
    enrolment.completed_at = None
    clean(enrolment, exclude=["session", "user"])
    enrolment.save()
    enrolled = status == EnrolmentStatus.ENROLLED
    audit_record(
        actor=actor,
        verb=EducationEvent.ENROLLED if enrolled else EducationEvent.WAITLISTED,
        target=enrolment,
        changes={"status": (None, status), "user": (None, user.email)},
    )
    if enrolled:
        send_session_email(enrolment, template="enrolled", subject="Enrolled", method="REQUEST")
    else:
        send_session_email(enrolment, template="waitlisted", subject="Waitlisted")
    return enrolment


def promote_waitlisted(*, actor: User | None, session: CourseSession) -> list[Enrolment]:
    """Fill free seats from the waitlist in the order people joined it; each promoted person is emailed the
    invitation. Call inside a transaction holding the session's lock."""
    free = session.capacity - session.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    if free <= 0 or session.status != SessionStatus.SCHEDULED:
        return []
    promoted = list(session.enrolments.waitlist().select_related("user")[:free])
    for enrolment in promoted:
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.session = session
        enrolment.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            verb=EducationEvent.PROMOTED,
            target=enrolment,
            changes={"status": (EnrolmentStatus.WAITLISTED, EnrolmentStatus.ENROLLED)},
        )
        send_session_email(enrolment, template="promoted", subject="A seat is yours", method="REQUEST")
    return promoted


@transaction.atomic
def enrolment_cancel(*, actor: User, enrolment: Enrolment) -> Enrolment:
    """Cancel an enrolment or waitlist place (the person, a colleague at the MP's request goes through the AM);
    a freed seat goes to the first person on the waitlist."""
    session = _lock_session(enrolment.session)
    enrolment = Enrolment.objects.select_for_update(of=("self",)).select_related("user").get(pk=enrolment.pk)
    if actor.pk != enrolment.user_id and not can_manage_courses(actor):
        raise DomainError(
            "Only the person enrolled or their Account Manager can cancel this enrolment.",
            code=EducationErrorCode.PERMISSION_DENIED,
        )
    if enrolment.status == EnrolmentStatus.CANCELLED:
        raise DomainError("This enrolment is already cancelled.", code=EducationErrorCode.NOT_ACTIVE)
    if session.starts_at <= timezone.now():
        raise DomainError("The session has started; it can no longer be cancelled.", code=EducationErrorCode.NOT_ACTIVE)
    old = enrolment.status
    enrolment.status = EnrolmentStatus.CANCELLED
    enrolment.save(update_fields=["status", "updated_at"])
    enrolment.session = session
    audit_record(
        actor=actor,
        verb=EducationEvent.ENROLMENT_CANCELLED,
        target=enrolment,
        changes={"status": (old, enrolment.status)},
    )
    if old == EnrolmentStatus.ENROLLED:
        send_session_email(enrolment, template="enrolment_cancelled", subject="Enrolment cancelled", method="CANCEL")
    promote_waitlisted(actor=actor, session=session)
    return enrolment


@transaction.atomic
def attendance_record(*, actor: User, session: CourseSession, present: set[int]) -> int:
    """Mark each enrolled person present (the ids in ``present``) or absent; present people complete the course
    (their certificate becomes available). Returns how many changed."""
    session = _lock_session(session)
    if not can_record_attendance(actor, session):
        raise DomainError(
            "Only the session's instructor or staff who run training record attendance.",
            code=EducationErrorCode.PERMISSION_DENIED,
        )
    if session.starts_at > timezone.now():
        raise DomainError(
            f"Attendance is recorded once the session has started ({operator_time(session.starts_at)}).",
            code=EducationErrorCode.NOT_STARTED,
        )
    changed = 0
    now = timezone.now()
    for enrolment in session.enrolments.filter(status=EnrolmentStatus.ENROLLED):
        attendance = Attendance.PRESENT if enrolment.pk in present else Attendance.ABSENT
        if enrolment.attendance == attendance:
            continue
        old = enrolment.attendance
        enrolment.attendance = attendance
        enrolment.completed_at = now if attendance == Attendance.PRESENT else None
        enrolment.save(update_fields=["attendance", "completed_at", "updated_at"])
        audit_record(
            actor=actor,
            verb=EducationEvent.ATTENDANCE_RECORDED,
            target=enrolment,
            changes={"attendance": (old, attendance)},
        )
        changed += 1
    return changed


def enrolment_send_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind everyone enrolled in a session starting within ``REMINDER_AHEAD`` (once per session version: the
    email's outbox key and ``reminded_sequence`` both make a second run send nothing)."""
    now = now or timezone.now()
    due = (
        Enrolment.objects.filter(
            status=EnrolmentStatus.ENROLLED,
            session__status=SessionStatus.SCHEDULED,
            session__starts_at__gt=now,
            session__starts_at__lte=now + REMINDER_AHEAD,
        )
        .exclude(reminded_sequence=F("session__sequence"))
        .select_related("session__course", "session__instructor", "user")
    )
    sent = 0
    for enrolment in due:
        with transaction.atomic():
            send_session_email(enrolment, template="reminder", subject="Reminder", method="REQUEST")
            enrolment.reminded_sequence = enrolment.session.sequence
            enrolment.save(update_fields=["reminded_sequence"])
        sent += 1
    return sent


@transaction.atomic
def recommendation_record(
    *,
    actor: User,
    participant: MarketParticipant,
    course: Course,
    reason: str = "",
    pattern: IssuePattern | None = None,
) -> CourseRecommendation:
    """Recommend ``course`` to ``participant`` (again: the reason and pattern are updated)."""
    check_manage_courses(actor, "Only Account Managers and the Lead recommend courses to an MP.")
    if pattern is not None and pattern.participant_id != participant.pk:
        raise DomainError("The issue pattern is of another Market Participant.", code=EducationErrorCode.INVALID)
    recommendation, created = CourseRecommendation.objects.update_or_create(
        participant=participant,
        course=course,
        defaults={"reason": (reason or "").strip()[:300], "pattern": pattern, "recommended_by": actor},
    )
    audit_record(
        actor=actor,
        verb=EducationEvent.RECOMMENDED,
        target=recommendation,
        changes={"course": (None, course.title), "pattern": (None, str(pattern) if pattern else "")},
        reason=reason,
    )
    return recommendation
