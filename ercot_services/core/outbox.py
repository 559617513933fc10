"""Queue a transactional email: one outbox row per event key, sent by a task after commit.

``OutboundEmail`` is the delivery table of every email that has no domain table of its own (registration
emails, invitations, reminders, password resets …); it is registered below as the ``email`` kind of the outbox
engine (``core.delivery``), which sends and marks its rows like every other kind.
"""

from __future__ import annotations

import contextlib
import threading
from email.mime.text import MIMEText

from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from .delivery import OutboxKind, outbox_enqueue, outbox_register
from .models import OutboundEmail

_suppressed = threading.local()


@contextlib.contextmanager
def outbox_suppressed():
    """Write history without emailing anyone (demo data, imports): :func:`email_queue` queues nothing."""
    previous = getattr(_suppressed, "active", False)
    _suppressed.active = True
    try:
        yield
    finally:
        _suppressed.active = previous


def outbox_is_suppressed() -> bool:
    """Inside :func:`outbox_suppressed` (every outbox of the project honours it, case emails too)."""
    return getattr(_suppressed, "active", False)


def email_queue(
    *,
    key: str,
    to: list[str],
    subject: str,
    body: str,
    cc: list[str] | None = None,
    calendar: bytes | str | None = None,
    calendar_method: str = "",
    html: str = "",
) -> OutboundEmail | None:
    """Write the outbox row (unless this key was queued before) and send it once the transaction commits.

    ``calendar`` is an iCalendar object (``METHOD`` given as ``calendar_method``, e.g. ``REQUEST`` or
    ``CANCEL``) that the send task attaches the way calendar clients expect; ``html`` an HTML alternative of
    the body. Returns ``None`` (and writes
    nothing) when there is no recipient or inside :func:`outbox_suppressed`.
    """
    to = sorted({address.strip().lower() for address in to if address})
    cc = sorted({address.strip().lower() for address in (cc or []) if address} - set(to))
    if not to or outbox_is_suppressed():
        return None
    if isinstance(calendar, bytes):
        calendar = calendar.decode("utf-8")
    email, created = OutboundEmail.objects.get_or_create(
        key=key[:200],
        defaults={
            "to": to,
            "cc": cc,
            "subject": subject[:255],
            "body": body,
            "html": html or "",
            "calendar": calendar or "",
            "calendar_method": calendar_method.upper() if calendar else "",
        },
    )
    if created:
        from .tasks import send_outbound_email

        # The caller's work is committed; a broker or SMTP failure (eager mode) must not turn it into an error. The
        # row stays pending for the task's retry or the sweep.
        transaction.on_commit(lambda: outbox_enqueue(send_outbound_email, email_id=email.pk))
    return email


def outbound_email_message(email: OutboundEmail) -> EmailMultiAlternatives:
    """The message of one ``OutboundEmail`` row (the ``email`` kind's builder)."""
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        to=email.to,
        cc=email.cc,
        headers={"Message-ID": email.message_id, "Auto-Submitted": "auto-generated"},
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    if email.calendar:
        _attach_calendar(message, email.calendar, email.calendar_method or "REQUEST")
    return message


def _attach_calendar(message: EmailMultiAlternatives, calendar: str, method: str) -> None:
    """Attach an invitation as calendar clients expect it: a ``text/calendar; method=...`` alternative of
    the text body (Outlook, Gmail and Apple Mail show accept/decline from it) plus the same object as
    ``invite.ics`` for clients that only look at attachments."""
    message.attach_alternative(calendar, f"text/calendar; method={method}")  # Django adds charset=utf-8
    part = MIMEText(calendar, "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    message.attach(part)


def _requeue(rows) -> int:
    from .tasks import send_outbound_email

    queued = 0
    for email_id in rows.values_list("pk", flat=True):
        if not outbox_enqueue(send_outbound_email, email_id=email_id):
            break  # the broker is down: the next sweep
        queued += 1
    return queued


outbox_register(OutboxKind(name="email", model=OutboundEmail, build=outbound_email_message, requeue=_requeue))
