"""Bounce ingestion: DSNs (RFC 3464) and normalized events suppress hard bounces and complaints, not 4.x.x."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from notices.bounces import ingest_bounce_event, ingest_dsn
from notices.models import NoticeDelivery, Suppression

from .conftest import subscribe

# A Postfix-style DSN: one recipient failed permanently (5.1.1), another only delayed (4.4.1).
DSN = b"""\
Return-Path: <>
Received: by mx.example.net (Postfix) id 4VQ2k10x9Jz; Wed, 24 Apr 2024 10:14:03 -0500 (CDT)
Date: Wed, 24 Apr 2024 10:14:03 -0500 (CDT)
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: bounces@ercot.example
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4VQ2k10x9Jz.1713971643/mx.example.net"
Message-Id: <20240424151403.4VQ2k10x9Jz@mx.example.net>

This is a MIME-encapsulated message.

--4VQ2k10x9Jz.1713971643/mx.example.net
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.net.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<Gone.User@Example.com>: host mail.example.com[203.0.113.5] said: 550 5.1.1
    <gone.user@example.com>: Recipient address rejected: User unknown

--4VQ2k10x9Jz.1713971643/mx.example.net
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
X-Postfix-Queue-ID: 4VQ2k10x9Jz
X-Postfix-Sender: rfc822; bounces@ercot.example
Arrival-Date: Wed, 24 Apr 2024 10:13:59 -0500 (CDT)

Final-Recipient: rfc822; Gone.User@Example.com
Original-Recipient: rfc822;Gone.User@Example.com
Action: failed
Status: 5.1.1
Remote-MTA: dns; mail.example.com
Diagnostic-Code: smtp; 550 5.1.1 <gone.user@example.com>: Recipient address
    rejected: User unknown

Final-Recipient: rfc822; slow@example.org
Action: delayed
Status: 4.4.1
Diagnostic-Code: X-Postfix; connect to mx.example.org[198.51.100.7]:25: Connection timed out

--4VQ2k10x9Jz.1713971643/mx.example.net
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Return-Path: <bounces@ercot.example>
Message-ID: <notice-1-1@127.0.0.1>
Subject: M-A042424-01 Financial/Credit: Total potential exposure (TPE) calculations affected
From: ERCOT Client Services <clientservices@ercot.example>
To: Gone.User@Example.com

--4VQ2k10x9Jz.1713971643/mx.example.net--
"""


def test_dsn_hard_bounce_is_suppressed_and_transient_ignored(db):
    result = ingest_dsn(DSN)
    assert result.suppressed == ["gone.user@example.com"]
    assert result.ignored == ["slow@example.org"]
    suppression = Suppression.objects.get()
    assert suppression.email == "gone.user@example.com"
    assert suppression.reason == Suppression.Reason.HARD_BOUNCE
    assert "5.1.1" in suppression.detail and "User unknown" in suppression.detail


def test_dsn_with_crlf_line_endings(db):
    assert ingest_dsn(DSN.replace(b"\n", b"\r\n")).suppressed == ["gone.user@example.com"]


def test_not_a_dsn_is_refused(db):
    with pytest.raises(ValueError, match="delivery status"):
        ingest_dsn(b"From: a@example.com\nSubject: hello\n\nNot a report.\n")
    assert not Suppression.objects.exists()


def test_hard_bounce_stops_pending_deliveries_and_later_notices(
    publish, public_list, django_capture_on_commit_callbacks
):
    subscribe(public_list, "gone.user@example.com", "fine@example.com")
    with django_capture_on_commit_callbacks(execute=False):
        notice = publish(lists=[public_list])
    ingest_dsn(DSN)
    assert NoticeDelivery.objects.get(notice=notice, email="gone.user@example.com").status == "failed"
    following = publish(lists=[public_list])
    assert list(NoticeDelivery.objects.filter(notice=following).values_list("email", flat=True)) == ["fine@example.com"]


def test_normalized_events(db):
    assert ingest_bounce_event({"email": "Hard@Example.com", "type": "hard_bounce"}).suppressed == ["hard@example.com"]
    assert ingest_bounce_event({"email": "angry@example.com", "type": "complaint"}).suppressed == ["angry@example.com"]
    assert ingest_bounce_event({"email": "soft@example.com", "type": "soft_bounce"}).ignored == ["soft@example.com"]
    assert dict(Suppression.objects.values_list("email", "reason")) == {
        "hard@example.com": "hard_bounce",
        "angry@example.com": "complaint",
    }
    with pytest.raises(ValueError):
        ingest_bounce_event({"email": "x@example.com", "type": "mystery"})
    with pytest.raises(ValueError):
        ingest_bounce_event({"email": "not an address", "type": "hard_bounce"})


def test_command_reads_files_and_stdin(db, tmp_path, monkeypatch):
    dsn = tmp_path / "bounce.eml"
    dsn.write_bytes(DSN)
    events = tmp_path / "events.json"
    events.write_text(json.dumps([{"email": "c@example.com", "type": "complaint"}]))
    out = io.StringIO()
    call_command("ingest_bounces", str(dsn), str(events), stdout=out)
    assert "2 suppressed, 1 ignored, 0 unreadable." in out.getvalue()

    class Stdin(io.StringIO):
        buffer = io.BytesIO(b'{"email": "piped@example.com", "type": "hard_bounce"}\n')

    monkeypatch.setattr("sys.stdin", Stdin())
    out = io.StringIO()
    call_command("ingest_bounces", stdout=out)
    assert "suppressed piped@example.com" in out.getvalue()
    assert set(Suppression.objects.values_list("email", flat=True)) == {
        "gone.user@example.com",
        "c@example.com",
        "piped@example.com",
    }
