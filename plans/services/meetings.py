"""Meetings with the MP.

Invitations carry an iCalendar object (see :mod:`.calendar_invites`) keyed by meeting, attendee, SEQUENCE and
METHOD, so a retried task never sends twice while an update (a higher SEQUENCE) reaches everyone again.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accounts.models import MarketParticipant, User
from ercot_services.core.audit import apply_changes, audit_record
from ercot_services.core.models import DomainError
from ercot_services.core.outbox import email_queue
from ercot_services.core.workflow import move_status

from ..error_codes import PlanErrorCode
from ..events import PlanEvent
from ..models import (
    MEETING_TRANSITIONS,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    PlanObjective,
)
from ..summary import refresh_plan_summary
from .calendar_invites import meeting_ics
from .common import (
    _check_person,
    _check_same_participant,
    _clean,
    _meeting_link,
    _render,
    _require_staff,
)

#: Meeting fields the attendees see in their calendar: changing one re-sends the invitation.
_MEETING_VISIBLE_FIELDS = ("title", "starts_at", "ends_at", "agenda", "location", "dial_in")


def _wanted_attendees(
    *, organizer: User, participant: MarketParticipant, attendees: Iterable[User], extra_emails: Iterable[str]
) -> dict[str, MeetingAttendee]:
    """Everyone to invite, keyed by lower-cased address; the organizer always attends."""
    wanted: dict[str, MeetingAttendee] = {}
    for user in [organizer, *attendees]:
        if user.pk != organizer.pk:
            _check_person(user, participant, "attendee")
        address = user.email.strip().lower()
        wanted.setdefault(
            address, MeetingAttendee(user=user, email=address, name=user.full_name, is_staff=user.is_staff)
        )
    for raw in extra_emails:
        address = (raw or "").strip().lower()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError as error:
            raise DomainError(f"“{raw}” is not an email address.", code=PlanErrorCode.INVALID_EMAIL) from error
        wanted.setdefault(address, MeetingAttendee(user=None, email=address, name="", is_staff=False))
    return wanted


def _send_invitations(meeting: Meeting, method: str, attendees: list[MeetingAttendee]) -> None:
    """One email per attendee with the iCalendar object; keyed by meeting, SEQUENCE, METHOD and address
    (the address last, so a long one truncated to the key's length never hides a new SEQUENCE)."""
    if not attendees:
        return
    calendar = meeting_ics(meeting, method=method, attendees=None if method == "REQUEST" else attendees)
    if method == "CANCEL":
        prefix, template = "Cancelled", "meeting_cancelled"
    elif meeting.sequence == 0:
        prefix, template = "Invitation", "meeting_invitation"
    else:
        prefix, template = "Updated invitation", "meeting_invitation"
    local_start = timezone.localtime(meeting.starts_at)
    subject = f"{prefix}: {meeting.title} @ {local_start:%a %b %d, %Y %I:%M %p %Z}"
    for attendee in attendees:
        email_queue(
            key=f"plans:meeting:{meeting.pk}:{meeting.sequence}:{method}:{attendee.email}",
            to=[attendee.email],
            subject=subject,
            body=_render(
                template,
                {
                    "meeting": meeting,
                    "attendee": attendee,
                    "updated": meeting.sequence > 0,
                    "removed": method == "CANCEL" and meeting.status != MeetingStatus.CANCELLED,
                    "starts_at": local_start,
                    "ends_at": timezone.localtime(meeting.ends_at),
                    "link": _meeting_link(meeting, for_staff=attendee.is_staff) if attendee.user_id else "",
                },
            ),
            calendar=calendar,
            calendar_method=method,
        )


def _check_times(starts_at: datetime.datetime, ends_at: datetime.datetime) -> None:
    if ends_at <= starts_at:
        raise DomainError("The meeting must end after it starts.", code=PlanErrorCode.INVALID_TIMES)


@dataclass(frozen=True)
class MeetingInput:
    """What a meeting says and who is invited: :func:`meeting_schedule` schedules one with it,
    :func:`meeting_update` replaces a scheduled meeting's with it. The staff form's cleaned data builds it.

    ``attendees`` are users (staff, or contacts of the MP); ``extra_emails`` are other addresses to invite. The
    organizer always attends.
    """

    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    agenda: str = ""
    location: str = ""
    dial_in: str = ""
    attendees: Iterable[User] = ()
    extra_emails: Iterable[str] = ()
    objective: PlanObjective | None = None

    def details(self) -> dict:
        """The meeting's own fields, as they are saved (text stripped)."""
        return {
            "title": self.title.strip(),
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            "agenda": self.agenda.strip(),
            "location": self.location.strip(),
            "dial_in": self.dial_in.strip(),
            "objective": self.objective,
        }


@transaction.atomic
def meeting_schedule(*, actor: User, participant: MarketParticipant, data: MeetingInput) -> Meeting:
    """Schedule a meeting organized by ``actor`` and email every attendee a METHOD:REQUEST invitation."""
    _require_staff(actor, "schedule meetings", "plans.add_meeting")
    _check_times(data.starts_at, data.ends_at)
    _check_same_participant(participant, objective=data.objective)
    wanted = _wanted_attendees(
        organizer=actor, participant=participant, attendees=data.attendees, extra_emails=data.extra_emails
    )
    meeting = Meeting(participant=participant, organizer=actor, **data.details())
    _clean(meeting)
    meeting.save()
    _add_attendees(meeting, wanted.values())
    audit_record(
        actor=actor,
        verb=PlanEvent.MEETING_SCHEDULED,
        target=meeting,
        changes={
            "starts_at": (None, data.starts_at),
            "ends_at": (None, data.ends_at),
            "attendees": (None, sorted(wanted)),
        },
    )
    _send_invitations(meeting, "REQUEST", list(meeting.attendees.all()))
    return meeting


def _add_attendees(meeting: Meeting, attendees: Iterable[MeetingAttendee]) -> None:
    attendees = list(attendees)
    for attendee in attendees:
        attendee.meeting = meeting
        _clean(attendee, exclude=["meeting"])
    MeetingAttendee.objects.bulk_create(attendees)


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("participant", "organizer").get(pk=meeting.pk)


def _lock_scheduled(meeting: Meeting) -> Meeting:
    meeting = _lock_meeting(meeting)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise DomainError(
            f"This meeting is {meeting.get_status_display().lower()}: it can no longer be changed.",
            code=PlanErrorCode.MEETING_CLOSED,
        )
    return meeting


@transaction.atomic
def meeting_update(*, actor: User, meeting: Meeting, data: MeetingInput) -> Meeting:
    """Change a scheduled meeting. When attendees see a difference the SEQUENCE goes one up, the current
    attendees receive the updated REQUEST and people taken off the list a CANCEL (same UID)."""
    _require_staff(actor, "change meetings", "plans.change_meeting")
    meeting = _lock_scheduled(meeting)
    _check_times(data.starts_at, data.ends_at)
    _check_same_participant(meeting.participant, objective=data.objective)
    wanted = _wanted_attendees(
        organizer=meeting.organizer,
        participant=meeting.participant,
        attendees=data.attendees,
        extra_emails=data.extra_emails,
    )
    current = {attendee.email.lower(): attendee for attendee in meeting.attendees.all()}
    removed = [current[address] for address in sorted(set(current) - set(wanted))]
    added = [wanted[address] for address in sorted(set(wanted) - set(current))]

    changes = apply_changes(meeting, data.details())
    if removed or added:
        changes["attendees"] = (sorted(current), sorted(wanted))
    if not changes:
        return meeting
    visible = bool(removed or added) or any(field in changes for field in _MEETING_VISIBLE_FIELDS)
    if visible:
        changes["sequence"] = (meeting.sequence, meeting.sequence + 1)
        meeting.sequence += 1
    _clean(meeting)
    meeting.save()
    refresh_plan_summary(meeting.participant_id)
    if removed:
        MeetingAttendee.objects.filter(pk__in=[attendee.pk for attendee in removed]).delete()
    _add_attendees(meeting, added)
    audit_record(actor=actor, verb=PlanEvent.MEETING_UPDATED, target=meeting, changes=changes)
    if visible:
        _send_invitations(meeting, "REQUEST", list(meeting.attendees.all()))
        _send_invitations(meeting, "CANCEL", removed)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a scheduled meeting: SEQUENCE one up and a METHOD:CANCEL to every attendee."""
    _require_staff(actor, "cancel meetings", "plans.change_meeting")
    if not reason.strip():
        raise DomainError(
            "Say why the meeting is cancelled: the attendees receive it.", code=PlanErrorCode.DESCRIPTION_REQUIRED
        )
    meeting = _lock_meeting(meeting)
    old = move_status(
        meeting,
        MeetingStatus.CANCELLED,
        transitions=MEETING_TRANSITIONS,
        statuses=MeetingStatus,
        subject="This meeting",
    )
    meeting.cancellation_reason = reason.strip()
    meeting.sequence += 1
    meeting.save()
    refresh_plan_summary(meeting.participant_id)
    audit_record(
        actor=actor,
        verb=PlanEvent.MEETING_CANCELLED,
        target=meeting,
        changes={"status": (old, meeting.status), "sequence": (meeting.sequence - 1, meeting.sequence)},
        reason=meeting.cancellation_reason,
    )
    _send_invitations(meeting, "CANCEL", list(meeting.attendees.all()))
    return meeting


@transaction.atomic
def meeting_record_minutes(*, actor: User, meeting: Meeting, minutes: str, share: bool = False) -> Meeting:
    """Record (or correct) the minutes; a scheduled meeting becomes held. ``share`` also shares them."""
    _require_staff(actor, "record meeting minutes", "plans.change_meeting")
    if not minutes.strip():
        raise DomainError("Write the minutes before saving them.", code=PlanErrorCode.MINUTES_REQUIRED)
    meeting = _lock_meeting(meeting)
    changes = {}
    if meeting.status != MeetingStatus.HELD:
        old = move_status(
            meeting, MeetingStatus.HELD, transitions=MEETING_TRANSITIONS, statuses=MeetingStatus, subject="This meeting"
        )
        changes["status"] = (old, MeetingStatus.HELD)
    if meeting.minutes != minutes.strip():
        changes["minutes"] = (meeting.minutes[:200], minutes.strip()[:200])
        meeting.minutes = minutes.strip()
    if changes:
        meeting.save()
        refresh_plan_summary(meeting.participant_id)
        audit_record(actor=actor, verb=PlanEvent.MEETING_MINUTES_RECORDED, target=meeting, changes=changes)
    if share:
        meeting = meeting_share_minutes(actor=actor, meeting=meeting)
    return meeting


@transaction.atomic
def meeting_share_minutes(*, actor: User, meeting: Meeting) -> Meeting:
    """Show the minutes in the MP's portal from now on and email its attendees a link to them."""
    _require_staff(actor, "share meeting minutes", "plans.change_meeting")
    meeting = _lock_meeting(meeting)
    if meeting.status != MeetingStatus.HELD or not meeting.minutes.strip():
        raise DomainError("Record the minutes of the meeting before sharing them.", code=PlanErrorCode.MINUTES_REQUIRED)
    old = meeting.minutes_shared_at
    meeting.minutes_shared_at = timezone.now()
    meeting.save(update_fields=["minutes_shared_at", "updated_at"])
    audit_record(
        actor=actor,
        verb=PlanEvent.MEETING_MINUTES_SHARED,
        target=meeting,
        changes={"minutes_shared_at": (old, meeting.minutes_shared_at)},
    )
    contacts = meeting.attendees.filter(is_staff=False, user__isnull=False).select_related("user")
    for attendee in contacts:
        email_queue(
            key=f"plans:meeting:{meeting.pk}:minutes:{meeting.minutes_shared_at:%Y%m%dT%H%M%S%f}:{attendee.email}",
            to=[attendee.email],
            subject=f"Minutes: {meeting.title} ({timezone.localtime(meeting.starts_at):%b %d, %Y})",
            body=_render(
                "minutes_shared",
                {"meeting": meeting, "attendee": attendee, "link": _meeting_link(meeting, for_staff=False)},
            ),
        )
    return meeting
