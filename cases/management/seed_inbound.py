"""Demo inbound email for ``seed_demo`` (part of the cases section): three messages through the same service the
maildir, IMAP and webhook sources use, so the admin's "Inbound messages" list shows each outcome: an email from an
MP contact that opened an inquiry, an out-of-office auto-reply that was ignored, and a prospect's email that opened a
potential-MP contact. Their Message-IDs are fixed: a second run records nothing new."""

from __future__ import annotations

import datetime
import email.utils
from email.message import EmailMessage

from django.conf import settings

from ..models import InboundSource
from ..services.inbound import inbound_message_receive


def _raw(*, number: int, sender: str, subject: str, body: str, sent: datetime.datetime, **headers) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = settings.CLIENT_SERVICES_EMAIL
    message["Subject"] = subject
    message["Message-ID"] = f"<demo-inbound-{number}@mail.demo.example>"
    message["Date"] = email.utils.format_datetime(sent)
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def seed_inbound(*, now: datetime.datetime, contact) -> int:
    """``contact``: an MP user of a registered MP (None leaves out the first two messages). Returns the cases
    opened."""
    messages = []
    if contact is not None:
        messages.append(
            _raw(
                number=1,
                sender=f"{contact.full_name} <{contact.email}>",
                subject="Question about the October invoice",
                body="Hello,\n\nOur October invoice shows an administrative fee we did not expect. Could you explain "
                "which charge type it belongs to?\n\nThank you",
                sent=now - datetime.timedelta(hours=3),
            )
        )
        messages.append(
            _raw(
                number=2,
                sender=f"{contact.full_name} <{contact.email}>",
                subject="Out of office: Question about the October invoice",
                body="I am out of the office until Monday.",
                sent=now - datetime.timedelta(hours=2, minutes=59),
                Auto_Submitted="auto-replied",
            )
        )
    messages.append(
        _raw(
            number=3,
            sender="Rosa Diaz <rosa.diaz@brazosbattery.example>",
            subject="Registering a storage Resource Entity",
            body="Hello,\n\nBrazos Battery LLC plans a 100 MW storage site near Freeport. Who can walk us through "
            "registering as a Resource Entity?\n\nRosa Diaz",
            sent=now - datetime.timedelta(hours=5),
        )
    )
    rows = [
        inbound_message_receive(raw=raw, source=InboundSource.MAILDIR, source_ref="demo", now=now) for raw in messages
    ]
    return sum(1 for row in rows if row.case_id)
