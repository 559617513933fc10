"""Platform tasks: generic email sending and housekeeping."""

from celery import shared_task
from django.core import management
from django.core.mail import EmailMultiAlternatives


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
