"""Reading received email (ercot_services/core/mail_parsing.py): what is automatic, the text of a message."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from ercot_services.core.mail_parsing import (
    automatic_reason,
    body_text,
    html_to_text,
    is_delivery_status_report,
    parse_message,
    recipients,
)


def _message(**headers) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("From", "Pat <pat@mp.example>")
    message["To"] = "clientservices@ercot.example"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("Hello")
    return parse_message(message.as_bytes())


def test_a_person_s_message_is_not_automatic_even_with_auto_submitted_no():
    assert automatic_reason(_message()) == ""
    assert automatic_reason(_message(Auto_Submitted="no")) == ""


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-generated"},
        {"Auto_Submitted": "auto-replied (vacation)"},
        {"X_Autoreply": "yes"},
        {"X_Auto_Response_Suppress": "All"},
        {"Precedence": "junk"},
        {"List_Id": "<notice_general.ercot.example>"},
        {"From": "postmaster@mp.example"},
        {"From": "no-reply@vendor.example"},
        {"Return_Path": "<>"},
    ],
)
def test_automatic_mail_is_recognised(headers):
    assert automatic_reason(_message(**headers))


def test_a_delivery_status_notification_is_recognised_by_its_content_type():
    raw = (
        b"From: mailer@mx.example\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--B--\r\n"
    )
    message = parse_message(raw)
    assert is_delivery_status_report(message) and "bounce" in automatic_reason(message)


def test_html_becomes_text_without_scripts_styles_or_tags():
    text = html_to_text(
        "<style>b{}</style><h1>Title</h1><p>One&nbsp;&lt;two&gt;</p><script>evil()</script><ul><li>a</li></ul>"
    )
    assert text.split("\n\n")[0] == "Title"
    assert "evil" not in text and "b{}" not in text and "<two>" in text


def test_the_plain_part_wins_over_the_html_alternative():
    message = EmailMessage()
    message.set_content("plain words")
    message.add_alternative("<p>html words</p>", subtype="html")
    assert body_text(parse_message(message.as_bytes())) == "plain words"


def test_recipients_lists_every_delivery_header_lower_cased():
    message = _message(Cc="Desk <ServiceDesk@ercot.example>", Delivered_To="inbox@ercot.example")
    assert recipients(message) == ["clientservices@ercot.example", "servicedesk@ercot.example", "inbox@ercot.example"]
