"""Meetings: iCalendar invitations (RFC 5545/5546) emailed once per attendee, re-sent on update, cancelled."""

import datetime

import pytest
from icalendar import Calendar

from ercot_services.core.models import AuditEvent, DomainError, OutboundEmail
from ercot_services.core.site import site_host
from ercot_services.core.tasks import send_outbound_email
from plans.models import MeetingAttendee, MeetingStatus
from plans.services import (
    MeetingInput,
    meeting_cancel,
    meeting_ics,
    meeting_record_minutes,
    meeting_schedule,
    meeting_share_minutes,
    meeting_update,
)
from tests.accounts.factories import MembershipFactory

from .conftest import ct

pytestmark = pytest.mark.django_db

START, END = ct(2026, 12, 8, 10), ct(2026, 12, 8, 11)


def _parse(data) -> tuple[Calendar, object]:
    calendar = Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    return calendar, events[0]


def _attendees(event) -> list[str]:
    values = event.get("attendee")
    values = values if isinstance(values, list) else [values]
    return sorted(str(value).removeprefix("mailto:") for value in values)


def _invitation_parts(message):
    """The text/calendar alternative and the invite.ics attachment of a sent message."""
    alternatives = [content for content, mimetype in message.alternatives if mimetype.startswith("text/calendar")]
    attachments = [
        part for part in message.attachments if getattr(part, "get_filename", lambda: None)() == "invite.ics"
    ]
    return alternatives, attachments


def _method(message) -> str:
    return next(mt for _, mt in message.alternatives if mt.startswith("text/calendar")).split("method=")[1]


@pytest.fixture
def schedule(am, participant, contact, colleague):
    def _schedule(*, actor=am, **overrides):
        values = {
            "title": "Quarterly account review",
            "starts_at": START,
            "ends_at": END,
            "agenda": "1. Open disputes\n2. Flight 0327 readiness",
            "location": "ERCOT Taylor, Room 204",
            "dial_in": "https://meet.ercot.example/j/123456",
            "attendees": [contact, colleague],
        }
        values.update(overrides)
        return meeting_schedule(actor=actor, participant=participant, data=MeetingInput(**values))

    return _schedule


def test_the_ics_is_a_request_with_a_stable_uid_utc_times_and_every_attendee(schedule, am, contact, colleague):
    meeting = schedule()

    calendar, event = _parse(meeting_ics(meeting))
    assert str(calendar["method"]) == "REQUEST"
    assert str(calendar["version"]) == "2.0"
    assert "ERCOT" in str(calendar["prodid"])
    assert str(event["uid"]) == f"{meeting.uid}@{site_host()}"
    assert event["sequence"] == 0
    assert event.decoded("dtstart") == START.astimezone(datetime.UTC)
    assert event.decoded("dtstart").utcoffset() == datetime.timedelta(0)
    assert event.decoded("dtend") == END.astimezone(datetime.UTC)
    assert b"DTSTART:20261208T160000Z" in meeting_ics(meeting)
    assert str(event["summary"]) == "Quarterly account review"
    assert "Flight 0327 readiness" in str(event["description"])
    assert "https://meet.ercot.example/j/123456" in str(event["description"])
    assert str(event["location"]) == "ERCOT Taylor, Room 204"
    assert str(event["status"]) == "CONFIRMED"
    assert "dtstamp" in event
    organizer = event["organizer"]
    assert str(organizer) == f"mailto:{am.email}"
    assert organizer.params["CN"] == am.full_name
    assert _attendees(event) == sorted([am.email, contact.email, colleague.email])
    for attendee in event.get("attendee"):
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "TRUE"
        assert attendee.params["ROLE"] in ("CHAIR", "REQ-PARTICIPANT")
        assert attendee.params["CN"]


