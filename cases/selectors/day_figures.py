"""The case figures of operator-local days, per assignee: computed from the cases (today, and any day whose rollup is
missing or stale) or read back from the daily rollups (``cases.models.rollups``). Both give the same
:class:`DayFigures`, so the metrics page adds them up without knowing where each day came from.

Durations are kept as histograms (:class:`DurationHistogram`) so that medians and 90th percentiles can be taken over
any range of days without the raw values: log buckets 5 % wide, each remembering how many durations fell in it and
the least and greatest of them. A percentile is exact when the ranks it reads are the least or greatest of their
bucket (every bucket of one or two durations, so every small sample); otherwise it is interpolated inside one
bucket, within :data:`PRECISION_PERCENT` of the exact value, and says so (``exact`` is False).
"""

from __future__ import annotations

import bisect
import datetime
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery

from ercot_services.core.metrics import midnight

from ..models import Case, DisputeDetail

BUCKET_RATIO = 1.05
PRECISION_PERCENT = round((BUCKET_RATIO - 1) * 100)
FIRST_RESPONSE = "fr"
RESOLUTION = "res"
COUNTED_FIELDS = ("opened", "closed", "fr_due", "fr_met", "res_due", "res_met")
SUM_FIELDS = ("fr_count", "fr_seconds", "res_count", "res_seconds")


def duration_bucket(seconds: int) -> int:
    """0 for no time at all; then bucket ``k`` holds ``[1.05**(k-1), 1.05**k)`` seconds."""
    return 0 if seconds <= 0 else 1 + math.floor(math.log(seconds) / math.log(BUCKET_RATIO))


@dataclass
class Percentile:
    seconds: float | None
    exact: bool = True


class DurationHistogram:
    """Buckets of durations: ``{bucket: [count, least, greatest]}``; merging two keeps least and greatest."""

    def __init__(self):
        self.buckets: dict[int, list[int]] = {}

    def add_value(self, seconds: int) -> None:
        self.add_bucket(duration_bucket(seconds), 1, seconds, seconds)

    def add_bucket(self, bucket: int, count: int, low: int, high: int) -> None:
        entry = self.buckets.get(bucket)
        if entry is None:
            self.buckets[bucket] = [count, low, high]
        else:
            entry[0] += count
            entry[1] = min(entry[1], low)
            entry[2] = max(entry[2], high)

    def merge(self, other: DurationHistogram) -> None:
        for bucket, (count, low, high) in other.buckets.items():
            self.add_bucket(bucket, count, low, high)

    @property
    def count(self) -> int:
        return sum(entry[0] for entry in self.buckets.values())

    def _value_at_rank(self, rank: int) -> tuple[float, bool]:
        for bucket in sorted(self.buckets):
            count, low, high = self.buckets[bucket]
            if rank < count:
                if rank == 0 or low == high:
                    return low, True
                if rank == count - 1:
                    return high, True
                return low + (high - low) * rank / (count - 1), False
            rank -= count
        raise IndexError(rank)

    def percentile(self, fraction: float) -> Percentile:
        """PostgreSQL's ``percentile_cont``: linear interpolation between the two ranks around the fraction."""
        total = self.count
        if not total:
            return Percentile(None)
        position = fraction * (total - 1)
        low_rank, high_rank = math.floor(position), math.ceil(position)
        low, low_exact = self._value_at_rank(low_rank)
        high, high_exact = self._value_at_rank(high_rank)
        return Percentile(low + (high - low) * (position - low_rank), low_exact and high_exact)


@dataclass
class DayFigures:
    """What happened on one day for one assignee (or, added up, over a range and a group of assignees)."""

    opened: int = 0
    closed: int = 0
    fr_due: int = 0
    fr_met: int = 0
    res_due: int = 0
    res_met: int = 0
    fr_count: int = 0
    fr_seconds: int = 0
    res_count: int = 0
    res_seconds: int = 0
    first_response: DurationHistogram = field(default_factory=DurationHistogram)
    resolution: DurationHistogram = field(default_factory=DurationHistogram)
    # Disputes decided that day by outcome: [count, disputed amount, granted amount].
    disputes: dict[str, list] = field(default_factory=dict)

    def add_counts(self, other) -> None:
        """Add the counters of another DayFigures, or of a row (dict) with the same names."""
        get = other.get if isinstance(other, dict) else lambda name: getattr(other, name)
        for name in COUNTED_FIELDS + SUM_FIELDS:
            setattr(self, name, getattr(self, name) + (get(name) or 0))

    def add(self, other: DayFigures) -> None:
        self.add_counts(other)
        self.first_response.merge(other.first_response)
        self.resolution.merge(other.resolution)
        for outcome, (count, disputed, granted) in other.disputes.items():
            self.add_dispute(outcome, count, disputed, granted)

    def add_dispute(self, outcome: str, count: int, disputed, granted) -> None:
        entry = self.disputes.setdefault(outcome, [0, Decimal("0"), Decimal("0")])
        entry[0] += count
        entry[1] += disputed or Decimal("0")
        entry[2] += granted or Decimal("0")


