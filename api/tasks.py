"""Webhook tasks: thin, safe to run twice (``api.webhooks.sending``)."""

from celery import shared_task

from .webhooks.sending import webhook_delivery_attempt


@shared_task(name="api.deliver_webhook", bind=True, max_retries=None, ignore_result=True)
def deliver_webhook(self, *, delivery_id: int) -> str | None:
    """One attempt of a delivery; a failed one that has attempts left retries after its backoff. If the retry cannot
    be queued, the row stays pending and the outbox sweep queues it once it is overdue."""
    outcome = webhook_delivery_attempt(delivery_id=delivery_id, owner=self.request.id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status
