"""Course sessions: scheduling, changes that re-send the invitation with a higher SEQUENCE, and cancellation
(``METHOD:CANCEL``). The invitation is built by ``core.ics`` (the machinery plan meetings use too)."""

from __future__ import annotations

import dataclasses
import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from ercot_services.core.audit import apply_changes, audit_record
from ercot_services.core.ics import IcsEvent, IcsPerson, ics_calendar, ics_uid
from ercot_services.core.models import DomainError
from ercot_services.core.outbox import email_queue
from ercot_services.core.workflow import move_status

from ..error_codes import EducationErrorCode
from ..events import EducationEvent
from ..models import SESSION_TRANSITIONS, Course, CourseSession, Enrolment, EnrolmentStatus, SessionStatus
from ..policies import check_manage_courses
from .common import clean, operator_time, render_email, site_url

PRODID = "-//ERCOT Client Services//Market Education//EN"
#: What attendees see in their calendar: changing one re-sends the invitation with SEQUENCE + 1.
CALENDAR_FIELDS = ("starts_at", "ends_at", "location", "dial_in")


@dataclasses.dataclass(frozen=True)
class SessionInput:
    course: Course
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    enrolment_deadline: datetime.datetime
    instructor: User
    location: str = ""
    dial_in: str = ""

    def details(self) -> dict:
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}


def session_ics(session: CourseSession, *, method: str = "REQUEST", attendee: User | None = None) -> bytes:
    """The session as an iCalendar object for one attendee (or none): stable UID, the session's SEQUENCE."""
    instructor = session.instructor
    description = session.course.summary
    if session.dial_in.strip():
        description += "\n\nDial-in / meeting link: " + session.dial_in.strip()
    if session.is_cancelled and session.cancellation_reason.strip():
        description = "Cancelled: " + session.cancellation_reason.strip() + "\n\n" + description
    event = IcsEvent(
        uid=ics_uid(session.uid),
        sequence=session.sequence,
        stamp=session.updated_at,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=session.course.title,
        description=description,
        location=session.location.strip() or session.dial_in.strip(),
        cancelled=session.is_cancelled,
        organizer=IcsPerson(email=instructor.email, name=instructor.full_name),
        attendees=(IcsPerson(email=attendee.email, name=attendee.full_name),) if attendee else (),
    )
    return ics_calendar(event, method=method, prodid=PRODID)


def send_session_email(enrolment: Enrolment, *, template: str, subject: str, method: str | None = None) -> None:
    """One email about ``enrolment`` through the outbox, with the invitation when ``method`` is given; keyed by
    enrolment, template and SEQUENCE, so a retry sends nothing twice and a new version reaches the person again."""
    session = enrolment.session
    calendar = session_ics(session, method=method, attendee=enrolment.user) if method else None
    email_queue(
        key=f"education:{template}:{enrolment.pk}:{session.sequence}:{enrolment.status}",
        to=[enrolment.user.email],
        subject=f"{subject}: {session.course.title} @ {operator_time(session.starts_at)}",
        body=render_email(
            template,
            {
                "enrolment": enrolment,
                "session": session,
                "course": session.course,
                "starts_at": timezone.localtime(session.starts_at),
                "ends_at": timezone.localtime(session.ends_at),
                "link": site_url("portal:education"),
            },
        ),
        calendar=calendar,
        calendar_method=method or "",
    )


def _check_times(starts_at, ends_at, deadline) -> None:
    if ends_at <= starts_at:
        raise DomainError("The session must end after it starts.", code=EducationErrorCode.INVALID, fields={})
    if deadline > starts_at:
        raise DomainError(
            "The enrolment deadline must be before the session starts.", code=EducationErrorCode.INVALID, fields={}
        )


@transaction.atomic
def session_schedule(*, actor: User, data: SessionInput) -> CourseSession:
    check_manage_courses(actor)
    _check_times(data.starts_at, data.ends_at, data.enrolment_deadline)
    session = CourseSession(**data.details())
    clean(session)
    session.save()
    audit_record(
        actor=actor, verb=EducationEvent.SESSION_SCHEDULED, target=session, changes={"course": (None, str(data.course))}
    )
    return session


def _lock(session: CourseSession) -> CourseSession:
    return (
        CourseSession.objects.select_for_update(of=("self",)).select_related("course", "instructor").get(pk=session.pk)
    )


@transaction.atomic
def session_update(*, actor: User, session: CourseSession, data: SessionInput) -> CourseSession:
    """Change a session; a change of time or place re-sends everyone enrolled the invitation with SEQUENCE + 1.
    More seats promote the first people on the waitlist."""
    check_manage_courses(actor)
    session = _lock(session)
    if session.is_cancelled:
        raise DomainError("A cancelled session cannot be changed.", code=EducationErrorCode.SESSION_NOT_OPEN)
    _check_times(data.starts_at, data.ends_at, data.enrolment_deadline)
    values = data.details()
    values.pop("course")
    changes = apply_changes(session, values)
    if not changes:
        return session
    resend = any(field in changes for field in CALENDAR_FIELDS)
    if resend:
        changes["sequence"] = (session.sequence, session.sequence + 1)
        session.sequence += 1
    clean(session)
    session.save()
    audit_record(actor=actor, verb=EducationEvent.SESSION_UPDATED, target=session, changes=changes)
    from .enrolment import promote_waitlisted

    promote_waitlisted(actor=actor, session=session)
    if resend:
        for enrolment in session.enrolments.filter(status=EnrolmentStatus.ENROLLED).select_related("user"):
            enrolment.session = session
            send_session_email(enrolment, template="session_updated", subject="Updated", method="REQUEST")
    return session


@transaction.atomic
def session_cancel(*, actor: User, session: CourseSession, reason: str) -> CourseSession:
    """Cancel a session: SEQUENCE + 1 and a ``METHOD:CANCEL`` to everyone enrolled or waitlisted."""
    check_manage_courses(actor)
    session = _lock(session)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the session is cancelled: the attendees read it.", code=EducationErrorCode.INVALID)
    old = move_status(
        session,
        SessionStatus.CANCELLED,
        transitions=SESSION_TRANSITIONS,
        statuses=SessionStatus,
        subject="This session",
    )
    session.cancellation_reason = reason
    session.sequence += 1
    session.save()
    audit_record(
        actor=actor,
        verb=EducationEvent.SESSION_CANCELLED,
        target=session,
        changes={"status": (old, session.status), "sequence": (session.sequence - 1, session.sequence)},
        reason=reason,
    )
    for enrolment in session.enrolments.active().select_related("user"):
        enrolment.session = session
        send_session_email(
            enrolment,
            template="session_cancelled",
            subject="Cancelled",
            method="CANCEL" if enrolment.status == EnrolmentStatus.ENROLLED else None,
        )
    return session
