"""Queue a transactional email: one outbox row per event key, sent by a task after commit."""

from __future__ import annotations

from django.db import transaction

from .models import OutboundEmail


def email_queue(*, key: str, to: list[str], subject: str, body: str, cc: list[str] | None = None) -> OutboundEmail | None:
    """Write the outbox row (unless this key was queued before) and send it once the transaction commits."""
    to = sorted({address.strip().lower() for address in to if address})
    cc = sorted({address.strip().lower() for address in (cc or []) if address} - set(to))
    if not to:
        return None
    email, created = OutboundEmail.objects.get_or_create(
        key=key[:200], defaults={"to": to, "cc": cc, "subject": subject[:255], "body": body}
    )
    if created:
        from .tasks import send_outbound_email

        transaction.on_commit(lambda: send_outbound_email.delay(email_id=email.pk))
    return email
