"""Reminding the reviewer once when an application's review is about to run out."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.selectors import current_manager
from ercot_services.core.calendar import business_calendar
from ercot_services.core.outbox import email_queue

from ..models import Application, ApplicationStatus


def application_send_reminders(*, today: datetime.date | None = None, at_risk_days: int = 2) -> int:
    """Email the reviewer (or the AM) once when an open application's review is due within ``at_risk_days``."""
    today = today or timezone.localdate()
    calendar = business_calendar()
    sent = 0
    candidates = Application.objects.filter(
        status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW, ApplicationStatus.RESUBMITTED],
        paused_on__isnull=True,
        reminder_sent_on__isnull=True,
        due_on__isnull=False,
    ).select_related("participant", "reviewer")
    for application in candidates:
        if calendar.business_days_between(today, application.due_on) > at_risk_days:
            continue
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            if locked.reminder_sent_on:
                continue
            manager = current_manager(application.participant)
            to = (
                application.reviewer.email
                if application.reviewer
                else (manager.email if manager else settings.SERVICE_DESK_EMAIL)
            )
            body = render_to_string(
                "emails/registration/reminder.txt",
                {"application": application, "link": settings.SITE_URL + application.get_absolute_url()},
            )
            email_queue(
                key=f"registration:{application.reference}:reminder:{application.due_on:%Y-%m-%d}",
                to=[to],
                subject=f"[{application.reference}] Review due {application.due_on:%b %d, %Y}",
                body=body,
            )
            locked.reminder_sent_on = today
            locked.save(update_fields=["reminder_sent_on"])
            sent += 1
    return sent