def day_ranges(days: Iterable[datetime.date]) -> list[tuple[datetime.date, datetime.date]]:
    """Consecutive days as (first, last) ranges."""
    ranges: list[list[datetime.date]] = []
    for day in sorted(set(days)):
        if ranges and ranges[-1][1] + datetime.timedelta(days=1) == day:
            ranges[-1][1] = day
        else:
            ranges.append([day, day])
    return [(first, last) for first, last in ranges]


def _moment_in(ranges, path: str) -> Q:
    q = Q()
    for first, last in ranges:
        q |= Q(**{f"{path}__gte": midnight(first), f"{path}__lt": midnight(last + datetime.timedelta(days=1))})
    return q


# The case fields a day's figures read (the same list whose changes mark days stale), and the dispute's.
CASE_COLUMNS = (
    *Case.rollup_fields,
    "dispute_outcome",
    "dispute_disputed",
    "dispute_granted",
)


def dispute_field(name: str) -> Subquery:
    """A field of the case's dispute, looked up by its unique ``case_id`` index: a join would make PostgreSQL hash
    every dispute for the few cases of a day."""
    return Subquery(DisputeDetail.objects.filter(case_id=OuterRef("pk")).values(name)[:1])


def figures_from_cases(days: Iterable[datetime.date]) -> dict[tuple[datetime.date, int | None], DayFigures]:
    """The figures of these days per (day, assignee), computed from the cases: one query, whatever the days."""
    ranges = day_ranges(days)
    if not ranges:
        return {}
    touching = Q()
    for path in ("created_at", "first_response_at", "resolved_at", "closed_at"):
        touching |= _moment_in(ranges, path)
    day_of = _day_finder(ranges)
    figures: defaultdict[tuple, DayFigures] = defaultdict(DayFigures)
    cases = Case.objects.filter(touching).annotate(
        dispute_outcome=dispute_field("outcome"),
        dispute_disputed=dispute_field("disputed_amount"),
        dispute_granted=dispute_field("granted_amount"),
    )
    for row in cases.values_list(*CASE_COLUMNS).order_by():
        _add_case(figures, day_of, dict(zip(CASE_COLUMNS, row, strict=True)))
    return dict(figures)


def _day_finder(ranges):
    """``moment -> day`` for the days of ``ranges`` (None outside them), by bisecting their midnights in UTC:
    converting each moment to the operator's zone (``local_day``) costs more than the rest of the count."""
    starts, days = [], []
    for first, last in ranges:
        for n in range((last - first).days + 2):
            day = first + datetime.timedelta(days=n)
            starts.append(midnight(day).astimezone(datetime.UTC))
            days.append(day if n <= (last - first).days else None)

    def day_of(moment):
        index = bisect.bisect_right(starts, moment) - 1
        return days[index] if index >= 0 else None

    return day_of


def _add_case(figures: defaultdict, day_of, case: dict) -> None:
    """Count one case on each day one of its moments falls on (``day_of``), by the rules of the metrics page."""
    assignee = case["assignee_id"]

    def on(moment):
        if moment is None:
            return None
        day = day_of(moment)
        return figures[(day, assignee)] if day is not None else None

    if opened := on(case["created_at"]):
        opened.opened += 1
    finished_at = case["resolved_at"] or case["closed_at"]
    if finished := on(finished_at):
        finished.closed += 1
        if case["dispute_outcome"]:
            finished.add_dispute(case["dispute_outcome"], 1, case["dispute_disputed"], case["dispute_granted"])
    if responded := on(case["first_response_at"]):
        if case["first_response_due_at"] is not None:
            responded.fr_due += 1
            responded.fr_met += case["first_response_at"] <= case["first_response_due_at"]
        if (seconds := case["first_response_business_seconds"]) is not None:
            responded.fr_count += 1
            responded.fr_seconds += seconds
            responded.first_response.add_value(seconds)
    if resolved := on(case["resolved_at"]):
        if case["resolution_due_at"] is not None:
            resolved.res_due += 1
            resolved.res_met += case["resolved_at"] <= case["resolution_due_at"]
        if (seconds := case["resolution_business_seconds"]) is not None:
            resolved.res_count += 1
            resolved.res_seconds += seconds
            resolved.resolution.add_value(seconds)
