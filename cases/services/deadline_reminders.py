"""The daily dispute-deadline reminder: when a window on a statement whose charge type an MP disputed recently
closes in ``DISPUTE_REMINDER_BUSINESS_DAYS`` Business Days, one email to the MP's settlement contacts and to its
Account Manager listing those statements, their deadlines and the prefilled "file the same dispute" links. A day
the task did not run is caught up the next: a window with fewer Business Days left that was never reminded is
reminded then (not on its last day, when the portal's radar says "closes today").

Through the outbox (``DeadlineReminder`` rows, the ``dispute_deadline_reminder`` kind in ``cases.outbox``), queued
on commit. Idempotent: each statement window is reminded at most once per MP and address (the unique
``DeadlineReminderWindow``), so the task run again the same day, or retried, writes and sends nothing new.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountManagerAssignment, ContactRole, MarketParticipant, Membership, ParticipantStatus
from ercot_services.core.audit import audit_record
from ercot_services.core.calendar import BusinessCalendar, business_calendar
from ercot_services.core.outbox import outbox_is_suppressed

from ..events import CaseEvent
from ..models import DeadlineReminder, DeadlineReminderWindow, DisputeDetail
from ..selectors.radar import RadarWindow, open_windows, participant_radar, radar_offers, recent_operating_days


def reminder_recipients(participant: MarketParticipant) -> list[tuple[str, str, bool]]:
    """``(address, name, is_staff)``: the MP's active settlement contacts, then its current Account Manager."""
    recipients = []
    contacts = (
        Membership.objects.active()
        .filter(participant=participant, contact_role=ContactRole.SETTLEMENT, user__is_active=True)
        .select_related("user")
        .order_by("rank", "user__full_name")
    )
    recipients += [(m.user.email, m.user.full_name, False) for m in contacts]
    assignment = (
        AccountManagerAssignment.objects.with_active_manager()
        .filter(participant=participant)
        .select_related("account_manager__user")
        .first()
    )
    if assignment is not None:
        manager = assignment.account_manager
        recipients.append((manager.email or manager.user.email, manager.name, True))
    seen, unique = set(), []
    for address, name, is_staff in recipients:
        address = (address or "").strip().lower()
        if address and address not in seen:
            seen.add(address)
            unique.append((address, name, is_staff))
    return unique


def _email(participant, windows: list[RadarWindow], *, name: str, for_staff: bool) -> tuple[str, str]:
    offers = radar_offers(windows)
    base = settings.SITE_URL
    context = {
        "participant": participant,
        "windows": windows,
        "offers": [(offer, base + offer.url) for offer in offers],
        "recipient_name": name,
        "for_staff": for_staff,
        "radar_link": base
        + (
            reverse("workspace:participant-detail", args=[participant.pk]) + "#deadlines"
            if for_staff
            else reverse("portal:dispute-deadlines")
        ),
        "CLIENT_SERVICES_PHONE": settings.CLIENT_SERVICES_PHONE,
    }
    subject = render_to_string("emails/cases/deadline_reminder_subject.txt", context).strip()
    return subject[:255], render_to_string("emails/cases/deadline_reminder.txt", context)


def _queue_for_participant(participant, windows: list[RadarWindow], today: datetime.date) -> list[int]:
    """The reminder rows written for ``participant`` (none for the windows already reminded to an address)."""
    recipients = reminder_recipients(participant)
    if not recipients:
        return []
    with transaction.atomic():
        # One run at a time per MP: a second run waits here, then finds the windows reminded.
        MarketParticipant.objects.select_for_update().filter(pk=participant.pk).first()
        done = set(
            DeadlineReminderWindow.objects.filter(
                participant=participant, statement__in=[w.statement for w in windows]
            ).values_list("statement_id", "recipient")
        )
        written = []
        for address, name, for_staff in recipients:
            new = [w for w in windows if (w.statement.pk, address) not in done]
            if not new:
                continue
            subject, body = _email(participant, new, name=name, for_staff=for_staff)
            reminder = DeadlineReminder(participant=participant, recipient=address, subject=subject, body=body)
            reminder.full_clean()
            reminder.save()
            DeadlineReminderWindow.objects.bulk_create(
                DeadlineReminderWindow(
                    participant=participant,
                    statement=w.statement,
                    recipient=address,
                    reminder=reminder,
                    deadline=w.deadline,
                )
                for w in new
            )
            written.append(reminder.pk)
        if written:
            audit_record(
                actor=None,
                verb=CaseEvent.DISPUTE_DEADLINE_REMINDED,
                target=participant,
                changes={
                    "statements": (None, [str(w.statement) for w in windows]),
                    "reminders": (None, len(written)),
                },
                reason=f"Dispute windows closing in {settings.DISPUTE_REMINDER_BUSINESS_DAYS} Business Days",
            )
            from ercot_services.core.delivery import outbox_enqueue

            from ..tasks import send_deadline_reminder_emails

            ids = list(written)
            transaction.on_commit(lambda: outbox_enqueue(send_deadline_reminder_emails, reminder_ids=ids))
    return written


def dispute_deadline_reminders_queue(
    *, today: datetime.date | None = None, calendar: BusinessCalendar | None = None
) -> int:
    """Write (and queue on commit) today's reminders; returns how many emails were queued. Safe to run again."""
    if outbox_is_suppressed():
        return 0
    today = today or timezone.localdate()
    calendar = calendar or business_calendar()
    due = [
        w
        for w in open_windows(today=today, calendar=calendar)
        if 0 < w.business_days_left <= settings.DISPUTE_REMINDER_BUSINESS_DAYS
    ]
    if not due:
        return 0
    since = today - datetime.timedelta(days=recent_operating_days())
    participant_ids = (
        DisputeDetail.objects.filter(
            operating_day__range=(since, today),
            statement_type__in={w.statement_type for w in due},
            case__participant__isnull=False,
        )
        .values_list("case__participant_id", flat=True)
        .distinct()
    )
    participants = MarketParticipant.objects.filter(pk__in=participant_ids).exclude(status=ParticipantStatus.TERMINATED)
    queued = 0
    for participant in participants.order_by("pk"):
        radar = participant_radar(participant=participant, today=today, calendar=calendar, windows=due)
        if not radar.marked:
            continue
        try:
            queued += len(_queue_for_participant(participant, radar.marked, today))
        except IntegrityError:
            continue  # another run reminded the same windows at the same moment: it sends them
    return queued
