"""Notice deliveries as a kind of the outbox engine (core.delivery).

A notice fans out in chunks: a chunk task claims rows by status (``claimed`` + ``claimed_at``, see
``notices.tasks._claim``), the engine sends and marks each one and renews the claim while it sends; a claim not
renewed for ``NOTICE_CLAIM_TIMEOUT_SECONDS`` belongs to a worker that died. The rows of a notice move together
(``group``): the sweep queues a notice's pending rows again only when none of them was sent or claimed for
``OUTBOX_STALLED_SECONDS`` (``core.delivery_recovery``), and :func:`notice_delivery_health` tells the staff
progress page whether the fan-out is moving and, if not, why.
"""

from __future__ import annotations

import datetime
import math

from django.conf import settings
from django.db.models import Count

from ercot_services.core.delivery import OutboxKind, outbox_enqueue, outbox_register
from ercot_services.core.delivery_recovery import DeliveryHealth, outbox_health

from .emails import build_message
from .models import Notice, NoticeDelivery
from .wire import wire_message


def notice_claim_timeout() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.NOTICE_CLAIM_TIMEOUT_SECONDS)


def _message(delivery: NoticeDelivery):
    # A chunk sets ``delivery.notice`` to one shared instance, so the bodies are rendered once per chunk.
    return build_message(delivery.notice, delivery)


def _requeue(rows) -> int:
    """Enough chunk tasks to cover every stranded row of each notice, in one pass."""
    from .tasks import send_notice_chunk

    queued = 0
    for notice_id, count in rows.values_list("notice_id").annotate(count=Count("pk")).order_by("notice_id"):
        for _ in range(math.ceil(count / settings.NOTICE_CHUNK_SIZE)):
            if not outbox_enqueue(send_notice_chunk, notice_id=notice_id):
                return queued  # the broker is down: the next sweep
            queued += 1
    return queued


NOTICES = outbox_register(
    OutboxKind(
        name="notice",
        model=NoticeDelivery,
        build=_message,
        requeue=_requeue,
        written_at="notice__published_at",
        claim_timeout=notice_claim_timeout,
        group="notice_id",
        wire=wire_message,  # serialized once per chunk and list, each recipient's parts spliced in
    )
)


def notice_delivery_health(notice: Notice, *, now: datetime.datetime | None = None) -> DeliveryHealth:
    """Whether the notice's fan-out is queued, sending, finished or stalled, and if stalled why (the mail server
    refusing connections, no worker running, or queued again and not taken yet), for the progress page."""
    return outbox_health(
        kind=NOTICES, rows=NoticeDelivery.objects.filter(notice=notice), written_at=notice.published_at, now=now
    )
