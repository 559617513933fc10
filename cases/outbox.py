"""Case emails as a kind of the outbox engine (core.delivery): one ``CaseNotification`` per event and recipient."""

from __future__ import annotations

from django.core.mail import EmailMessage

from ercot_services.core.delivery import OutboxKind, outbox_enqueue, outbox_register
from ercot_services.core.site import site_host

from .models import CaseNotification


def case_email_message(row: CaseNotification) -> EmailMessage:
    """The email of one row; its Message-ID is the same on every resend of the row."""
    return EmailMessage(
        subject=row.subject,
        body=row.body,
        to=[row.recipient],
        headers={
            "Message-ID": f"<case-{row.pk}@{site_host()}>",
            "Auto-Submitted": "auto-generated",
            "X-Case-Reference": row.case.reference,
        },
    )


def _requeue(rows) -> int:
    from .tasks import send_case_notifications

    queued = 0
    for case_id, event_key in sorted(set(rows.values_list("case_id", "event_key"))):
        if not outbox_enqueue(send_case_notifications, case_id=case_id, event_key=event_key):
            break  # the broker is down: the next sweep
        queued += 1
    return queued


CASE_EMAILS = outbox_register(
    OutboxKind(name="case_email", model=CaseNotification, build=case_email_message, requeue=_requeue)
)
