"""Case emails through an outbox: rows written in the service's transaction, sent by a task after commit.

One row per (case, event, recipient) — the unique constraint makes writing it
twice harmless — and the task only sends rows still pending, so a repeated or
retried task never sends an email twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from accounts.models import User
from ercot_services.core.outbox import outbox_is_suppressed

from ..models import Case, CaseNotification, NotificationPreference

PREFERENCE_FIELD = {
    CaseNotification.Event.SUBMITTED: "on_submission",
    CaseNotification.Event.REPLY: "on_reply",
    CaseNotification.Event.STATUS: "on_status_change",
    CaseNotification.Event.AT_RISK: "on_at_risk",
}


def wants(user: User | None, event: str) -> bool:
    """Whether ``user`` accepts this kind of email (people without a row accept all)."""
    if user is None:
        return True
    field = PREFERENCE_FIELD.get(event)
    if field is None:
        return True
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference is None or getattr(preference, field)


def requester_recipients(case: Case) -> list[tuple[str, User | None, bool]]:
    """The requester, and the addresses copied on the case (the operator's teams: a staff link)."""
    copies = [(address, None, True) for address in case.cc_addresses]
    if case.submitted_by_id and not case.submitted_by.is_staff:
        return [(case.submitted_by.email, case.submitted_by, False), *copies]
    if case.contact_email:
        return [(case.contact_email, None, False), *copies]
    return copies


def assignee_recipients(case: Case, exclude: User | None = None) -> list[tuple[str, User | None, bool]]:
    if case.assignee_id and case.assignee != exclude:
        return [(case.assignee.email, case.assignee, True)]
    return []


def case_link(case: Case, *, for_staff: bool) -> str:
    return settings.SITE_URL + (case.get_absolute_url() if for_staff else case.get_portal_url())


def notify(
    *,
    case: Case,
    event: str,
    event_key: str,
    recipients: list[tuple[str, User | None, bool]],
    context: dict | None = None,
) -> int:
    """Queue one email per recipient ``(address, user or None, is_staff)``; returns how many were queued.

    The email body never contains internal notes: the templates only receive
    what the caller passes, and callers pass public content only.
    """
    if outbox_is_suppressed():
        return 0
    rows = []
    seen = set()
    copied = {address.lower() for address in case.cc_addresses}
    for address, user, for_staff in recipients:
        address = (address or "").strip().lower()
        if not address or address in seen or not wants(user, event):
            continue
        seen.add(address)
        ctx = {
            "case": case,
            "link": case_link(case, for_staff=for_staff),
            "for_staff": for_staff,
            "copied": address in copied,
            "recipient_name": user.full_name if user else "",
            "CLIENT_SERVICES_PHONE": settings.CLIENT_SERVICES_PHONE,
            **(context or {}),
        }
        subject = f"[{case.reference}] " + render_to_string(f"emails/cases/{event}_subject.txt", ctx).strip()
        body = render_to_string(f"emails/cases/{event}.txt", ctx)
        rows.append(
            CaseNotification(
                case=case, event=event, event_key=event_key, recipient=address, subject=subject[:255], body=body
            )
        )
    if not rows:
        return 0
    CaseNotification.objects.bulk_create(rows, ignore_conflicts=True)
    from ercot_services.core.delivery import outbox_enqueue

    from ..tasks import send_case_notifications

    # A broker that is down, or a failed eager send, is logged and its rows stay pending for the sweep; the
    # change the user made has committed and must not turn into an error page.
    transaction.on_commit(lambda: outbox_enqueue(send_case_notifications, case_id=case.pk, event_key=event_key))
    return len(rows)
