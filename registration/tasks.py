from celery import shared_task


@shared_task(name="registration.send_review_reminders")
def send_review_reminders() -> int:
    """Remind reviewers once when an application's 10-Business-Day review is about to run out."""
    from .services.reminders import application_send_reminders

    return application_send_reminders()
