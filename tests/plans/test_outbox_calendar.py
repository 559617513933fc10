"""The outbox carries calendar invitations: stored with the row, attached as clients expect, sent once per key."""

import email

import pytest

from ercot_services.core.models import OutboundEmail
from ercot_services.core.outbox import email_queue
from ercot_services.core.tasks import send_outbound_email

pytestmark = pytest.mark.django_db

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:CANCEL\r\nBEGIN:VEVENT\r\nUID:x@example\r\nSUMMARY:Caf\xc3\xa9 review\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"


def test_a_calendar_row_is_sent_with_an_alternative_and_an_ics_attachment(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        row = email_queue(
            key="plans:test:1",
            to=["ar@example.com"],
            subject="Cancelled",
            body="Cancelled.",
            calendar=ICS,
            calendar_method="cancel",
        )
        again = email_queue(
            key="plans:test:1", to=["ar@example.com"], subject="Cancelled", body="Cancelled.", calendar=ICS
        )

    assert again.pk == row.pk
    row.refresh_from_db()
    assert (row.calendar_method, row.status) == ("CANCEL", OutboundEmail.Status.SENT)
    assert "Café review" in row.calendar
    assert len(mailoutbox) == 1
    parsed = email.message_from_bytes(mailoutbox[0].message().as_bytes())
    parts = {part.get_content_type(): part for part in parsed.walk() if not part.is_multipart()}
    assert set(parts) == {"text/plain", "text/calendar"}
    calendars = [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]
    assert len(calendars) == 2
    inline, attached = calendars
    assert inline.get_param("method") == "CANCEL" and inline.get_filename() is None
    assert attached.get_param("method") == "CANCEL" and attached.get_filename() == "invite.ics"
    for part in calendars:
        assert "Café review" in part.get_payload(decode=True).decode("utf-8")
    assert send_outbound_email(email_id=row.pk) is False
    assert len(mailoutbox) == 1


def test_a_plain_row_has_no_calendar(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        row = email_queue(
            key="plans:test:2", to=["ar@example.com"], subject="Hello", body="Body", calendar_method="REQUEST"
        )
    assert (row.calendar, row.calendar_method) == ("", "")
    assert mailoutbox[0].alternatives == [] and mailoutbox[0].attachments == []