def test_scheduling_emails_each_attendee_one_invitation_with_the_calendar_attached(
    schedule, am, contact, colleague, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule(extra_emails=["Outside.Counsel@Law.example", "casey@bluebonnet.example"])

    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [am.email, contact.email, colleague.email, "outside.counsel@law.example"]
    )
    assert all(len(m.to) == 1 for m in mailoutbox)
    message = next(m for m in mailoutbox if m.to == [contact.email])
    assert message.subject.startswith("Invitation: Quarterly account review")
    assert "Room 204" in message.body
    alternatives, attachments = _invitation_parts(message)
    assert len(alternatives) == 1 and len(attachments) == 1
    assert (
        next(mt for _, mt in message.alternatives if mt.startswith("text/calendar")) == "text/calendar; method=REQUEST"
    )
    raw = message.message().as_string()
    assert 'text/calendar; method="REQUEST"; charset="utf-8"' in raw
    assert 'filename="invite.ics"' in raw
    _, event = _parse(alternatives[0])
    assert str(event["uid"]) == f"{meeting.uid}@{site_host()}"

    # A retried send task sends nothing again.
    for row in OutboundEmail.objects.all():
        assert send_outbound_email(email_id=row.pk) is False
    assert len(mailoutbox) == 4
    assert MeetingAttendee.objects.filter(meeting=meeting).count() == 4
    assert AuditEvent.objects.filter(verb="meeting.scheduled", target_object_id=str(meeting.pk)).count() == 1


