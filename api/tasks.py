"""The api app's tasks, thin and safe to run twice: its periodic work (beat: ``CELERY_BEAT_SCHEDULE``) and webhook
deliveries (``api.webhooks.sending``)."""

from celery import shared_task

from .idempotency import idempotency_records_purge
from .services import api_call_log_prune
from .webhooks.sending import webhook_delivery_attempt


@shared_task(name="api.prune_call_log", ignore_result=True)
def prune_call_log() -> int:
    """Delete API calls older than the retention (``API_CALL_LOG_RETENTION_DAYS``); safe to run twice."""
    return api_call_log_prune()


@shared_task(name="api.purge_idempotency_records", ignore_result=True)
def purge_idempotency_records() -> int:
    """Forget the Idempotency-Keys older than a day: a retry after that runs again (as documented)."""
    return idempotency_records_purge()


@shared_task(name="api.deliver_webhook", bind=True, max_retries=None, ignore_result=True)
def deliver_webhook(self, *, delivery_id: int) -> str | None:
    """One attempt of a delivery; a failed one that has attempts left retries after its backoff. If the retry cannot
    be queued, the row stays pending and the outbox sweep queues it once it is overdue."""
    outcome = webhook_delivery_attempt(delivery_id=delivery_id, owner=self.request.id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status
