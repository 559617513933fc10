"""Writing the daily rollups of the case metrics (``cases.models.rollups``): the beat task and
``manage.py rollup_case_metrics`` call :func:`case_rollups_refresh`.

No audit event: a rollup is derived from cases whose every change is already audited, and recomputing it changes
no figure anyone sees (the page computes a day that is not fresh from the cases)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from ..models import Case, CaseDayDisputeRollup, CaseDayRollup, CaseDurationBucket, CaseRollupDay, local_day
from ..selectors.day_figures import COUNTED_FIELDS, FIRST_RESPONSE, RESOLUTION, SUM_FIELDS, figures_from_cases

# pg_advisory_xact_lock key of a refresh ("rollups" in ASCII, below 2**63).
ROLLUP_LOCK_KEY = int.from_bytes(b"rollups", "big")
# Days computed per transaction (and per query of the cases): a rebuild of years of cases holds no long lock.
CHUNK_DAYS = 31


@dataclass(frozen=True)
class RollupReport:
    days: int
    rows: int


def days_to_refresh(*, today: datetime.date, rebuild: bool = False) -> list[datetime.date]:
    """The closed days (before ``today``) from the first case's day: all of them, or the missing and stale ones."""
    first = Case.objects.order_by("created_at").values_list("created_at", flat=True).first()
    if first is None:
        return []
    days = [local_day(first) + datetime.timedelta(days=n) for n in range((today - local_day(first)).days)]
    if rebuild:
        return days
    fresh = set(CaseRollupDay.objects.filter(stale=False).values_list("day", flat=True))
    return [day for day in days if day not in fresh]


def case_rollups_refresh(*, rebuild: bool = False, now: datetime.datetime | None = None) -> RollupReport:
    """Compute the closed days that need it (every closed day with ``rebuild``), a chunk of days per transaction.

    Idempotent: a day is written from the cases as they are, and a second run finds nothing missing or stale."""
    today = local_day(now or timezone.now())
    days = days_to_refresh(today=today, rebuild=rebuild)
    rows = 0
    for start in range(0, len(days), CHUNK_DAYS):
        rows += _refresh_days(days[start : start + CHUNK_DAYS], now=now or timezone.now())
    return RollupReport(days=len(days), rows=rows)


@transaction.atomic
def _refresh_days(days: list[datetime.date], *, now: datetime.datetime) -> int:
    """Replace these days' rollups; a day marked stale again while it was computed (its version moved) stays stale.

    The day rows are created (stale) and their versions read before the cases are, so a change committed after the
    read bumps the version and the final update below leaves that day stale. Two refreshes at once (the beat and the
    command) take turns on an advisory lock, or both would delete the old rows and both insert theirs; the case
    services never wait for it (SQLite writes one transaction at a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK_KEY])
    CaseRollupDay.objects.bulk_create([CaseRollupDay(day=day) for day in days], ignore_conflicts=True)
    versions = dict(CaseRollupDay.objects.filter(day__in=days).values_list("day", "version"))
    figures = figures_from_cases(days)
    for model in (CaseDayRollup, CaseDurationBucket, CaseDayDisputeRollup):
        model.objects.filter(day__in=days).delete()
    rollups, buckets, disputes = [], [], []
    for (day, assignee_id), day_figures in figures.items():
        counts = {name: getattr(day_figures, name) for name in COUNTED_FIELDS + SUM_FIELDS}
        rollups.append(CaseDayRollup(day=day, assignee_id=assignee_id, **counts))
        for measure, histogram in ((FIRST_RESPONSE, day_figures.first_response), (RESOLUTION, day_figures.resolution)):
            buckets += [
                CaseDurationBucket(
                    day=day, assignee_id=assignee_id, measure=measure, bucket=b, count=c, low=low, high=high
                )
                for b, (c, low, high) in histogram.buckets.items()
            ]
        disputes += [
            CaseDayDisputeRollup(
                day=day, assignee_id=assignee_id, outcome=outcome, count=c, disputed=disputed, granted=granted
            )
            for outcome, (c, disputed, granted) in day_figures.disputes.items()
        ]
    for model, objects in ((CaseDayRollup, rollups), (CaseDurationBucket, buckets), (CaseDayDisputeRollup, disputes)):
        model.objects.bulk_create(objects, batch_size=2000)
    by_version = defaultdict(list)
    for day, version in versions.items():
        by_version[version].append(day)
    for version, same in by_version.items():
        CaseRollupDay.objects.filter(day__in=same, version=version).update(stale=False, computed_at=now)
    return len(rollups) + len(buckets) + len(disputes)
