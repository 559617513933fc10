"""Celery tasks of the education app: session reminders (beat, idempotent)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="education.send_session_reminders")
def send_session_reminders() -> int:
    """Remind the people enrolled in sessions starting within a day; a second run sends nothing."""
    from .services import enrolment_send_reminders

    return enrolment_send_reminders()
