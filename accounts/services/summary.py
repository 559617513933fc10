"""Keeping ``ParticipantSummary`` current: the refresh the services call, the midnight roll and the rebuild.

No audit event is written here: a summary row is derived data, and the change that moved it (a case resolved, a
notice acknowledged…) is audited by the service that made it, in the same transaction.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import MarketParticipant, ParticipantSummary
from ..summary import SummaryPart, compute_summaries, summary_parts

REBUILD_BATCH = 500


@transaction.atomic
def participant_summary_refresh(
    *, participant_ids: Iterable[int | None], parts: Iterable[str] | None = None, today: datetime.date | None = None
) -> None:
    """Recompute the ``parts`` columns (every part when None) of these MPs' summaries from the source rows.

    Call it inside the transaction of the change, after the change is saved. The summary rows are locked first, so
    a concurrent change to the same MP waits and then computes from what this one committed (READ COMMITTED takes
    a fresh snapshot per statement): the counts stay exact without +1/-1 deltas. An MP without a row gets every
    part computed.
    """
    ids = sorted({pk for pk in participant_ids if pk is not None})
    if not ids:
        return
    today = today or timezone.localdate()
    existing = set(
        ParticipantSummary.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True)
    )
    missing = [pk for pk in ids if pk not in existing]
    present = [pk for pk in ids if pk in existing]
    if missing:
        _upsert(compute_summaries(missing, parts=summary_parts(), today=today), summary_parts())
    if present:
        chosen = summary_parts(None if parts is None else tuple(parts))
        _upsert(compute_summaries(present, parts=chosen, today=today), chosen)


def _upsert(values: dict[int, dict[str, Any]], parts: list[SummaryPart]) -> None:
    fields = [field for part in parts for field in part.fields]
    rows = [ParticipantSummary(participant_id=pk, **columns) for pk, columns in values.items()]
    ParticipantSummary.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["participant"],
        update_fields=[*fields, "updated_at"],
        batch_size=REBUILD_BATCH,
    )


def participant_summaries_roll(*, today: datetime.date | None = None) -> int:
    """Refresh the time-driven parts (overdue items, the notice window) of every MP: run at local midnight."""
    today = today or timezone.localdate()
    names = [part.name for part in summary_parts() if part.time_driven]
    ids = list(MarketParticipant.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), REBUILD_BATCH):
        participant_summary_refresh(participant_ids=ids[start : start + REBUILD_BATCH], parts=names, today=today)
    return len(ids)


@dataclasses.dataclass
class SummaryDrift:
    """One stored row that differed from a fresh computation (``stored`` None: the row was missing)."""

    participant_id: int
    differences: dict[str, tuple[Any, Any]]

    def __str__(self) -> str:
        shown = ", ".join(f"{field}: {old!r} → {new!r}" for field, (old, new) in sorted(self.differences.items()))
        return f"participant {self.participant_id}: {shown}"


def participant_summaries_rebuild(*, fix: bool = True, today: datetime.date | None = None) -> list[SummaryDrift]:
    """Compare every MP's summary with a fresh computation, batch by batch; with ``fix``, rewrite the rows that
    differ (or are missing). Returns the drift found, for the command and the nightly task to report."""
    today = today or timezone.localdate()
    parts = summary_parts()
    ids = list(MarketParticipant.objects.order_by("pk").values_list("pk", flat=True))
    drift: list[SummaryDrift] = []
    for start in range(0, len(ids), REBUILD_BATCH):
        with transaction.atomic():
            drift.extend(_rebuild_batch(ids[start : start + REBUILD_BATCH], parts=parts, today=today, fix=fix))
    return drift


def _rebuild_batch(ids: list[int], *, parts: list[SummaryPart], today: datetime.date, fix: bool) -> list[SummaryDrift]:
    query = ParticipantSummary.objects.filter(pk__in=ids).order_by("pk")
    stored = {row.pk: row for row in (query.select_for_update() if fix else query)}
    fresh = compute_summaries(ids, parts=parts, today=today)
    drift, changed = [], {}
    for pk, values in fresh.items():
        row = stored.get(pk)
        differences = {
            field: (None if row is None else getattr(row, field), value)
            for field, value in values.items()
            if row is None or getattr(row, field) != value
        }
        if differences:
            drift.append(SummaryDrift(participant_id=pk, differences=differences))
            changed[pk] = values
    if fix and changed:
        _upsert(changed, parts)
    return drift
