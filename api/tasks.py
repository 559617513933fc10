"""Periodic work of the api app (scheduled in ``CELERY_BEAT_SCHEDULE``)."""

from celery import shared_task

from .idempotency import idempotency_records_purge


@shared_task(name="api.purge_idempotency_records", ignore_result=True)
def purge_idempotency_records() -> int:
    """Forget the Idempotency-Keys older than a day: a retry after that runs again (as documented)."""
    return idempotency_records_purge()
