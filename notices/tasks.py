"""Notice fan-out: chunked tasks claim delivery rows and send them over one SMTP connection per chunk.

Nothing is lost if a worker dies: its claim is not renewed and, ``NOTICE_CLAIM_TIMEOUT_SECONDS`` later, the next
chunk (or the outbox sweep) takes the rows over; the outbox engine (core.delivery) marks rows sent one by one, so
at most the message in flight is sent twice (with the same Message-ID). A chunk that finishes while pending rows
remain queues the next one, so the fan-out carries on even if the chunks queued at publication are lost (a broker
restarted without persistence).
"""

from __future__ import annotations

import math

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as db_connection

from ercot_services.core.delivery import TASK_MAX_RETRIES, outbox_enqueue, outbox_retry
from ercot_services.core.delivery_claims import outbox_claim, outbox_send_claimed
from ercot_services.core.delivery_recovery import outbox_sweep

from .outbox import NOTICES


def _claim(notice_pk: int, limit: int, owner: str | None = None) -> list[int]:
    """Claim up to ``limit`` pending (or abandoned) rows of the notice; other workers skip locked rows. ``owner``:
    the chunk task's id, so the same task redelivered after its worker was killed takes its rows back at once."""
    from .models import NoticeDelivery

    rows = NoticeDelivery.objects.filter(notice_id=notice_pk)
    return outbox_claim(kind=NOTICES, rows=rows, limit=limit, owner=owner)


def _carry_on(task, notice_pk: int) -> bool:
    """Queue the next chunk if rows of the notice are still waiting (none, in eager mode: the fan-out ran them)."""
    from .models import NoticeDelivery

    if task.app.conf.task_always_eager:
        return False
    if not NoticeDelivery.objects.filter(notice_id=notice_pk, status=NoticeDelivery.Status.PENDING).exists():
        return False
    return outbox_enqueue(send_notice_chunk, patient=True, notice_id=notice_pk)


@shared_task(name="notices.fan_out", acks_late=True)
def fan_out_notice(*, notice_id: int) -> int:
    """Queue one chunk task per ``NOTICE_CHUNK_SIZE`` pending rows (never one task per recipient)."""
    from .models import NoticeDelivery

    pending = NoticeDelivery.objects.filter(notice_id=notice_id, status=NoticeDelivery.Status.PENDING).count()
    chunks = math.ceil(pending / settings.NOTICE_CHUNK_SIZE)
    for queued in range(chunks):
        if not outbox_enqueue(send_notice_chunk, notice_id=notice_id):
            return queued  # the broker went away: the chunks queued carry on, the sweep finds the rest
    return chunks


@shared_task(name="notices.send_chunk", bind=True, acks_late=True, max_retries=TASK_MAX_RETRIES, ignore_result=True)
def send_notice_chunk(self, *, notice_id: int) -> dict:
    """Claim a chunk and send it over one SMTP connection through the outbox engine; transient failures go back
    to pending and the chunk retries with backoff; a chunk that finishes queues the next while rows wait."""
    from .models import Notice, NoticeDelivery, Suppression

    ids = _claim(notice_id, settings.NOTICE_CHUNK_SIZE, owner=self.request.id)
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
        report = outbox_send_claimed(kind=NOTICES, rows=deliveries, connection=get_connection(), owner=self.request.id)
    finally:
        if async_commit:
            with db_connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
    report.failed += len(suppressed)
    if report.retry:
        raise outbox_retry(self, report)
    _carry_on(self, notice_id)
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
