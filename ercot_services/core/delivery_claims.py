"""Claims by status, for chunked fan-outs (a notice to thousands): part of the outbox engine (``core.delivery``).

A chunk task claims rows (:func:`outbox_claim`: status ``claimed``, one ``claimed_at`` for the rows claimed
together) and sends them (:func:`outbox_send_claimed`). The claim is a lease:

- renewed every quarter of the kind's ``claim_timeout`` while the run sends, so the timeout bounds how long a dead
  worker's rows wait, not how long a chunk may take (the longest a live run goes without renewing is one message:
  two ``EMAIL_TIMEOUT``\\ s when the server hangs);
- its ``claimed_at`` is its token: a run renews, releases and sends only the rows that still carry it, so a run
  that stalled past its timeout never takes rows back from the run that took them over;
- remembered under the task's id (a hint in the shared cache): when the broker redelivers a task whose worker was
  killed (``acks_late``, ``task_reject_on_worker_lost``), the new run takes its own rows back at once instead of
  waiting for the timeout.

Rows not sent when the run stops (the mail server could not be reached, a time limit, a shutdown) go back to
pending at once.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable

from django.core.mail import get_connection
from django.db import DatabaseError, models, transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from .delivery import (
    UNAVAILABLE,
    DeliveryStatus,
    MailServerUnavailable,
    OutboxKind,
    SendReport,
    close_quietly,
    hint_delete,
    hint_get,
    hint_set,
    mail_server_seen,
    outbox_kind,
    send_into_report,
)


def _owner_key(kind: OutboxKind, owner: str) -> str:
    return f"outbox:lease:{kind.name}:{owner}"


def outbox_claim(*, kind: OutboxKind | str, rows: models.QuerySet, limit: int, owner: str | None = None) -> list:
    """Claim up to ``limit`` rows of ``rows`` that are pending, or claimed by a run whose lease expired (or by an
    earlier run of the same ``owner``, the task's id: its worker died). Returns their keys.

    Other runs skip the rows this one locks (``SKIP LOCKED``). Every row claimed gets the same ``claimed_at``.
    """
    kind = outbox_kind(kind) if isinstance(kind, str) else kind
    expired = timezone.now() - kind.claim_timeout()
    takeable = Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.CLAIMED, claimed_at__lt=expired)
    mine = hint_get(_owner_key(kind, owner)) if owner else None
    own_first = Case(When(Q(status=DeliveryStatus.CLAIMED, claimed_at=mine), then=Value(0)), default=Value(1))
    if mine is not None:
        takeable |= Q(status=DeliveryStatus.CLAIMED, claimed_at=mine)
    with transaction.atomic():
        ids = list(
            rows.select_for_update(skip_locked=True, of=("self",))
            .filter(takeable)
            .order_by(own_first if mine is not None else "pk", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        now = timezone.now()
        kind.model._default_manager.filter(pk__in=ids).update(status=DeliveryStatus.CLAIMED, claimed_at=now)
    if owner and ids:
        hint_set(_owner_key(kind, owner), now)
    return ids


class _Lease:
    """A run's claim on its rows (see the module docstring)."""

    def __init__(self, kind: OutboxKind, rows: list, owner: str | None):
        self.model = kind.model
        self.key = _owner_key(kind, owner) if owner else None
        self.stamps = {row.claimed_at for row in rows if getattr(row, "claimed_at", None) is not None}
        timeout = kind.claim_timeout() if kind.claim_timeout is not None else None
        self.every = timeout.total_seconds() / 4 if timeout is not None else None
        self.renewed = time.monotonic()
        self.lost: set = set()

    def held(self, rows: list) -> models.QuerySet:
        held = self.model._default_manager.filter(pk__in=[row.pk for row in rows], status=DeliveryStatus.CLAIMED)
        return held.filter(claimed_at__in=self.stamps) if self.stamps else held

    def renew_if_due(self, rows: list) -> None:
        """Every quarter of the claim timeout: move the claim of the rows not sent yet to now."""
        if self.every is None or not rows or time.monotonic() - self.renewed < self.every:
            return
        now = timezone.now()
        with transaction.atomic():
            held = set(self.held(rows).select_for_update(of=("self",)).values_list("pk", flat=True))
            self.model._default_manager.filter(pk__in=held).update(claimed_at=now)
        if self.key:
            hint_set(self.key, now)
        self.lost |= {row.pk for row in rows} - held
        self.stamps = {now}
        self.renewed = time.monotonic()

    def release(self, rows: list, reason: str = "") -> int:
        """Put the rows still held back to pending, no attempt counted; returns how many rows were handed back."""
        extra = {"last_error": reason[:1000]} if reason else {}
        self.held(rows).update(status=DeliveryStatus.PENDING, claimed_at=None, **extra)
        return len(rows)

    def end(self) -> None:
        if self.key:
            hint_delete(self.key)


def outbox_send_claimed(
    *, kind: OutboxKind | str, rows: Iterable, connection=None, owner: str | None = None
) -> SendReport:
    """Send rows the caller claimed (:func:`outbox_claim`, with the same ``owner``), each marked in its own commit.

    The claim is renewed while the run sends. If the mail server cannot be reached, the rows not sent yet go
    back to pending at once (no attempt counted, ``last_error`` saying why) rather than waiting for their claim
    to time out, and ``report.retry`` counts them.
    """
    kind = outbox_kind(kind) if isinstance(kind, str) else kind
    report = SendReport()
    rows = list(rows)
    lease = _Lease(kind, rows, owner)
    connection = connection or get_connection()
    done = 0
    try:
        for row in rows:
            lease.renew_if_due(rows[done:])
            if row.pk not in lease.lost:
                send_into_report(kind, row, connection, report)
            done += 1
    except MailServerUnavailable as unavailable:
        report.retry += lease.release(rows[done:], f"{UNAVAILABLE}: {unavailable}")
        report.error = unavailable
    except BaseException:
        # A time limit or a worker shutdown: hand the rest back now rather than after the claim timeout (the row
        # in flight, if it went out, goes again with the same Message-ID). Best effort: the claim timeout remains.
        with contextlib.suppress(DatabaseError):
            lease.release(rows[done:])
        raise
    finally:
        close_quietly(connection)
        lease.end()
    mail_server_seen(report)
    return report
