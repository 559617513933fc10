"""What the outbox holds right now, read for the metrics endpoint and ``/healthz`` (read-only; ``core.delivery`` sends).

Every registered kind (:func:`~ercot_services.core.delivery.outbox_kinds`) is read with one aggregate query: the
rows per state and the time the oldest pending row was written (the kind's ``written_at`` lookup, the same one the
sweep uses), so the cost of a scrape grows with the number of kinds, not with the number of rows fetched.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import Count, Min, Q
from django.utils import timezone

from .delivery import DeliveryStatus, OutboxKind, outbox_kinds


@dataclasses.dataclass(frozen=True)
class KindBacklog:
    """One kind's rows per state (every :class:`DeliveryStatus` present, zero included) and its oldest pending row."""

    kind: str
    counts: dict[str, int]
    oldest_pending_at: datetime.datetime | None

    def oldest_pending_age(self, now: datetime.datetime) -> float:
        """Seconds the oldest pending row has waited (0 when nothing is pending)."""
        if self.oldest_pending_at is None:
            return 0.0
        return max((now - self.oldest_pending_at).total_seconds(), 0.0)


def kind_backlog(kind: OutboxKind) -> KindBacklog:
    """One query: ``SELECT count(*) FILTER (WHERE status = ...) …, min(written_at) FILTER (WHERE pending)``."""
    aggregates = {state.value: Count("pk", filter=Q(status=state.value)) for state in DeliveryStatus}
    aggregates["oldest_pending_at"] = Min(kind.written_at, filter=Q(status=DeliveryStatus.PENDING))
    row = kind.model._default_manager.order_by().aggregate(**aggregates)
    oldest = row.pop("oldest_pending_at")
    return KindBacklog(kind=kind.name, counts={state: row[state] or 0 for state in row}, oldest_pending_at=oldest)


def outbox_backlog() -> list[KindBacklog]:
    """The backlog of every registered kind, sorted by kind name."""
    return [kind_backlog(kind) for kind in sorted(outbox_kinds(), key=lambda kind: kind.name)]


@dataclasses.dataclass(frozen=True)
class OldestPending:
    kind: str
    age_seconds: float


def oldest_pending(now: datetime.datetime | None = None) -> OldestPending | None:
    """The kind whose oldest pending row has waited longest, and for how long; ``None`` when nothing is pending.

    One query per kind, over the pending rows only (cheaper than :func:`outbox_backlog` for a frequent probe).
    """
    now = now or timezone.now()
    oldest: OldestPending | None = None
    for kind in sorted(outbox_kinds(), key=lambda kind: kind.name):
        written = (
            kind.model._default_manager.order_by()
            .filter(status=DeliveryStatus.PENDING)
            .aggregate(at=Min(kind.written_at))["at"]
        )
        if written is None:
            continue
        age = max((now - written).total_seconds(), 0.0)
        if oldest is None or age > oldest.age_seconds:
            oldest = OldestPending(kind=kind.name, age_seconds=age)
    return oldest
