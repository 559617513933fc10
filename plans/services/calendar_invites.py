"""iCalendar (RFC 5545 / iTIP RFC 5546) invitations for plan meetings.

One meeting is one VEVENT whose UID never changes (``<meeting.uid>@<site host>``); every re-send carries
the meeting's current ``sequence``, so calendar clients replace the event they hold instead of adding a
second one. ``METHOD:REQUEST`` invites or updates, ``METHOD:CANCEL`` removes the event (for everyone when the
meeting is cancelled, or only for the attendees named in the object when they were taken off the list).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from ercot_services.core.site import site_host

from ..models import Meeting, MeetingAttendee, MeetingStatus

PRODID = "-//ERCOT Client Services//Plan Management//EN"
METHODS = ("REQUEST", "CANCEL")


def meeting_ics_uid(meeting: Meeting) -> str:
    """The RFC 5545 UID of the meeting: stable across updates and cancellation."""
    return f"{meeting.uid}@{site_host()}"


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def _address(email: str, name: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key.replace("_", "-").upper()] = vText(value)
    return address


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
    method = method.upper()
    if method not in METHODS:
        raise ValueError(f"Unsupported iTIP method {method!r}; use one of {', '.join(METHODS)}.")
    if attendees is None:
        attendees = meeting.attendees.all()
    organizer = meeting.organizer

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = Event()
    event.add("uid", meeting_ics_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", _utc(meeting.updated_at or timezone.now()))
    event.add("dtstart", _utc(meeting.starts_at))
    event.add("dtend", _utc(meeting.ends_at))
    event.add("summary", meeting.title)
    description = _description(meeting)
    if description:
        event.add("description", description)
    location = meeting.location.strip() or meeting.dial_in.strip()
    if location:
        event.add("location", location)
    cancelled = method == "CANCEL" or meeting.status == MeetingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(organizer.email, organizer.full_name), encode=0)
    for attendee in attendees:
        is_organizer = attendee.user_id == organizer.pk or attendee.email.lower() == organizer.email.lower()
        event.add(
            "attendee",
            _address(
                attendee.email,
                attendee.name,
                cutype="INDIVIDUAL",
                role="CHAIR" if is_organizer else "REQ-PARTICIPANT",
                partstat="NEEDS-ACTION",
                rsvp="TRUE",
            ),
            encode=0,
        )
    calendar.add_component(event)
    return calendar.to_ical()
