"""Queue a transactional email: one outbox row per event key, sent by a task after commit."""

from __future__ import annotations

import contextlib
import threading

from django.db import transaction

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
) -> OutboundEmail | None:
    """Write the outbox row (unless this key was queued before) and send it once the transaction commits.

    ``calendar`` is an iCalendar object (``METHOD`` given as ``calendar_method``, e.g. ``REQUEST`` or
    ``CANCEL``) that the send task attaches the way calendar clients expect. Returns ``None`` (and writes
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
            "calendar": calendar or "",
            "calendar_method": calendar_method.upper() if calendar else "",
        },
    )
    if created:
        from .tasks import send_outbound_email

        # robust: the caller's work is committed; a broker or SMTP failure (eager mode) must not turn it into an
        # error. The row stays pending, with the attempt counted, for the retry.
        transaction.on_commit(lambda: send_outbound_email.delay(email_id=email.pk), robust=True)
    return email
