"""The api app's periodic work (beat: ``CELERY_BEAT_SCHEDULE``)."""

from celery import shared_task

from .idempotency import idempotency_records_purge
from .services import api_call_log_prune


@shared_task(name="api.prune_call_log", ignore_result=True)
def prune_call_log() -> int:
    """Delete API calls older than the retention (``API_CALL_LOG_RETENTION_DAYS``); safe to run twice."""
    return api_call_log_prune()


@shared_task(name="api.purge_idempotency_records", ignore_result=True)
def purge_idempotency_records() -> int:
    """Forget the Idempotency-Keys older than a day: a retry after that runs again (as documented)."""
    return idempotency_records_purge()
