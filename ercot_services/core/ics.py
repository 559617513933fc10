"""iCalendar (RFC 5545 / iTIP RFC 5546) invitations: the machinery plan meetings and course sessions share.

One event is one VEVENT whose UID never changes (``<uuid>@<site host>``); every re-send carries the event's current
SEQUENCE, so calendar clients replace the event they hold instead of adding a second one. ``METHOD:REQUEST`` invites
or updates, ``METHOD:CANCEL`` removes the event. The apps describe their event as an :class:`IcsEvent` and send the
bytes through the outbox (``core.outbox.email_queue(calendar=..., calendar_method=...)``).
"""

from __future__ import annotations

import dataclasses
import datetime

from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .site import site_host

METHODS = ("REQUEST", "CANCEL")


@dataclasses.dataclass(frozen=True)
class IcsPerson:
    email: str
    name: str = ""
    role: str = "REQ-PARTICIPANT"  # CHAIR for the organizer among the attendees


@dataclasses.dataclass(frozen=True)
class IcsEvent:
    """What a calendar shows of one meeting or session."""

    uid: str
    sequence: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    summary: str
    organizer: IcsPerson
    attendees: tuple[IcsPerson, ...] = ()
    description: str = ""
    location: str = ""
    cancelled: bool = False
    stamp: datetime.datetime | None = None


def ics_uid(uid) -> str:
    """The RFC 5545 UID of an object with a UUID: stable across updates and cancellation."""
    return f"{uid}@{site_host()}"


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def _address(person: IcsPerson, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = vText(person.name)
    for key, value in params.items():
        address.params[key.replace("_", "-").upper()] = vText(value)
    return address


def ics_calendar(event: IcsEvent, *, method: str = "REQUEST", prodid: str) -> bytes:
    """The event as an iCalendar object. ``STATUS`` is ``CANCELLED`` for a CANCEL or a cancelled event."""
    method = method.upper()
    if method not in METHODS:
        raise ValueError(f"Unsupported iTIP method {method!r}; use one of {', '.join(METHODS)}.")
    calendar = Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", _utc(event.stamp or timezone.now()))
    vevent.add("dtstart", _utc(event.starts_at))
    vevent.add("dtend", _utc(event.ends_at))
    vevent.add("summary", event.summary)
    if event.description:
        vevent.add("description", event.description)
    if event.location:
        vevent.add("location", event.location)
    cancelled = method == "CANCEL" or event.cancelled
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    vevent.add("organizer", _address(event.organizer), encode=0)
    for attendee in event.attendees:
        vevent.add(
            "attendee",
            _address(attendee, cutype="INDIVIDUAL", role=attendee.role, partstat="NEEDS-ACTION", rsvp="TRUE"),
            encode=0,
        )
    calendar.add_component(vevent)
    return calendar.to_ical()
