"""What every app's metrics selector shares: the filter (date range and Account Manager), percentiles computed the
same way in SQL (PostgreSQL's ``percentile_cont``) and in Python (SQLite), and unit helpers. Knows no app."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Aggregate, FloatField, Q
from django.utils import timezone

HOUR = 3600


DAY = 86400


@dataclass(frozen=True)
class MetricsFilter:
    """The date range (inclusive, operator time) and the Account Manager scope (None: everyone)."""

    start: datetime.date
    end: datetime.date
    manager_id: int | None = None
    now: datetime.datetime = field(default_factory=timezone.now)

    @property
    def start_at(self) -> datetime.datetime:
        return midnight(self.start)

    @property
    def end_at(self) -> datetime.datetime:
        """The first moment after the range (midnight after ``end``)."""
        return midnight(self.end + datetime.timedelta(days=1))

    @property
    def as_of(self) -> datetime.datetime:
        """When the backlog is measured: the end of the range, or now if the range runs into the future."""
        return min(self.end_at, self.now)

    @property
    def params(self) -> dict[str, str]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "manager": str(self.manager_id) if self.manager_id else "all",
        }

    @property
    def querystring(self) -> str:
        return urlencode(self.params)

    def in_range(self, path: str) -> Q:
        return Q(**{f"{path}__gte": self.start_at, f"{path}__lt": self.end_at})

    def dates_in_range(self, path: str) -> Q:
        return Q(**{f"{path}__gte": self.start, f"{path}__lte": self.end})


def midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


def default_range(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last 90 days, today included."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=89), today


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)`` (FILTER allowed)."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile fraction is between 0 and 1.")
        extra.setdefault("output_field", FloatField())
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def percentile_cont(values, fraction: float):
    """The same continuous percentile as PostgreSQL's ``percentile_cont``: linear interpolation between ranks."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def uses_sql_percentiles() -> bool:
    return connection.vendor == "postgresql"


def ratio(part, whole) -> float | None:
    return 100 * part / whole if whole else None


def duration_days(value) -> float | None:
    """A duration aggregate (an interval, or microseconds where durations are integers) in days."""
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        return value.total_seconds() / DAY
    return float(value) / DAY  # microseconds on backends that store durations as integers
