"""Notice fan-out: chunked tasks claim delivery rows and send them over one SMTP connection per chunk.

Nothing is lost if a worker dies: a claimed chunk whose worker vanished is
reclaimed after ``NOTICE_CLAIM_TIMEOUT_SECONDS``; the outbox engine (core.delivery)
marks rows sent one by one, so at most the message in flight is sent twice (with
the same Message-ID).
"""

from __future__ import annotations

import math

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ercot_services.core.delivery import TASK_MAX_RETRIES, outbox_send_claimed, outbox_sweep, retry_countdown

from .outbox import NOTICES, notice_claim_timeout


def _claim(notice_pk: int, limit: int) -> list[int]:
    """Claim up to ``limit`` pending (or abandoned) rows of the notice; other workers skip locked rows."""
    from .models import NoticeDelivery

    stale = timezone.now() - notice_claim_timeout()
    with transaction.atomic():
        ids = list(
            NoticeDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(notice_id=notice_pk)
            .filter(
                Q(status=NoticeDelivery.Status.PENDING) | Q(status=NoticeDelivery.Status.CLAIMED, claimed_at__lt=stale)
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        NoticeDelivery.objects.filter(pk__in=ids).update(
            status=NoticeDelivery.Status.CLAIMED, claimed_at=timezone.now()
        )
    return ids


@shared_task(name="notices.fan_out", acks_late=True)
def fan_out_notice(*, notice_id: int) -> int:
    """Queue one chunk task per ``NOTICE_CHUNK_SIZE`` pending rows (never one task per recipient)."""
    from .models import NoticeDelivery

    pending = NoticeDelivery.objects.filter(notice_id=notice_id, status=NoticeDelivery.Status.PENDING).count()
    chunks = math.ceil(pending / settings.NOTICE_CHUNK_SIZE)
    for _ in range(chunks):
        send_notice_chunk.delay(notice_id=notice_id)
    return chunks


@shared_task(name="notices.send_chunk", bind=True, acks_late=True, max_retries=TASK_MAX_RETRIES)
def send_notice_chunk(self, *, notice_id: int) -> dict:
    """Claim a chunk and send it over one SMTP connection through the outbox engine; transient failures go back
    to pending and the chunk retries with backoff."""
    from .models import Notice, NoticeDelivery, Suppression

    ids = _claim(notice_id, settings.NOTICE_CHUNK_SIZE)
    if not ids:
        return {"sent": 0, "failed": 0, "retry": 0}
    notice = Notice.objects.select_related("notice_type").prefetch_related("audience").get(pk=notice_id)
    # The suppression list is honoured at send time too: an address suppressed after publication (while its row
    # was already claimed, or by code that wrote the Suppression directly) is not sent.
    claimed = NoticeDelivery.objects.filter(pk__in=ids)
    suppressed = dict(Suppression.objects.filter(email__in=claimed.values("email")).values_list("email", "reason"))
    if suppressed:
        claimed.filter(email__in=list(suppressed)).update(
            status=NoticeDelivery.Status.FAILED, claimed_at=None, last_error="Suppressed before sending"
        )
    deliveries = list(
        NoticeDelivery.objects.filter(pk__in=ids, status=NoticeDelivery.Status.CLAIMED)
        .select_related("distribution_list")
        .order_by("pk")
    )
    for delivery in deliveries:
        delivery.notice = notice  # one instance: the bodies are rendered once per chunk
    async_commit = db_connection.vendor == "postgresql"
    if async_commit:
        # Each row is marked sent in its own commit (so a killed worker resends at most the message in flight);
        # waiting for the WAL flush of every one of those commits halved the send rate. Asynchronous commit only
        # risks the last few hundred milliseconds of marks if the database server itself crashes, and those
        # messages are then resent with the same Message-ID. Reset when the chunk ends.
        with db_connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
    try:
        report = outbox_send_claimed(kind=NOTICES, rows=deliveries, connection=get_connection())
    finally:
        if async_commit:
            with db_connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
    report.failed += len(suppressed)
    if report.retry:
        raise self.retry(countdown=retry_countdown(self.request.retries))
    return report.as_dict()


@shared_task(name="notices.publish_scheduled")
def publish_scheduled() -> int:
    from .services.workflow import publish_due_notices

    return publish_due_notices()


@shared_task(name="notices.reclaim_abandoned")
def reclaim_abandoned() -> int:
    """The sweep of the notice deliveries only (the beat runs the one outbox sweep; kept for queued tasks):
    chunks for rows still pending or claimed by a worker that died."""
    return outbox_sweep(kinds=[NOTICES.name])[NOTICES.name]
