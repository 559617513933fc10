"""Platform tasks: generic email sending and housekeeping."""

import uuid

from celery import shared_task
from django.core import management

from .delivery import TASK_MAX_RETRIES, outbox_send, retry_countdown
from .delivery_recovery import outbox_sweep


@shared_task(name="ercot_services.core.tasks.ping")
def ping() -> str:
    """Answers 'pong': lets health checks and tests see a worker round trip."""
    return "pong"


@shared_task(name="ercot_services.core.tasks.send_email", bind=True)
def send_email(self, *, subject: str, body: str, to: list[str], html: str | None = None, from_email: str | None = None):
    """Kept for messages queued before every email had an outbox row: writes the row, which is then sent.

    ``from_email`` is not kept: outbox emails go from ``DEFAULT_FROM_EMAIL``. The row's key is the task's id, so a
    redelivered task writes no second row.
    """
    from .outbox import email_queue

    key = f"send_email:{self.request.id or uuid.uuid4()}"
    email_queue(key=key, to=to, subject=subject, body=body, html=html or "")


@shared_task(name="ercot_services.core.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    management.call_command("clearsessions")


@shared_task(name="ercot_services.core.tasks.send_outbound_email", bind=True, max_retries=TASK_MAX_RETRIES)
def send_outbound_email(self, *, email_id: int) -> bool:
    """Send one outbox row if it is still pending; a repeated or retried run sends nothing twice."""
    from .models import OutboundEmail

    report = outbox_send(kind="email", rows=OutboundEmail.objects.filter(pk=email_id))
    if report.retry:
        countdown = retry_countdown(self.request.retries, unreachable=report.unreachable)
        raise self.retry(exc=report.error, countdown=countdown)
    return report.sent == 1


@shared_task(name="ercot_services.core.tasks.sweep_outboxes", ignore_result=True)
def sweep_outboxes() -> dict[str, int]:
    """The one outbox sweep (beat): queue again the lost rows of every kind of email (``core.delivery``)."""
    return outbox_sweep()


@shared_task(name="ercot_services.core.tasks.sweep_outbound_email")
def sweep_outbound_email() -> int:
    """The sweep of the ``email`` kind only (the beat runs :func:`sweep_outboxes`; kept for queued tasks)."""
    return outbox_sweep(kinds=["email"])["email"]
