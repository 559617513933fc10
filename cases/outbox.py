"""Case emails as a kind of the outbox engine (core.delivery): one ``CaseNotification`` per event and recipient."""

from __future__ import annotations

import re

from django.core.mail import EmailMessage

from ercot_services.core.delivery import OutboxKind, outbox_enqueue, outbox_register
from ercot_services.core.site import site_host

from .models import CaseNotification, DeadlineReminder

_CASE_MESSAGE_ID = re.compile(r"^<case-(\d+)@([^<>\s]+)>$")


def case_email_message_id(pk: int) -> str:
    """The Message-ID of the case email in outbox row ``pk``: the same on every resend, so a reply's In-Reply-To or
    References leads back to the row and its case (``case_notification_pk``)."""
    return f"<case-{pk}@{site_host()}>"


def case_notification_pk(message_id: str) -> int | None:
    """The outbox row a Message-ID of ours names (``<case-123@our host>``), or None for anyone else's."""
    match = _CASE_MESSAGE_ID.match(message_id.strip())
    if match is None or match.group(2).lower() != site_host().lower():
        return None
    return int(match.group(1))


def case_email_message(row: CaseNotification) -> EmailMessage:
    """The email of one row; its Message-ID is the same on every resend of the row."""
    return EmailMessage(
        subject=row.subject,
        body=row.body,
        to=[row.recipient],
        headers={
            "Message-ID": case_email_message_id(row.pk),
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


# --- dispute-deadline reminders (cases.services.deadline_reminders) -----------------------------------------------


def deadline_reminder_message(row) -> EmailMessage:
    """The reminder email of one row; its Message-ID is the same on every resend of the row."""
    return EmailMessage(
        subject=row.subject,
        body=row.body,
        to=[row.recipient],
        headers={"Message-ID": f"<deadline-reminder-{row.pk}@{site_host()}>", "Auto-Submitted": "auto-generated"},
    )


def _requeue_reminders(rows) -> int:
    from .tasks import send_deadline_reminder_emails

    ids = sorted(rows.values_list("pk", flat=True))
    for start in range(0, len(ids), 100):
        if not outbox_enqueue(send_deadline_reminder_emails, reminder_ids=ids[start : start + 100]):
            return start // 100  # the broker is down: the next sweep
    return (len(ids) + 99) // 100


DEADLINE_REMINDERS = outbox_register(
    OutboxKind(
        name="dispute_deadline_reminder",
        model=DeadlineReminder,
        build=deadline_reminder_message,
        requeue=_requeue_reminders,
    )
)
