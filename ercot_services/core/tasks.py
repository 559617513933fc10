"""Platform tasks: generic email sending and housekeeping."""

import datetime
from email.mime.text import MIMEText

from celery import shared_task
from django.core import management
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone


@shared_task(name="ercot_services.core.tasks.ping")
def ping() -> str:
    """Answers 'pong': lets health checks and tests see a worker round trip."""
    return "pong"


@shared_task(
    name="ercot_services.core.tasks.send_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def send_email(*, subject: str, body: str, to: list[str], html: str | None = None, from_email: str | None = None):
    """Send one transactional message (password reset and similar, where no delivery row is kept)."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, from_email=from_email)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


@shared_task(name="ercot_services.core.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    management.call_command("clearsessions")


@shared_task(name="ercot_services.core.tasks.send_outbound_email", bind=True, max_retries=5, default_retry_delay=60)
def send_outbound_email(self, *, email_id: int) -> bool:
    """Send one outbox row if it is still pending; a repeated or retried run sends nothing twice."""
    from .models import OutboundEmail

    failure = None
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update(skip_locked=True).filter(pk=email_id).first()
        if email is None or email.status != OutboundEmail.Status.PENDING:
            return False
        email.attempts += 1
        try:
            message = EmailMultiAlternatives(
                subject=email.subject,
                body=email.body,
                to=email.to,
                cc=email.cc,
                headers={"Auto-Submitted": "auto-generated"},
            )
            if email.calendar:
                _attach_calendar(message, email.calendar, email.calendar_method or "REQUEST")
            message.send()
        except OSError as error:
            email.last_error = str(error)[:1000]
            if email.attempts > self.max_retries:
                email.status = OutboundEmail.Status.FAILED
            email.save(update_fields=["attempts", "last_error", "status"])
            failure = error if email.status == OutboundEmail.Status.PENDING else None
        else:
            email.status = OutboundEmail.Status.SENT
            email.sent_at = timezone.now()
            email.save(update_fields=["attempts", "status", "sent_at"])
            return True
    if failure is not None:
        raise self.retry(exc=failure)
    return False


def _attach_calendar(message: EmailMultiAlternatives, calendar: str, method: str) -> None:
    """Attach an invitation as calendar clients expect it: a ``text/calendar; method=...`` alternative of
    the text body (Outlook, Gmail and Apple Mail show accept/decline from it) plus the same object as
    ``invite.ics`` for clients that only look at attachments."""
    message.attach_alternative(calendar, f"text/calendar; method={method}")  # Django adds charset=utf-8
    part = MIMEText(calendar, "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    message.attach(part)


# Outbox rows still pending this long after they were written lost their task
# (a broker outage, a worker killed before it acknowledged): the sweeps queue them again.
STALE_AFTER = datetime.timedelta(minutes=10)


@shared_task(name="ercot_services.core.tasks.sweep_outbound_email")
def sweep_outbound_email() -> int:
    from .models import OutboundEmail

    stale = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.PENDING, created_at__lt=timezone.now() - STALE_AFTER
    ).values_list("pk", flat=True)[:500]
    for email_id in stale:
        send_outbound_email.delay(email_id=email_id)
    return len(stale)
