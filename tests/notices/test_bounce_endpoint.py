import json

import pytest

from notices.models import Suppression

pytestmark = pytest.mark.django_db

DSN = b"""From: MAILER-DAEMON@mx.example
To: notices@ercot.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.
--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example

Final-Recipient: rfc822; gone@bank.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

Final-Recipient: rfc822; busy@bank.example
Action: delayed
Status: 4.2.2

--B--
"""


def test_the_endpoint_needs_the_token(client, settings):
    settings.NOTICE_BOUNCE_TOKEN = "s3cret"
    assert client.post("/notices/bounces/", DSN, content_type="message/rfc822").status_code == 401
    wrong = client.post("/notices/bounces/", DSN, content_type="message/rfc822", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 401
    settings.NOTICE_BOUNCE_TOKEN = ""
    disabled = client.post("/notices/bounces/", DSN, content_type="message/rfc822", HTTP_AUTHORIZATION="Bearer ")
    assert disabled.status_code == 401
    assert not Suppression.objects.exists()


def test_a_dsn_suppresses_the_hard_bounce_only(client, settings):
    settings.NOTICE_BOUNCE_TOKEN = "s3cret"
    response = client.post("/notices/bounces/", DSN, content_type="message/rfc822", HTTP_AUTHORIZATION="Bearer s3cret")
    assert response.status_code == 200
    assert response.json()["suppressed"] == ["gone@bank.example"]
    assert list(Suppression.objects.values_list("email", "reason")) == [("gone@bank.example", "hard_bounce")]


def test_json_events_and_bad_input(client, settings):
    settings.NOTICE_BOUNCE_TOKEN = "s3cret"
    events = [
        {"email": "Spam@Bank.example", "type": "complaint"},
        {"email": "later@bank.example", "type": "soft_bounce"},
    ]
    response = client.post(
        "/notices/bounces/", json.dumps(events), content_type="application/json", HTTP_AUTHORIZATION="Bearer s3cret"
    )
    assert response.status_code == 200
    assert Suppression.objects.get().email == "spam@bank.example"
    bad = client.post(
        "/notices/bounces/", b"{not json", content_type="application/json", HTTP_AUTHORIZATION="Bearer s3cret"
    )
    assert bad.status_code == 400
