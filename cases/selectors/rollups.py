"""The case figures of a metrics range: the daily rollups for the fresh days, the cases for the others.

Four queries whatever the number of cases or days: which days are fresh, their rollups (counts, duration
buckets, decided disputes; one query each), and the cases of the days that are not fresh (today at least)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Min, Q, Sum
from django.db.models.functions import TruncWeek

from ercot_services.core.metrics import MetricsFilter

from ..models import CaseDayDisputeRollup, CaseDayRollup, CaseDurationBucket, CaseRollupDay, local_day
from .day_figures import COUNTED_FIELDS, FIRST_RESPONSE, SUM_FIELDS, DayFigures, figures_from_cases


@dataclass
class RangeFigures:
    by_assignee: dict[int | None, DayFigures] = field(default_factory=dict)
    # Opened and closed per day (or per Monday of a week of fresh days), in the filter's scope: the weekly series.
    scoped_per_day: dict[datetime.date, tuple[int, int]] = field(default_factory=dict)


def days_of(f: MetricsFilter) -> list[datetime.date]:
    return [f.start + datetime.timedelta(days=n) for n in range((f.end - f.start).days + 1)]


def fresh_days(f: MetricsFilter) -> set[datetime.date]:
    """The days of the range whose rollups are up to date; never today, which is still happening."""
    today = local_day(f.now)
    rows = CaseRollupDay.objects.filter(day__gte=f.start, day__lte=f.end, stale=False).exclude(day=today)
    return set(rows.values_list("day", flat=True))


def range_figures(f: MetricsFilter) -> RangeFigures:
    fresh = fresh_days(f)
    by_assignee: defaultdict[int | None, DayFigures] = defaultdict(DayFigures)
    per_day: defaultdict[datetime.date, list[int]] = defaultdict(lambda: [0, 0])

    def in_scope(assignee_id) -> bool:
        return not f.manager_id or assignee_id == f.manager_id

    not_fresh = set(days_of(f)) - fresh
    live = figures_from_cases(not_fresh)
    for (day, assignee_id), figures in live.items():
        by_assignee[assignee_id].add(figures)
        if in_scope(assignee_id):
            per_day[day][0] += figures.opened
            per_day[day][1] += figures.closed
    if fresh:
        # The range less the few days that are not fresh: an index range scan, where a long IN list is not.
        rollup_days = Q(day__gte=f.start, day__lte=f.end) & ~Q(day__in=not_fresh)
        _add_rollups(rollup_days, by_assignee, per_day, in_scope)
    return RangeFigures(dict(by_assignee), {day: (o, c) for day, (o, c) in per_day.items()})


def _add_rollups(rollup_days: Q, by_assignee: defaultdict, per_day: defaultdict, in_scope) -> None:
    sums = {name: Sum(name) for name in COUNTED_FIELDS + SUM_FIELDS}
    # Summed per assignee and week in SQL: a few hundred rows for 90 days, not one per day and assignee.
    weekly = (
        CaseDayRollup.objects.filter(rollup_days)
        .values("assignee_id", week=TruncWeek("day"))
        .annotate(**sums)
        .order_by()
    )
    for row in weekly:
        by_assignee[row["assignee_id"]].add_counts(row)
        if in_scope(row["assignee_id"]):
            week = row["week"]
            week = week.date() if isinstance(week, datetime.datetime) else week
            per_day[week][0] += row["opened"]
            per_day[week][1] += row["closed"]
    buckets = (
        CaseDurationBucket.objects.filter(rollup_days)
        .values("assignee_id", "measure", "bucket")
        .annotate(total=Sum("count"), least=Min("low"), greatest=Max("high"))
        .order_by()
    )
    for row in buckets:
        figures = by_assignee[row["assignee_id"]]
        histogram = figures.first_response if row["measure"] == FIRST_RESPONSE else figures.resolution
        histogram.add_bucket(row["bucket"], row["total"], row["least"], row["greatest"])
    disputes = (
        CaseDayDisputeRollup.objects.filter(rollup_days)
        .values("assignee_id", "outcome")
        .annotate(total=Sum("count"), disputed_sum=Sum("disputed"), granted_sum=Sum("granted"))
        .order_by()
    )
    for row in disputes:
        by_assignee[row["assignee_id"]].add_dispute(
            row["outcome"], row["total"], row["disputed_sum"], row["granted_sum"]
        )
