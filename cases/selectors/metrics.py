"""Case and dispute metrics: volumes, business-hour response and resolution times, backlog age, SLA, disputes.

Cases and disputes belong to their **assignee**; cases in the Service Desk queue or assigned to other staff form the
"Other staff / queues" row (:data:`OTHERS`)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import (
    Count,
    Q,
    Sum,
)
from django.urls import reverse
from django.utils import timezone

from ercot_services.core.calendar import BusinessCalendar, business_calendar
from ercot_services.core.metrics import (
    MetricsFilter,
    midnight,
)

from ..models import Case, CaseKind, CaseStatus, DisputeOutcome
from .day_figures import COUNTED_FIELDS, PRECISION_PERCENT, DayFigures, dispute_field
from .rollups import range_figures

OTHERS = "others"


# Backlog age buckets in Business Days: (label, lowest age, highest age or None).
AGE_BUCKETS: list[tuple[str, int, int | None]] = [
    ("0–2 BD", 0, 2),
    ("3–5 BD", 3, 5),
    ("6–10 BD", 6, 10),
    ("11–20 BD", 11, 20),
    ("Over 20 BD", 21, None),
]


def case_queue_url(*, assignee=None, statuses=("any",), kind: str = "", sla: str = "", sort: str = "") -> str:
    """The staff case queue with these filters (see cases.filters.CaseFilter)."""
    params: list[tuple[str, str]] = [("view", "all"), ("f", "1")]
    params += [("status", s) for s in statuses]
    if assignee == OTHERS:
        params.append(("assignee", "unassigned"))
    elif assignee:
        params.append(("assignee", str(assignee)))
    if kind:
        params.append(("kind", kind))
    if sla:
        params.append(("sla", sla))
    if sort:
        params.append(("sort", sort))
    return f"{reverse('workspace:cases')}?{urlencode(params)}"


FINISHED_STATUSES = (CaseStatus.RESOLVED, CaseStatus.CLOSED, CaseStatus.WITHDRAWN)


def case_scope_q(f: MetricsFilter, path: str = "") -> Q:
    return Q(**{f"{path}assignee_id": f.manager_id}) if f.manager_id else Q()


def _finished_q(f: MetricsFilter, prefix: str = "") -> Q:
    """Closed in the range: resolved, or (never resolved) withdrawn / merged."""
    return f.in_range(f"{prefix}resolved_at") | (
        Q(**{f"{prefix}resolved_at__isnull": True}) & f.in_range(f"{prefix}closed_at")
    )


def _open_at_q(moment: datetime.datetime, prefix: str = "") -> Q:
    """Open at ``moment``: opened before it, not resolved nor closed by then (reopened cases count as open)."""
    return (
        Q(**{f"{prefix}created_at__lt": moment})
        & (Q(**{f"{prefix}resolved_at__isnull": True}) | Q(**{f"{prefix}resolved_at__gte": moment}))
        & (Q(**{f"{prefix}closed_at__isnull": True}) | Q(**{f"{prefix}closed_at__gte": moment}))
    )


def _open_now_q(f: MetricsFilter) -> Q:
    """Open now: :func:`_open_at_q` at ``now`` (nothing is resolved or closed in the future), in the terms of the
    partial index ``case_unfinished_created_idx``."""
    return Q(resolved_at__isnull=True, closed_at__isnull=True, created_at__lt=f.now)


def earliest_day_within(calendar: BusinessCalendar, end: datetime.date, business_days: int) -> datetime.date:
    """The earliest date whose age at ``end`` is at most ``business_days`` Business Days."""
    day, count = end, 0
    while True:
        count_before = count + (1 if calendar.is_business_day(day) else 0)
        if count_before > business_days:
            return day
        day, count = day - datetime.timedelta(days=1), count_before


def _age_bucket_qs(f: MetricsFilter, calendar: BusinessCalendar) -> list[Q]:
    """One Q per :data:`AGE_BUCKETS` entry on ``created_at`` (age in Business Days at ``as_of``)."""
    as_of_day = timezone.localtime(f.as_of - datetime.timedelta(microseconds=1)).date()
    result = []
    for _, low, high in AGE_BUCKETS:
        q = Q()
        if high is not None:
            q &= Q(created_at__gte=midnight(earliest_day_within(calendar, as_of_day, high)))
        if low > 0:
            q &= Q(created_at__lt=midnight(earliest_day_within(calendar, as_of_day, low - 1)))
        result.append(q)
    return result


@dataclass
class CaseStats:
    opened: int = 0
    closed: int = 0
    fr_due: int = 0
    fr_met: int = 0
    res_due: int = 0
    res_met: int = 0
    backlog: list[int] = field(default_factory=lambda: [0] * len(AGE_BUCKETS))
    fr_p50: float | None = None
    fr_p90: float | None = None
    res_p50: float | None = None
    res_p90: float | None = None
    # False when a median or 90th percentile was interpolated inside a histogram bucket (see day_figures).
    percentiles_exact: bool = True

    @property
    def open(self) -> int:
        return sum(self.backlog)

    def add(self, other: CaseStats) -> None:
        for name in ("opened", "closed", "fr_due", "fr_met", "res_due", "res_met"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.backlog = [a + b for a, b in zip(self.backlog, other.backlog, strict=False)]


@dataclass
class CaseMetrics:
    overall: CaseStats
    by_assignee: dict[object, CaseStats]  # AM user id, or OTHERS
    weeks: list[datetime.date]
    opened_per_week: list[int]
    closed_per_week: list[int]
    # In the filter's scope: disputes decided in the range by outcome, and open at the range end (PENDING):
    # [count, disputed amount, granted amount].
    disputes: dict[str, list] = field(default_factory=dict)

    @property
    def percentiles_exact(self) -> bool:
        return self.overall.percentiles_exact and all(s.percentiles_exact for s in self.by_assignee.values())


PERCENTILE_PRECISION_PERCENT = PRECISION_PERCENT


def case_metrics(f: MetricsFilter, manager_user_ids: set[int], calendar: BusinessCalendar | None = None) -> CaseMetrics:
    """Counts, SLA compliance, backlog and percentiles, overall (scoped) and per assignee (always everyone).

    The days of the range come from the daily rollups when they are fresh, and from the cases otherwise (today,
    and any day not yet rolled up or marked stale by a change); the backlog is always measured live."""
    figures = range_figures(f)
    by_key: defaultdict[object, DayFigures] = defaultdict(DayFigures)
    overall_figures = DayFigures()
    pending = DayFigures()
    for assignee_id, day_figures in figures.by_assignee.items():
        by_key[_key(assignee_id, manager_user_ids)].add(day_figures)
        if not f.manager_id or assignee_id == f.manager_id:
            overall_figures.add(day_figures)
    open_cases = _backlog_by_assignee(f, calendar or business_calendar())
    by_assignee: dict[object, CaseStats] = {}
    for key in set(by_key) | {_key(a, manager_user_ids) for a in open_cases}:
        by_assignee[key] = _stats(by_key.get(key, DayFigures()))
    overall = _stats(overall_figures)
    for assignee_id, (backlog, disputes) in open_cases.items():
        _add_backlog(by_assignee[_key(assignee_id, manager_user_ids)], backlog)
        if not f.manager_id or assignee_id == f.manager_id:
            _add_backlog(overall, backlog)
            pending.add_dispute(PENDING, *disputes)
    weeks = week_starts(f)
    opened, closed = defaultdict(int), defaultdict(int)
    for day, (day_opened, day_closed) in figures.scoped_per_day.items():
        week = day - datetime.timedelta(days=day.weekday())
        opened[week] += day_opened
        closed[week] += day_closed
    disputes = {**overall_figures.disputes, PENDING: pending.disputes.get(PENDING, [0, 0, 0])}
    return CaseMetrics(
        overall, by_assignee, weeks, [opened[w] for w in weeks], [closed[w] for w in weeks], disputes=disputes
    )


def _key(assignee_id, manager_user_ids: set[int]):
    return assignee_id if assignee_id in manager_user_ids else OTHERS


def _add_backlog(stats: CaseStats, backlog: list[int]) -> None:
    stats.backlog = [a + b for a, b in zip(stats.backlog, backlog, strict=True)]


def _stats(figures: DayFigures) -> CaseStats:
    stats = CaseStats(**{name: getattr(figures, name) for name in COUNTED_FIELDS})
    percentiles = {
        "fr_p50": figures.first_response.percentile(0.5),
        "fr_p90": figures.first_response.percentile(0.9),
        "res_p50": figures.resolution.percentile(0.5),
        "res_p90": figures.resolution.percentile(0.9),
    }
    for name, percentile in percentiles.items():
        setattr(stats, name, percentile.seconds)
    stats.percentiles_exact = all(p.exact for p in percentiles.values())
    return stats


def _backlog_by_assignee(f: MetricsFilter, calendar: BusinessCalendar) -> dict[int | None, tuple[list, tuple]]:
    """The cases open at the range end per assignee: (counts by age bucket, (disputes, disputed, granted)).

    One grouped query over the open cases. A dispute open at the range end may have an outcome by now: it still
    counts as pending."""
    buckets = _age_bucket_qs(f, calendar)
    rows = (
        Case.objects.filter(_open_now_q(f) if f.as_of >= f.now else _open_at_q(f.as_of))
        .values("assignee_id")
        .annotate(
            **{f"b{i}": Count("pk", filter=q) for i, q in enumerate(buckets)},
            disputes=Count("pk", filter=Q(kind=CaseKind.DISPUTE)),
            disputed=Sum(dispute_field("disputed_amount"), filter=Q(kind=CaseKind.DISPUTE)),
            granted=Sum(dispute_field("granted_amount"), filter=Q(kind=CaseKind.DISPUTE)),
        )
        .order_by()
    )
    return {
        row["assignee_id"]: (
            [row[f"b{i}"] for i in range(len(AGE_BUCKETS))],
            (row["disputes"], row["disputed"], row["granted"]),
        )
        for row in rows
    }


def week_starts(f: MetricsFilter) -> list[datetime.date]:
    """Mondays of the weeks the range touches."""
    first = f.start - datetime.timedelta(days=f.start.weekday())
    result = []
    while first <= f.end:
        result.append(first)
        first += datetime.timedelta(days=7)
    return result


PENDING = "pending"


def dispute_rows(f: MetricsFilter, metrics: CaseMetrics | None = None) -> list[dict]:
    """Disputes decided (or withdrawn) in the range by outcome, and those still open at the range end (from the
    case metrics of ``f``, computed here unless given)."""
    metrics = metrics or case_metrics(f, set())
    result = []
    for value, label in list(DisputeOutcome.choices) + [(PENDING, "Open, no decision yet")]:
        count, disputed, granted = metrics.disputes.get(value, [0, 0, 0])
        result.append(
            {
                "outcome": value,
                "label": label,
                "count": count,
                "disputed": disputed or Decimal("0"),
                "granted": granted or Decimal("0"),
            }
        )
    return result
