"""Meeting invitations through the whole stack: on-commit task → Redis → a real Celery worker → SMTP.

Each attendee receives one message carrying the iCalendar request; an update arrives again with the same UID
and a higher SEQUENCE; repeating the send task through the worker delivers nothing more.
"""

from __future__ import annotations

import email
import email.policy
import time

import pytest
from django.db import transaction
from icalendar import Calendar

from ercot_services.core.models import OutboundEmail
from ercot_services.core.tasks import send_outbound_email
from plans.services import MeetingInput, meeting_schedule, meeting_update
from tests.mail import WAIT_SECONDS

from .conftest import ct

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _calendar_event(envelope):
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar" and not p.get_filename()]
    calendar = Calendar.from_ical(part.get_content())
    [event] = list(calendar.walk("VEVENT"))
    return str(calendar["method"]), str(event["uid"]), int(event["sequence"])


def test_each_attendee_gets_the_invitation_once_and_the_update_with_a_higher_sequence(
    smtp_sink, celery_worker_thread, am, participant, contact, colleague
):
    with transaction.atomic():
        meeting = meeting_schedule(
            actor=am,
            participant=participant,
            data=MeetingInput(
                title="Quarterly account review",
                starts_at=ct(2026, 12, 8, 10),
                ends_at=ct(2026, 12, 8, 11),
                location="ERCOT Taylor, Room 204",
                attendees=[contact, colleague],
            ),
        )
    expected = sorted({am.email, contact.email, colleague.email})
    first = smtp_sink.wait_for(len(expected))
    assert len(first) == len(expected), f"invitations missing after {WAIT_SECONDS} s"
    time.sleep(1)  # a duplicate would arrive now
    assert sorted(rcpt for envelope in smtp_sink.envelopes for rcpt in envelope.rcpt_tos) == expected
    events = [_calendar_event(envelope) for envelope in smtp_sink.envelopes]
    assert {(method, sequence) for method, _, sequence in events} == {("REQUEST", 0)}
    assert {uid for _, uid, _ in events} == {f"{meeting.uid}@{events[0][1].split('@', 1)[1]}"}

    # The same send task again, through the broker and the worker: nothing more goes out.
    row = OutboundEmail.objects.exclude(calendar="").first()
    send_outbound_email.delay(email_id=row.pk).get(timeout=WAIT_SECONDS)
    time.sleep(0.5)
    assert len(smtp_sink.envelopes) == len(expected)

    with transaction.atomic():
        meeting_update(
            actor=am,
            meeting=meeting,
            data=MeetingInput(
                title=meeting.title,
                starts_at=ct(2026, 12, 8, 14),
                ends_at=ct(2026, 12, 8, 15),
                agenda="",
                location="ERCOT Taylor, Room 204",
                dial_in="",
                attendees=[contact, colleague],
            ),
        )
    updates = smtp_sink.wait_for(2 * len(expected))
    assert len(updates) == 2 * len(expected)
    time.sleep(1)
    later = [_calendar_event(envelope) for envelope in smtp_sink.envelopes[len(expected) :]]
    assert len(later) == len(expected)
    uids = {uid for _, uid, _ in later}
    assert uids == {_calendar_event(smtp_sink.envelopes[0])[1]}
    assert {(method, sequence) for method, _, sequence in later} == {("REQUEST", 1)}
