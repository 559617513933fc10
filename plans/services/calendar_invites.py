"""iCalendar (RFC 5545 / iTIP RFC 5546) invitations for plan meetings (built by ``core.ics``, shared with courses).

One meeting is one VEVENT whose UID never changes (``<meeting.uid>@<site host>``); every re-send carries
the meeting's current ``sequence``, so calendar clients replace the event they hold instead of adding a
second one. ``METHOD:REQUEST`` invites or updates, ``METHOD:CANCEL`` removes the event (for everyone when the
meeting is cancelled, or only for the attendees named in the object when they were taken off the list).
"""

from __future__ import annotations

from collections.abc import Iterable

from ercot_services.core.ics import IcsEvent, IcsPerson, ics_calendar, ics_uid

from ..models import Meeting, MeetingAttendee, MeetingStatus

PRODID = "-//ERCOT Client Services//Plan Management//EN"


def meeting_ics_uid(meeting: Meeting) -> str:
    """The RFC 5545 UID of the meeting: stable across updates and cancellation."""
    return ics_uid(meeting.uid)


def _description(meeting: Meeting) -> str:
    parts = []
    if meeting.agenda.strip():
        parts.append("Agenda:\n" + meeting.agenda.strip())
    if meeting.dial_in.strip():
        parts.append("Dial-in / meeting link: " + meeting.dial_in.strip())
    if meeting.status == MeetingStatus.CANCELLED and meeting.cancellation_reason.strip():
        parts.insert(0, "Cancelled: " + meeting.cancellation_reason.strip())
    return "\n\n".join(parts)


def meeting_ics(
    meeting: Meeting,
    *,
    method: str = "REQUEST",
    attendees: Iterable[MeetingAttendee] | None = None,
) -> bytes:
    """The meeting as an iCalendar object.

    ``attendees`` defaults to everyone invited now; a CANCEL sent to people removed from the meeting names
    only them. ``STATUS`` is ``CANCELLED`` for a CANCEL or a cancelled meeting, ``CONFIRMED`` otherwise.
    """
    if attendees is None:
        attendees = meeting.attendees.all()
    organizer = meeting.organizer
    people = tuple(
        IcsPerson(
            email=attendee.email,
            name=attendee.name,
            role="CHAIR"
            if attendee.user_id == organizer.pk or attendee.email.lower() == organizer.email.lower()
            else "REQ-PARTICIPANT",
        )
        for attendee in attendees
    )
    event = IcsEvent(
        uid=meeting_ics_uid(meeting),
        sequence=meeting.sequence,
        stamp=meeting.updated_at,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        summary=meeting.title,
        description=_description(meeting),
        location=meeting.location.strip() or meeting.dial_in.strip(),
        cancelled=meeting.status == MeetingStatus.CANCELLED,
        organizer=IcsPerson(email=organizer.email, name=organizer.full_name),
        attendees=people,
    )
    return ics_calendar(event, method=method, prodid=PRODID)
