"""Recovery of the outbox engine (``core.delivery``) without waiting for the clock: which rows stopped moving, the
one sweep that queues them again, and the health of a group of rows (a notice's fan-out) for the staff pages.

A row is stranded when nothing is going to send it:

- **claimed by a dead worker**: its lease (``claimed_at``, renewed while its run sends) is older than the
  kind's ``claim_timeout``;
- **pending with nothing moving**: it was written more than ``OUTBOX_STALLED_SECONDS`` ago (plus its task's own
  retry backoff if a server deferred it, so it keeps that backoff), and, for kinds sent in groups (a notice), no
  row of its group was sent or claimed for that long. Stranded-ness is lack of progress, not age:
  a large fan-out still sending is left alone, a dead one is found within about a minute.

The sweep queues enough tasks for every stranded row in one pass, unless the mail server cannot be reached
(then every task would fail: it probes first, once, and leaves the rows to the tasks' own retries and the next
sweep; kinds that are not email, webhooks, are queued all the same). It records when it ran, which the health uses as the sign that a worker (and beat) is alive.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Count, Max, Q
from django.utils import timezone

from .delivery import (
    MAX_ATTEMPTS,
    UNAVAILABLE,
    DeliveryStatus,
    OutboxKind,
    hint_get,
    hint_set,
    mail_server_probe,
    mail_server_state,
    outbox_kind,
    outbox_kinds,
    retry_countdown,
    stalled_after,
)

logger = logging.getLogger(__name__)

SWEPT_KEY = "outbox:swept-at"


def _waited(kind: OutboxKind, now: datetime.datetime) -> Q:
    """Pending rows written long enough ago: ``OUTBOX_STALLED_SECONDS``, plus, for a row a server deferred, the time
    its task's own retries take (1, 2, 4 … minutes), so the sweep does not spend its attempts early."""
    waited = Q()
    for attempts in range(MAX_ATTEMPTS):
        backoff = datetime.timedelta(seconds=sum(retry_countdown(n) for n in range(attempts)))
        waited |= Q(attempts=attempts, **{f"{kind.written_at}__lt": now - stalled_after() - backoff})
    return Q(status=DeliveryStatus.PENDING) & waited


def _recent(kind: OutboxKind, since: datetime.datetime) -> Q:
    recent = Q(sent_at__gte=since)
    if kind.claim_timeout is not None:
        recent |= Q(claimed_at__gte=since)
    return recent


def stranded_rows(kind: OutboxKind, now: datetime.datetime) -> models.QuerySet:
    """The rows of ``kind`` that nothing is going to send (see the module docstring)."""
    manager = kind.model._default_manager
    waiting = _waited(kind, now)
    if kind.group is not None:
        groups = set(manager.filter(waiting).values_list(kind.group, flat=True).distinct())
        if groups:
            moving = manager.filter(Q(**{f"{kind.group}__in": groups}) & _recent(kind, now - stalled_after()))
            groups -= set(moving.values_list(kind.group, flat=True).distinct())
        waiting &= Q(**{f"{kind.group}__in": groups})
    if kind.claim_timeout is not None:
        waiting |= Q(status=DeliveryStatus.CLAIMED, claimed_at__lt=now - kind.claim_timeout())
    return manager.filter(waiting)


def outbox_sweep(*, kinds: Iterable[str] | None = None, now: datetime.datetime | None = None) -> dict[str, int]:
    """Queue again the stranded rows of every registered kind (or of ``kinds``); returns the tasks queued per kind.

    Sending skips what was sent meanwhile, so a row queued twice is still sent once.
    """
    now = now or timezone.now()
    selected = outbox_kinds() if kinds is None else [outbox_kind(name) for name in kinds]
    stranded = [(kind, stranded_rows(kind, now)) for kind in selected]
    queued = dict.fromkeys((kind.name for kind in selected), 0)
    lost = [(kind, rows) for kind, rows in stranded if rows.exists()]
    error = mail_server_probe() if any(kind.mail for kind, _ in lost) else None
    if error is not None:
        logger.warning("Outbox sweep: %s; the stranded emails wait for the mail server", error)
    queued.update({kind.name: kind.requeue(rows) for kind, rows in lost if error is None or not kind.mail})
    hint_set(SWEPT_KEY, timezone.now())
    return queued


