"""Celery tasks of the accounts app: action item reminders."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="accounts.send_action_item_reminders")
def send_action_item_reminders(*, today: str | None = None) -> int:
    """Remind owners of action items due soon or overdue; each reminder goes out once (see the service)."""
    import datetime

    from .services import action_item_send_reminders

    return action_item_send_reminders(today=datetime.date.fromisoformat(today) if today else None)