def test_an_update_resends_with_the_same_uid_and_a_higher_sequence_and_cancels_removed_attendees(
    schedule, am, contact, colleague, second_contact, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule()
    first_uid = str(_parse(meeting_ics(meeting))[1]["uid"])
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_update(
            actor=am,
            meeting=meeting,
            data=MeetingInput(
                title="Quarterly account review",
                starts_at=START + datetime.timedelta(hours=1),
                ends_at=END + datetime.timedelta(hours=1),
                agenda=meeting.agenda,
                location=meeting.location,
                dial_in=meeting.dial_in,
                attendees=[contact, second_contact],
            ),
        )

    assert meeting.sequence == 1
    requests = [m for m in mailoutbox if _method(m) == "REQUEST"]
    cancels = [m for m in mailoutbox if _method(m) == "CANCEL"]
    assert sorted(m.to[0] for m in requests) == sorted([am.email, contact.email, second_contact.email])
    assert [m.to[0] for m in cancels] == [colleague.email]
    assert requests[0].subject.startswith("Updated invitation:")

    _, event = _parse(_invitation_parts(requests[0])[0][0])
    assert str(event["uid"]) == first_uid
    assert event["sequence"] == 1
    assert event.decoded("dtstart") == (START + datetime.timedelta(hours=1)).astimezone(datetime.UTC)
    assert _attendees(event) == sorted([am.email, contact.email, second_contact.email])

    calendar, removed_event = _parse(_invitation_parts(cancels[0])[0][0])
    assert str(calendar["method"]) == "CANCEL"
    assert str(removed_event["uid"]) == first_uid
    assert removed_event["sequence"] == 1
    assert _attendees(removed_event) == [colleague.email]
    assert meeting.status == MeetingStatus.SCHEDULED


def test_an_update_nobody_sees_sends_nothing_and_keeps_the_sequence(
    schedule, am, contact, colleague, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_update(
            actor=am,
            meeting=meeting,
            data=MeetingInput(
                title=meeting.title,
                starts_at=START,
                ends_at=END,
                agenda=meeting.agenda,
                location=meeting.location,
                dial_in=meeting.dial_in,
                attendees=[colleague, contact],
            ),
        )
    assert meeting.sequence == 0
    assert mailoutbox == []


def test_cancelling_sends_cancel_to_everyone_with_a_higher_sequence(
    schedule, am, contact, colleague, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_cancel(actor=am, meeting=meeting, reason="The MP asked to move it to January.")

    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.sequence == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted([am.email, contact.email, colleague.email])
    message = mailoutbox[0]
    assert message.subject.startswith("Cancelled:")
    assert "move it to January" in message.body
    calendar, event = _parse(_invitation_parts(message)[0][0])
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert event["sequence"] == 1
    assert str(event["uid"]) == f"{meeting.uid}@{site_host()}"
    assert AuditEvent.objects.filter(verb="meeting.cancelled", target_object_id=str(meeting.pk)).exists()

    with pytest.raises(DomainError, match="cannot become Cancelled"):
        meeting_cancel(actor=am, meeting=meeting, reason="again")
    with pytest.raises(DomainError, match="can no longer be changed"):
        meeting_update(
            actor=am,
            meeting=meeting,
            data=MeetingInput(
                title="x", starts_at=START, ends_at=END, agenda="", location="", dial_in="", attendees=[]
            ),
        )


def test_attendees_must_be_staff_or_contacts_of_the_mp(schedule, other_mp_user, participant):
    with pytest.raises(DomainError, match="neither Client Services staff nor an active contact"):
        schedule(attendees=[other_mp_user])
    with pytest.raises(DomainError, match="not an email address"):
        schedule(extra_emails=["not-an-address"])
    with pytest.raises(DomainError, match="end after it starts"):
        schedule(ends_at=START)


def test_a_portal_user_cannot_schedule(schedule, contact):
    with pytest.raises(DomainError, match="Only Client Services staff"):
        schedule(actor=contact, attendees=[])


def test_minutes_make_the_meeting_held_and_sharing_emails_the_mp_attendees(
    schedule, am, contact, colleague, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule(starts_at=ct(2026, 1, 5, 10), ends_at=ct(2026, 1, 5, 11))
    mailoutbox.clear()
    with pytest.raises(DomainError, match="Record the minutes"):
        meeting_share_minutes(actor=am, meeting=meeting)

    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_record_minutes(actor=am, meeting=meeting, minutes="Agreed on a settlement training.")
    assert meeting.status == MeetingStatus.HELD
    assert meeting.minutes_shared_at is None
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_share_minutes(actor=am, meeting=meeting)
    assert meeting.minutes_shared_at is not None
    assert [m.to for m in mailoutbox] == [[contact.email]]
    assert f"/portal/meetings/{meeting.pk}/" in mailoutbox[0].body
    assert AuditEvent.objects.filter(verb="meeting.minutes_shared").count() == 1


def test_the_organizer_need_not_be_listed_and_is_chair(schedule, am):
    meeting = schedule(attendees=[])
    _, event = _parse(meeting_ics(meeting))
    attendee = event.get("attendee")
    attendee = attendee[0] if isinstance(attendee, list) else attendee
    assert str(attendee) == f"mailto:{am.email}"
    assert attendee.params["ROLE"] == "CHAIR"


def test_removed_contact_of_the_mp_stays_out(schedule, participant):
    former = MembershipFactory(participant=participant, contact_role="credit", is_active=False).user
    with pytest.raises(DomainError):
        schedule(attendees=[former])


def test_outbox_rows_are_keyed_by_meeting_sequence_method_and_attendee(
    schedule, am, contact, colleague, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule()
        meeting = meeting_update(
            actor=am,
            meeting=meeting,
            data=MeetingInput(
                title="Quarterly account review (moved)",
                starts_at=START,
                ends_at=END,
                agenda=meeting.agenda,
                location=meeting.location,
                dial_in=meeting.dial_in,
                attendees=[contact],
            ),
        )
        meeting = meeting_cancel(actor=am, meeting=meeting, reason="Moved to January")

    rows = OutboundEmail.objects.filter(key__startswith=f"plans:meeting:{meeting.pk}:")
    assert sorted(rows.values_list("key", "calendar_method", "status")) == sorted(
        [
            (f"plans:meeting:{meeting.pk}:0:REQUEST:{address}", "REQUEST", "sent")
            for address in (am.email, contact.email, colleague.email)
        ]
        + [
            (f"plans:meeting:{meeting.pk}:1:REQUEST:{address}", "REQUEST", "sent")
            for address in (am.email, contact.email)
        ]
        + [(f"plans:meeting:{meeting.pk}:1:CANCEL:{colleague.email}", "CANCEL", "sent")]
        + [
            (f"plans:meeting:{meeting.pk}:2:CANCEL:{address}", "CANCEL", "sent")
            for address in (am.email, contact.email)
        ]
    )
