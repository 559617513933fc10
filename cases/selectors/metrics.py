"""Case and dispute metrics: volumes, business-hour response and resolution times, backlog age, SLA, disputes.

Cases and disputes belong to their **assignee**; cases in the Service Desk queue or assigned to other staff form the
"Other staff / queues" row (:data:`OTHERS`)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Case as SqlCase
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    F,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncWeek
from django.urls import reverse
from django.utils import timezone

from ercot_services.core.calendar import BusinessCalendar, business_calendar
from ercot_services.core.metrics import (
    MetricsFilter,
    PercentileCont,
    midnight,
    percentile_cont,
    uses_sql_percentiles,
)

from ..models import Case, CaseStatus, DisputeDetail, DisputeOutcome

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


def _percentile_aggregates(f: MetricsFilter) -> dict:
    return {
        "fr_p50": PercentileCont("first_response_business_seconds", 0.5, filter=f.in_range("first_response_at")),
        "fr_p90": PercentileCont("first_response_business_seconds", 0.9, filter=f.in_range("first_response_at")),
        "res_p50": PercentileCont("resolution_business_seconds", 0.5, filter=f.in_range("resolved_at")),
        "res_p90": PercentileCont("resolution_business_seconds", 0.9, filter=f.in_range("resolved_at")),
    }


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


def case_metrics(f: MetricsFilter, manager_user_ids: set[int], calendar: BusinessCalendar | None = None) -> CaseMetrics:
    """Counts, SLA compliance, backlog and percentiles, overall (scoped) and per assignee (always everyone)."""
    sql_percentiles = uses_sql_percentiles()
    by_assignee = _stats_by_assignee(f, manager_user_ids, calendar or business_calendar(), sql_percentiles)
    overall = CaseStats()
    if f.manager_id:
        overall.add(by_assignee.get(f.manager_id, CaseStats()))
    else:
        for stats in by_assignee.values():
            overall.add(stats)
    if sql_percentiles:
        _sql_percentiles_of_wholes(f, manager_user_ids, overall, by_assignee)
    else:
        _python_percentiles(f, manager_user_ids, overall, by_assignee)
    weeks, opened_series, closed_series = _weekly_series(f)
    return CaseMetrics(overall, dict(by_assignee), weeks, opened_series, closed_series)


def _stats_by_assignee(
    f: MetricsFilter, manager_user_ids: set[int], calendar: BusinessCalendar, sql_percentiles: bool
) -> defaultdict[object, CaseStats]:
    """One grouped query: counts, SLA compliance, backlog (and on PostgreSQL percentiles) per AM, or OTHERS."""
    buckets = _age_bucket_qs(f, calendar)
    open_q = _open_at_q(f.as_of)
    fr_q = f.in_range("first_response_at") & Q(first_response_due_at__isnull=False)
    res_q = f.in_range("resolved_at") & Q(resolution_due_at__isnull=False)
    aggregates = {
        "opened": Count("pk", filter=f.in_range("created_at")),
        "closed": Count("pk", filter=_finished_q(f)),
        "fr_due": Count("pk", filter=fr_q),
        "fr_met": Count("pk", filter=fr_q & Q(first_response_at__lte=F("first_response_due_at"))),
        "res_due": Count("pk", filter=res_q),
        "res_met": Count("pk", filter=res_q & Q(resolved_at__lte=F("resolution_due_at"))),
        **{f"b{i}": Count("pk", filter=open_q & q) for i, q in enumerate(buckets)},
    }
    if sql_percentiles:
        aggregates.update(_percentile_aggregates(f))
    relevant = (
        f.in_range("created_at") | _finished_q(f) | f.in_range("first_response_at") | f.in_range("resolved_at") | open_q
    )
    rows = Case.objects.filter(relevant).values("assignee_id").annotate(**aggregates).order_by()

    by_assignee: defaultdict[object, CaseStats] = defaultdict(CaseStats)
    for row in rows:
        key = row["assignee_id"] if row["assignee_id"] in manager_user_ids else OTHERS
        stats = CaseStats(
            **{k: row[k] for k in ("opened", "closed", "fr_due", "fr_met", "res_due", "res_met")},
            backlog=[row[f"b{i}"] for i in range(len(AGE_BUCKETS))],
        )
        by_assignee[key].add(stats)
        if sql_percentiles and key != OTHERS:
            for name in ("fr_p50", "fr_p90", "res_p50", "res_p90"):
                setattr(by_assignee[key], name, row[name])
    return by_assignee


def _sql_percentiles_of_wholes(f: MetricsFilter, manager_user_ids: set[int], overall: CaseStats, by_assignee) -> None:
    """PostgreSQL: percentiles of the "others" group and of the whole do not add up from the groups; ask SQL."""
    timed = f.in_range("first_response_at") | f.in_range("resolved_at")  # the rows the percentiles read
    whole = Case.objects.filter(case_scope_q(f)).filter(timed).aggregate(**_percentile_aggregates(f))
    for name, value in whole.items():
        setattr(overall, name, value)
    others = (
        Case.objects.exclude(assignee_id__in=manager_user_ids).filter(timed).aggregate(**_percentile_aggregates(f))
        if OTHERS in by_assignee
        else {}
    )
    for name, value in others.items():
        setattr(by_assignee[OTHERS], name, value)


def _python_percentiles(f, manager_user_ids, overall: CaseStats, by_assignee: dict) -> None:
    """SQLite: one query for the durations in the range, percentiles interpolated here."""
    samples = defaultdict(lambda: {"fr": [], "res": []})
    rows = Case.objects.filter(f.in_range("first_response_at") | f.in_range("resolved_at")).values_list(
        "assignee_id",
        "first_response_at",
        "first_response_business_seconds",
        "resolved_at",
        "resolution_business_seconds",
    )
    everyone = {"fr": [], "res": []}
    for assignee_id, first_at, first_seconds, resolved_at, resolution_seconds in rows:
        key = assignee_id if assignee_id in manager_user_ids else OTHERS
        in_scope = not f.manager_id or assignee_id == f.manager_id
        if first_at and f.start_at <= first_at < f.end_at and first_seconds is not None:
            samples[key]["fr"].append(first_seconds)
            if in_scope:
                everyone["fr"].append(first_seconds)
        if resolved_at and f.start_at <= resolved_at < f.end_at and resolution_seconds is not None:
            samples[key]["res"].append(resolution_seconds)
            if in_scope:
                everyone["res"].append(resolution_seconds)
    for key, values in samples.items():
        _set_percentiles(by_assignee[key], values)
    _set_percentiles(overall, everyone)


def _set_percentiles(stats: CaseStats, values: dict) -> None:
    stats.fr_p50 = percentile_cont(values["fr"], 0.5)
    stats.fr_p90 = percentile_cont(values["fr"], 0.9)
    stats.res_p50 = percentile_cont(values["res"], 0.5)
    stats.res_p90 = percentile_cont(values["res"], 0.9)


def week_starts(f: MetricsFilter) -> list[datetime.date]:
    """Mondays of the weeks the range touches."""
    first = f.start - datetime.timedelta(days=f.start.weekday())
    result = []
    while first <= f.end:
        result.append(first)
        first += datetime.timedelta(days=7)
    return result


def _weekly_series(f: MetricsFilter) -> tuple[list[datetime.date], list[int], list[int]]:
    scoped = Case.objects.filter(case_scope_q(f))
    opened = (
        scoped.filter(f.in_range("created_at"))
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    closed = (
        scoped.filter(_finished_q(f))
        .annotate(week=TruncWeek(Coalesce("resolved_at", "closed_at", output_field=DateTimeField())))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    weeks = week_starts(f)

    def series(rows):
        counts = defaultdict(int)
        for row in rows:
            week = row["week"]
            day = timezone.localtime(week).date() if isinstance(week, datetime.datetime) else week
            counts[day] += row["n"]
        return [counts.get(week, 0) for week in weeks]

    return weeks, series(opened), series(closed)


PENDING = "pending"


def dispute_rows(f: MetricsFilter) -> list[dict]:
    """Disputes decided (or withdrawn) in the range by outcome, and those still open at the range end."""
    decided = ~Q(outcome="") & _finished_q(f, "case__")
    pending = _open_at_q(f.as_of, "case__")
    # A dispute open at the range end may have an outcome by now: it still counts as pending.
    group = SqlCase(When(pending, then=Value(PENDING)), default=F("outcome"), output_field=CharField())
    rows = (
        DisputeDetail.objects.filter(case_scope_q(f, "case__"))
        .filter(decided | pending)
        .annotate(group=group)
        .values("group")
        .annotate(count=Count("pk"), disputed=Sum("disputed_amount"), granted=Sum("granted_amount"))
        .order_by()
    )
    by_outcome = {row["group"]: row for row in rows}
    result = []
    for value, label in list(DisputeOutcome.choices) + [(PENDING, "Open, no decision yet")]:
        row = by_outcome.get(value, {})
        result.append(
            {
                "outcome": value,
                "label": label,
                "count": row.get("count", 0),
                "disputed": row.get("disputed") or Decimal("0"),
                "granted": row.get("granted") or Decimal("0"),
            }
        )
    return result