def last_sweep() -> datetime.datetime | None:
    """When the outbox sweep last ran (on a worker, queued by beat), as far as the shared cache knows."""
    return hint_get(SWEPT_KEY)


# --- the health of a group of rows, for the staff pages ---------------------------------------------------------


class DeliveryState(models.TextChoices):
    FINISHED = "finished", "Finished"
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    STALLED = "stalled", "Stalled"


class StallReason(models.TextChoices):
    MAIL_SERVER = "mail_server", "The mail server is not accepting connections"
    NO_WORKER = "no_worker", "No worker is running"
    NO_PROGRESS = "no_progress", "No worker has taken it"


@dataclasses.dataclass(frozen=True)
class DeliveryHealth:
    """Where a group of rows stands, and if it stalled, why (``reason``, a :class:`StallReason`, and ``message``)."""

    state: str
    pending: int = 0
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    last_progress: datetime.datetime | None = None
    reason: str = ""
    message: str = ""

    @property
    def stalled(self) -> bool:
        return self.state == DeliveryState.STALLED

    @property
    def reason_label(self) -> str:
        return StallReason(self.reason).label if self.reason else ""


def _since(moment: datetime.datetime, now: datetime.datetime) -> str:
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 120:
        return f"{seconds} s"
    return f"{seconds // 60} min"


def _at(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M:%S")


def outbox_health(
    *, kind: OutboxKind, rows: models.QuerySet, written_at: datetime.datetime | None, now=None
) -> DeliveryHealth:
    """The state of ``rows`` (one group: a notice's deliveries) and, when nothing moved for
    ``OUTBOX_STALLED_SECONDS``, the likeliest reason: the mail server refusing (as the last run or probe saw it,
    or as the rows handed back say), no worker (the sweep, which runs on one, has not run for three periods), or
    work queued again that no worker has taken yet."""
    now = now or timezone.now()
    claims = kind.claim_timeout is not None
    numbers = rows.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in DeliveryStatus.values},
        last_sent=Max("sent_at"),
        last_claimed=Max("claimed_at") if claims else Max("sent_at"),
        handed_back=Count("pk", filter=Q(status=DeliveryStatus.PENDING, last_error__startswith=UNAVAILABLE)),
    )
    counts = {status: numbers[status] for status in DeliveryStatus.values}
    moments = [m for m in (numbers["last_sent"], numbers["last_claimed"]) if m is not None]
    last_progress = max(moments) if moments else None
    health = {"last_progress": last_progress, **counts}
    if not counts[DeliveryStatus.PENDING] and not counts[DeliveryStatus.CLAIMED]:
        return DeliveryHealth(state=DeliveryState.FINISHED, **health)
    last = max([m for m in (last_progress, written_at) if m is not None], default=now)
    if now - last < stalled_after():
        return DeliveryHealth(state=DeliveryState.SENDING if last_progress else DeliveryState.QUEUED, **health)
    reason, message = _stall_reason(numbers["handed_back"], last, now)
    return DeliveryHealth(state=DeliveryState.STALLED, reason=reason, message=message, **health)


def _stall_reason(handed_back: int, last: datetime.datetime, now: datetime.datetime) -> tuple[str, str]:
    idle = f"Nothing was sent or claimed for {_since(last, now)}."
    server = mail_server_state()
    server_down = (server is not None and not server["ok"]) or (server is None and handed_back)
    if server_down:
        error = f" ({server['error']}, {_at(server['at'])})" if server else ""
        return (
            StallReason.MAIL_SERVER,
            f"{idle} The mail server is not accepting connections{error}. Sending resumes by itself once it "
            "answers; nothing is lost meanwhile.",
        )
    swept = last_sweep()
    if swept is None or now - swept > 3 * datetime.timedelta(seconds=settings.OUTBOX_SWEEP_SECONDS):
        when = f"since {_at(swept)}" if swept else "recently"
        return (
            StallReason.NO_WORKER,
            f"{idle} The outbox sweep has not run {when}: no Celery worker (or no beat) seems to be running. "
            "Sending resumes once one is.",
        )
    return (
        StallReason.NO_PROGRESS,
        f"{idle} The outbox sweep (last run {_at(swept)}) queued the rest again; the workers are busy with other "
        "work or cannot take it.",
    )
