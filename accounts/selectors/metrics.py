"""Client Services metrics: how quickly and how well the department serves its Market Participants.

Everything is aggregated in SQL, one grouped query per section, so the page
costs the same number of queries whatever the number of cases, applications,
notices or feedback rows.

Attribution to an Account Manager (decided here, stated on the page):

* cases and disputes belong to their **assignee** (``Case.assignee``): a case
  is routed to the MP's current AM when it is opened, and the assignee is who
  answered and resolved it. Cases in the Service Desk queue or assigned to
  other staff form the "Other staff / queues" row;
* feedback, registration and qualification belong to the MP's **current AM**
  (the book as it is today): they have no assignee;
* market notices go to the whole market: the AM filter does not apply to them.

Business-hour durations come from ``Case.first_response_business_seconds`` and
``Case.resolution_business_seconds``, frozen by the case services when the
first response and the resolution happen (pauses while Waiting on Participant
excluded). Medians and 90th percentiles use ``percentile_cont`` on PostgreSQL;
SQLite (the development default) has no such aggregate, so there one
``values_list`` query fetches the durations and :func:`percentile_cont`
interpolates the same way in Python.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    CharField,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models import Case as SqlCase
from django.db.models.functions import Coalesce, TruncDate, TruncWeek
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseStatus, DisputeDetail, DisputeOutcome
from ercot_services.core.calendar import BusinessCalendar, business_calendar
from plans.models import FeedbackChannel, PerformanceFeedback

from ..models import AccountManager, AccountManagerAssignment
from .participants import book_participant_ids

HOUR = 3600
DAY = 86400
OTHERS = "others"
# Backlog age buckets in Business Days: (label, lowest age, highest age or None).
AGE_BUCKETS: list[tuple[str, int, int | None]] = [
    ("0–2 BD", 0, 2),
    ("3–5 BD", 3, 5),
    ("6–10 BD", 6, 10),
    ("11–20 BD", 11, 20),
    ("Over 20 BD", 21, None),
]


# --- filters -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricsFilter:
    """The date range (inclusive, operator time) and the Account Manager scope (None: everyone)."""

    start: datetime.date
    end: datetime.date
    manager_id: int | None = None
    now: datetime.datetime = field(default_factory=timezone.now)

    @property
    def start_at(self) -> datetime.datetime:
        return _midnight(self.start)

    @property
    def end_at(self) -> datetime.datetime:
        """The first moment after the range (midnight after ``end``)."""
        return _midnight(self.end + datetime.timedelta(days=1))

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


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


def default_range(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last 90 days, today included."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=89), today


# --- percentiles ----------------------------------------------------------------------------------


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


# --- cells and tables (rendered on the page and exported as CSV) ------------------------------------


@dataclass
class Cell:
    value: object
    display: str | None = None
    url: str = ""
    numeric: bool = False

    def __str__(self):
        return self.display if self.display is not None else ("" if self.value is None else str(self.value))


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    footer: list[Cell] | None = None
    note: str = ""
    empty: str = "Nothing in this range."
    csv_columns: list[str] | None = None  # the header with units, when the page's header leaves them to the cells

    def csv_rows(self):
        yield self.csv_columns or self.columns
        for row in self.rows + ([self.footer] if self.footer else []):
            yield [_csv_value(cell.value) for cell in row]


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return value


def num(value, url: str = "") -> Cell:
    return Cell(value=value, display=f"{value:,}" if isinstance(value, int) else None, url=url, numeric=True)


def hours(seconds) -> Cell:
    if seconds is None:
        return Cell(value=None, display="—", numeric=True)
    value = seconds / HOUR
    return Cell(value=round(value, 2), display=f"{value:.1f} h", numeric=True)


def days(value: float | None) -> Cell:
    if value is None:
        return Cell(value=None, display="—", numeric=True)
    return Cell(value=round(value, 2), display=f"{value:.1f} d", numeric=True)


def percent(part: int, whole: int, url: str = "") -> Cell:
    if not whole:
        return Cell(value=None, display="—", numeric=True)
    value = 100 * part / whole
    return Cell(value=round(value, 1), display=f"{value:.0f}% ({part}/{whole})", url=url, numeric=True)


def money(value) -> Cell:
    value = Decimal(value or 0).quantize(Decimal("0.01"))
    return Cell(value=value, display=f"${value:,.2f}", numeric=True)


def ratio(part, whole) -> float | None:
    return 100 * part / whole if whole else None


# --- links to the lists behind the figures -----------------------------------------------------------


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


# --- scoping ---------------------------------------------------------------------------------------------


def _current_am_user():
    """Subquery: the user id of the current AM of the row's ``participant_id``."""
    return Subquery(
        AccountManagerAssignment.objects.filter(participant=OuterRef("participant_id"), ended_at__isnull=True).values(
            "account_manager__user_id"
        )[:1]
    )


def book_q(f: MetricsFilter, path: str = "participant") -> Q:
    """Rows of the MPs currently in the chosen AM's book (everything when no AM is chosen)."""
    if not f.manager_id:
        return Q()
    return Q(**{f"{path}_id__in": book_participant_ids(f.manager_id)})


def case_scope_q(f: MetricsFilter, path: str = "") -> Q:
    return Q(**{f"{path}assignee_id": f.manager_id}) if f.manager_id else Q()


# --- account managers --------------------------------------------------------------------------------------


def managers() -> list[AccountManager]:
    return list(
        AccountManager.objects.select_related("user")
        .annotate(book_size=Count("assignments", filter=Q(assignments__ended_at__isnull=True)))
        .order_by("user__full_name")
    )


# --- cases ----------------------------------------------------------------------------------------------------


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
            q &= Q(created_at__gte=_midnight(earliest_day_within(calendar, as_of_day, high)))
        if low > 0:
            q &= Q(created_at__lt=_midnight(earliest_day_within(calendar, as_of_day, low - 1)))
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
    calendar = calendar or business_calendar()
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
    sql_percentiles = uses_sql_percentiles()
    if sql_percentiles:
        aggregates.update(_percentile_aggregates(f))
    relevant = (
        f.in_range("created_at") | _finished_q(f) | f.in_range("first_response_at") | f.in_range("resolved_at") | open_q
    )
    rows = Case.objects.filter(relevant).values("assignee_id").annotate(**aggregates).order_by()

    by_assignee: dict[object, CaseStats] = defaultdict(CaseStats)
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

    overall = CaseStats()
    if f.manager_id:
        overall.add(by_assignee.get(f.manager_id, CaseStats()))
    else:
        for stats in by_assignee.values():
            overall.add(stats)

    if sql_percentiles:
        # Percentiles of the "others" group and of the whole do not add up from the groups: ask SQL.
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
    else:
        _python_percentiles(f, manager_user_ids, overall, by_assignee)

    weeks, opened_series, closed_series = _weekly_series(f)
    return CaseMetrics(overall, dict(by_assignee), weeks, opened_series, closed_series)


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


# --- disputes -------------------------------------------------------------------------------------------------


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


# --- feedback -------------------------------------------------------------------------------------------------


@dataclass
class FeedbackStats:
    count: int = 0
    total: int = 0
    distribution: list[int] = field(default_factory=lambda: [0] * 5)

    @property
    def average(self) -> float | None:
        return self.total / self.count if self.count else None

    def add(self, other: FeedbackStats) -> None:
        self.count += other.count
        self.total += other.total
        self.distribution = [a + b for a, b in zip(self.distribution, other.distribution, strict=False)]


def feedback_by_manager(f: MetricsFilter, manager_user_ids: set[int]) -> tuple[FeedbackStats, dict]:
    """Feedback given in the range, per current AM of the MP (always everyone) and overall (scoped)."""
    rows = (
        PerformanceFeedback.objects.filter(f.in_range("created_at"))
        .annotate(am=_current_am_user())
        .values("am")
        .annotate(
            count=Count("pk"),
            total=Sum("rating"),
            **{f"r{n}": Count("pk", filter=Q(rating=n)) for n in range(1, 6)},
        )
        .order_by()
    )
    by_manager: dict[object, FeedbackStats] = defaultdict(FeedbackStats)
    for row in rows:
        key = row["am"] if row["am"] in manager_user_ids else OTHERS
        by_manager[key].add(FeedbackStats(row["count"], row["total"] or 0, [row[f"r{n}"] for n in range(1, 6)]))
    overall = FeedbackStats()
    if f.manager_id:
        overall.add(by_manager.get(f.manager_id, FeedbackStats()))
    else:
        for stats in by_manager.values():
            overall.add(stats)
    return overall, dict(by_manager)


def feedback_by_channel(f: MetricsFilter) -> list[dict]:
    rows = (
        PerformanceFeedback.objects.filter(f.in_range("created_at") & book_q(f))
        .values("channel")
        .annotate(count=Count("pk"), average=Avg("rating"))
        .order_by()
    )
    by_channel = {row["channel"]: row for row in rows}
    return [
        {
            "channel": value,
            "label": label,
            "count": by_channel.get(value, {}).get("count", 0),
            "average": by_channel.get(value, {}).get("average"),
        }
        for value, label in FeedbackChannel.choices
    ]


# --- registration and qualification -----------------------------------------------------------------------------


def registration_rows(f: MetricsFilter) -> tuple[list[dict], dict]:
    """Applications submitted, approved and rejected in the range by kind, with the median days to a decision."""
    from registration.models import Application, ApplicationKind, ApplicationStatus

    decided = f.in_range("decided_at") & Q(
        status__in=[ApplicationStatus.APPROVED, ApplicationStatus.REJECTED], submitted_at__isnull=False
    )
    cycle = ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField())
    aggregates = {
        "submitted": Count("pk", filter=f.in_range("submitted_at")),
        "approved": Count("pk", filter=decided & Q(status=ApplicationStatus.APPROVED)),
        "rejected": Count("pk", filter=decided & Q(status=ApplicationStatus.REJECTED)),
    }
    scoped = Application.objects.filter(book_q(f)).filter(f.in_range("submitted_at") | decided)
    sql_percentiles = uses_sql_percentiles()
    if sql_percentiles:
        aggregates["median"] = PercentileCont(cycle, 0.5, filter=decided, output_field=DurationField())
    rows = {row["kind"]: row for row in scoped.values("kind").annotate(**aggregates).order_by()}
    if sql_percentiles:
        whole = scoped.aggregate(median=PercentileCont(cycle, 0.5, filter=decided, output_field=DurationField()))
        medians = {kind: _days(row["median"]) for kind, row in rows.items()}
        overall_median = _days(whole["median"])
    else:
        samples = defaultdict(list)
        for kind, submitted_at, decided_at in scoped.filter(decided).values_list("kind", "submitted_at", "decided_at"):
            samples[kind].append((decided_at - submitted_at).total_seconds() / DAY)
        medians = {kind: percentile_cont(values, 0.5) for kind, values in samples.items()}
        overall_median = percentile_cont([v for values in samples.values() for v in values], 0.5)
    result = []
    for value, label in ApplicationKind.choices:
        row = rows.get(value, {})
        result.append(
            {
                "kind": value,
                "label": label,
                "submitted": row.get("submitted", 0),
                "approved": row.get("approved", 0),
                "rejected": row.get("rejected", 0),
                "median_days": medians.get(value),
            }
        )
    total = {
        "submitted": sum(r["submitted"] for r in result),
        "approved": sum(r["approved"] for r in result),
        "rejected": sum(r["rejected"] for r in result),
        "median_days": overall_median,
    }
    return result, total


def _days(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        return value.total_seconds() / DAY
    return float(value) / DAY  # microseconds on backends that store durations as integers


def qualification_stats(f: MetricsFilter) -> dict:
    """Enrollments made, testing passed/failed, letters issued in the range; median days enrollment → letter."""
    from qualification.models import Enrollment

    letter_q = f.dates_in_range("letter__issued_on")
    scoped = Enrollment.objects.filter(book_q(f))
    stats = scoped.aggregate(
        enrolled=Count("pk", filter=f.in_range("created_at")),
        passed=Count("pk", filter=Q(result__completed=True) & f.dates_in_range("result__tested_on")),
        failed=Count("pk", filter=Q(result__completed=False) & f.dates_in_range("result__tested_on")),
        letters=Count("pk", filter=letter_q),
    )
    # Enrollments recorded after their letter (history entered after the fact) have no meaningful cycle time.
    timed = letter_q & Q(letter__issued_on__gte=TruncDate("created_at"))
    if uses_sql_percentiles():
        cycle = ExpressionWrapper(F("letter__issued_on") - TruncDate("created_at"), output_field=DurationField())
        median = scoped.aggregate(median=PercentileCont(cycle, 0.5, filter=timed, output_field=DurationField()))[
            "median"
        ]
        stats["median_days"] = _days(median)
    else:
        values = [
            (issued_on - timezone.localtime(created_at).date()).days
            for issued_on, created_at in scoped.filter(timed).values_list("letter__issued_on", "created_at")
        ]
        stats["median_days"] = percentile_cont(values, 0.5)
    return stats


# --- notices ---------------------------------------------------------------------------------------------------


def notice_rows(f: MetricsFilter) -> list[dict]:
    """Notices published in the range by type (market-wide: the AM filter does not apply)."""
    from notices.models import Notice, NoticeStatus

    return list(
        Notice.objects.filter(f.in_range("published_at"), status=NoticeStatus.PUBLISHED)
        .values("notice_type__name", "notice_type__slug")
        .annotate(count=Count("pk"))
        .order_by("-count", "notice_type__name")
    )


def delivery_stats(f: MetricsFilter) -> dict:
    """Emails of the notices published in the range: delivered, bounced (hard bounce after sending), failed, pending."""
    from notices.models import Notice, NoticeDelivery, NoticeStatus, Suppression

    bounced = Exists(
        Suppression.objects.filter(
            email=OuterRef("email"), reason=Suppression.Reason.HARD_BOUNCE, created_at__gte=OuterRef("sent_at")
        )
    )
    sent = Q(status=NoticeDelivery.Status.SENT)
    stats = NoticeDelivery.objects.filter(
        notice__in=Notice.objects.filter(f.in_range("published_at"), status=NoticeStatus.PUBLISHED)
    ).aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=sent),
        bounced=Count("pk", filter=sent & Q(bounced)),
        failed=Count("pk", filter=Q(status=NoticeDelivery.Status.FAILED)),
        pending=Count("pk", filter=Q(status__in=[NoticeDelivery.Status.PENDING, NoticeDelivery.Status.CLAIMED])),
    )
    stats["delivered"] = stats["sent"] - stats["bounced"]
    stats["finished"] = stats["sent"] + stats["failed"]
    stats["success"] = ratio(stats["delivered"], stats["finished"])
    return stats


# --- the page: shared data, tables, KPI cards, chart data ---------------------------------------------------------


class MetricsData:
    """The sections' query results, each computed on first use (a CSV export runs only what its table needs)."""

    def __init__(self, f: MetricsFilter):
        self.f = f
        self._cache: dict[str, object] = {}

    def _get(self, name, compute):
        if name not in self._cache:
            self._cache[name] = compute()
        return self._cache[name]

    @property
    def managers(self) -> list[AccountManager]:
        return self._get("managers", managers)

    @property
    def manager_user_ids(self) -> set[int]:
        return {m.user_id for m in self.managers}

    @property
    def cases(self) -> CaseMetrics:
        return self._get("cases", lambda: case_metrics(self.f, self.manager_user_ids))

    @property
    def disputes(self) -> list[dict]:
        return self._get("disputes", lambda: dispute_rows(self.f))

    @property
    def feedback(self) -> tuple[FeedbackStats, dict]:
        return self._get("feedback", lambda: feedback_by_manager(self.f, self.manager_user_ids))

    @property
    def channels(self) -> list[dict]:
        return self._get("channels", lambda: feedback_by_channel(self.f))

    @property
    def registration(self) -> tuple[list[dict], dict]:
        return self._get("registration", lambda: registration_rows(self.f))

    @property
    def qualification(self) -> dict:
        return self._get("qualification", lambda: qualification_stats(self.f))

    @property
    def notices(self) -> list[dict]:
        return self._get("notices", lambda: notice_rows(self.f))

    @property
    def deliveries(self) -> dict:
        return self._get("deliveries", lambda: delivery_stats(self.f))


def _table_managers(d: MetricsData) -> Table:
    f = d.f
    cases, (_, feedback) = d.cases, d.feedback
    rows = []
    participants_url = reverse("workspace:participants")
    entries = [(m.user_id, m.user.full_name, m) for m in d.managers]
    entries.append((OTHERS, "Other staff / queues", None))
    totals = CaseStats()
    feedback_total = FeedbackStats()
    for key, name, manager in entries:
        stats = cases.by_assignee.get(key, CaseStats())
        fb = feedback.get(key, FeedbackStats())
        if manager is None and not (stats.opened or stats.closed or stats.open or fb.count):
            continue
        totals.add(stats)
        feedback_total.add(fb)
        scoped_url = f"?{urlencode({**f.params, 'manager': key})}" if manager else ""
        rows.append(
            [
                Cell(name, url=scoped_url),
                num(manager.book_size, f"{participants_url}?account_manager={manager.pk}")
                if manager
                else Cell(None, "—", numeric=True),
                num(stats.opened, case_queue_url(assignee=key, sort="-created")),
                num(stats.closed, case_queue_url(assignee=key, statuses=FINISHED_STATUSES)),
                num(stats.open, case_queue_url(assignee=key, statuses=("open",), sort="created")),
                hours(stats.fr_p50),
                hours(stats.res_p50),
                percent(stats.fr_met, stats.fr_due),
                percent(stats.res_met, stats.res_due),
                num(fb.count),
                Cell(
                    round(fb.average, 2) if fb.average else None,
                    f"{fb.average:.2f}" if fb.average else "—",
                    numeric=True,
                ),
            ]
        )
    footer = [
        Cell("All", display="All"),
        num(sum(m.book_size for m in d.managers)),
        num(totals.opened),
        num(totals.closed),
        num(totals.open),
        Cell(None, "—", numeric=True),
        Cell(None, "—", numeric=True),
        percent(totals.fr_met, totals.fr_due),
        percent(totals.res_met, totals.res_due),
        num(feedback_total.count),
        Cell(
            round(feedback_total.average, 2) if feedback_total.average else None,
            f"{feedback_total.average:.2f}" if feedback_total.average else "—",
            numeric=True,
        ),
    ]
    return Table(
        "managers",
        "By Account Manager",
        [
            "Account Manager",
            "MPs in book",
            "Opened",
            "Closed",
            "Open at end",
            "Median first response",
            "Median resolution",
            "First response in SLA",
            "Resolution in SLA",
            "Feedback",
            "Average rating",
        ],
        rows,
        footer=footer,
        csv_columns=[
            "Account Manager",
            "MPs in book",
            "Opened",
            "Closed",
            "Open at end",
            "Median first response (business hours)",
            "Median resolution (business hours)",
            "First response in SLA (%)",
            "Resolution in SLA (%)",
            "Feedback",
            "Average rating",
        ],
        note="Cases count for their assignee; feedback for the MP's current Account Manager. Times are business "
        "hours; the medians of the whole are in the response-time table above.",
    )


def _table_weekly(d: MetricsData) -> Table:
    cases = d.cases
    rows = [
        [Cell(week.isoformat(), f"Week of {week:%b %d, %Y}"), num(opened), num(closed)]
        for week, opened, closed in zip(cases.weeks, cases.opened_per_week, cases.closed_per_week, strict=False)
    ]
    footer = [Cell("Total", "Total"), num(sum(cases.opened_per_week)), num(sum(cases.closed_per_week))]
    return Table("weekly", "Cases opened and closed per week", ["Week (Monday)", "Opened", "Closed"], rows, footer)


def _table_response(d: MetricsData) -> Table:
    stats = d.cases.overall
    assignee = d.f.manager_id
    rows = [
        [
            Cell("First response"),
            num(stats.fr_due),
            hours(stats.fr_p50),
            hours(stats.fr_p90),
            percent(stats.fr_met, stats.fr_due),
        ],
        [
            Cell("Resolution"),
            num(stats.res_due, case_queue_url(assignee=assignee, statuses=FINISHED_STATUSES)),
            hours(stats.res_p50),
            hours(stats.res_p90),
            percent(stats.res_met, stats.res_due),
        ],
    ]
    return Table(
        "response",
        "Response and resolution times",
        ["Measure", "Cases in range", "Median (business h)", "90th percentile (business h)", "Within SLA"],
        rows,
        csv_columns=[
            "Measure",
            "Cases in range",
            "Median (business hours)",
            "90th percentile (business hours)",
            "Within SLA (%)",
        ],
        note="Business hours are 08:00–17:00 on Business Days (operator time, holidays excluded); time Waiting on "
        "Participant is not counted. A case counts when its first response or resolution falls in the range.",
    )


def _table_backlog(d: MetricsData) -> Table:
    stats = d.cases.overall
    url = case_queue_url(assignee=d.f.manager_id, statuses=("open",), sort="created")
    rows = [[Cell(label), num(count, url)] for (label, _, _), count in zip(AGE_BUCKETS, stats.backlog, strict=False)]
    as_of = timezone.localtime(d.f.as_of)
    return Table(
        "backlog",
        "Open cases by age",
        ["Age (Business Days since opened)", "Open cases"],
        rows,
        footer=[Cell("Total", "Total"), num(stats.open, url)],
        note=f"Cases open at {as_of:%b %d, %Y %H:%M}, aged in Business Days (weekends and operator holidays "
        "excluded). Links open the queue's open cases, oldest first.",
    )


def _table_disputes(d: MetricsData) -> Table:
    rows = []
    for row in d.disputes:
        if row["outcome"] == PENDING:
            statuses = ("open",)
        else:
            statuses = FINISHED_STATUSES
        url = case_queue_url(assignee=d.f.manager_id, statuses=statuses, kind="dispute")
        rows.append([Cell(row["label"]), num(row["count"], url), money(row["disputed"]), money(row["granted"])])
    footer = [
        Cell("Total", "Total"),
        num(sum(r["count"] for r in d.disputes)),
        money(sum(r["disputed"] for r in d.disputes)),
        money(sum(r["granted"] for r in d.disputes)),
    ]
    return Table(
        "disputes",
        "Disputes by outcome",
        ["Outcome", "Disputes", "Disputed amount", "Granted amount"],
        rows,
        footer,
        note="Decided or withdrawn in the range, and open at the range end.",
    )


def _table_registration(d: MetricsData) -> Table:
    rows_data, total = d.registration
    url = reverse("workspace:applications")
    rows = [
        [
            Cell(row["label"]),
            num(row["submitted"], f"{url}?{urlencode({'status': 'any', 'kind': row['kind']})}"),
            num(row["approved"], f"{url}?{urlencode({'status': 'approved', 'kind': row['kind']})}"),
            num(row["rejected"], f"{url}?{urlencode({'status': 'rejected', 'kind': row['kind']})}"),
            days(row["median_days"]),
        ]
        for row in rows_data
    ]
    footer = [
        Cell("All", "All"),
        num(total["submitted"]),
        num(total["approved"]),
        num(total["rejected"]),
        days(total["median_days"]),
    ]
    return Table(
        "registration",
        "Registration throughput",
        ["Application", "Submitted", "Approved", "Rejected", "Median days submitted → decided"],
        rows,
        footer,
        csv_columns=["Application", "Submitted", "Approved", "Rejected", "Median days submitted to decided"],
        note="Submitted, approved and rejected in the range; the cycle time is over decisions in the range "
        "(calendar days).",
    )


def _table_qualification(d: MetricsData) -> Table:
    stats = d.qualification
    letters = reverse("workspace:letters")
    flights = reverse("workspace:flights")
    rows = [
        [Cell("Enrollments in a testing Flight"), num(stats["enrolled"], flights)],
        [Cell("Testing completed successfully"), num(stats["passed"], flights)],
        [Cell("Testing not completed"), num(stats["failed"], flights)],
        [Cell("Qualification letters issued"), num(stats["letters"], letters)],
        [Cell("Median days enrollment → letter"), days(stats["median_days"])],
    ]
    return Table(
        "qualification",
        "Qualification throughput",
        ["Measure", "Value"],
        rows,
        note="Flight results by testing date, letters by issue date. The cycle time is in calendar days and leaves "
        "out enrollments recorded after their letter was issued.",
    )


def _table_notices(d: MetricsData) -> Table:
    url = reverse("workspace:notice-list")
    rows = [
        [
            Cell(row["notice_type__name"]),
            num(row["count"], f"{url}?{urlencode({'status': 'published', 'type': row['notice_type__slug']})}"),
        ]
        for row in d.notices
    ]
    return Table(
        "notices",
        "Notices published by type",
        ["Notice type", "Published"],
        rows,
        footer=[Cell("Total", "Total"), num(sum(r["count"] for r in d.notices))],
        note="Market notices go to the whole market: the Account Manager filter does not apply.",
        empty="No notice was published in this range.",
    )


def _table_deliveries(d: MetricsData) -> Table:
    stats = d.deliveries
    rows = [
        [Cell("Delivered"), num(stats["delivered"])],
        [Cell("Bounced (hard bounce after sending)"), num(stats["bounced"])],
        [Cell("Failed to send"), num(stats["failed"])],
        [Cell("Pending"), num(stats["pending"])],
    ]
    return Table(
        "deliveries",
        "Notice email delivery",
        ["Result", "Emails"],
        rows,
        footer=[Cell("Success rate (%)", "Success rate"), percent(stats["delivered"], stats["finished"])],
        note="Emails of the notices published in the range. Success = delivered ÷ (sent + failed).",
    )


def _table_feedback(d: MetricsData) -> Table:
    overall, _ = d.feedback
    rows = [
        [Cell(rating, f"{rating} / 5", numeric=True), num(count), percent(count, overall.count)]
        for rating, count in zip(range(1, 6), overall.distribution, strict=False)
    ]
    return Table(
        "feedback",
        "Feedback ratings",
        ["Rating", "Responses", "Share"],
        rows,
        csv_columns=["Rating", "Responses", "Share (%)"],
        footer=[
            Cell("Average", "Average"),
            Cell(
                round(overall.average, 2) if overall.average else None,
                f"{overall.average:.2f}" if overall.average else "—",
                numeric=True,
            ),
            num(overall.count),
        ],
    )


def _table_channels(d: MetricsData) -> Table:
    rows = [
        [
            Cell(row["label"]),
            num(row["count"]),
            Cell(
                round(row["average"], 2) if row["average"] else None,
                f"{row['average']:.2f}" if row["average"] else "—",
                numeric=True,
            ),
        ]
        for row in d.channels
    ]
    return Table("feedback-channels", "Feedback by channel", ["Channel", "Responses", "Average rating"], rows)


TABLES = {
    "managers": _table_managers,
    "weekly": _table_weekly,
    "response": _table_response,
    "backlog": _table_backlog,
    "disputes": _table_disputes,
    "registration": _table_registration,
    "qualification": _table_qualification,
    "notices": _table_notices,
    "deliveries": _table_deliveries,
    "feedback": _table_feedback,
    "feedback-channels": _table_channels,
}


def metrics_table(f: MetricsFilter, key: str) -> Table:
    """One table, for its CSV export. ``KeyError`` for an unknown key."""
    return TABLES[key](MetricsData(f))


@dataclass
class Kpi:
    label: str
    value: str
    detail: str = ""
    url: str = ""


def metrics_dashboard(f: MetricsFilter) -> dict:
    """Everything the page shows: KPI cards, tables and the charts' data."""
    d = MetricsData(f)
    tables = {key: build(d) for key, build in TABLES.items()}
    stats = d.cases.overall
    feedback, _ = d.feedback
    deliveries = d.deliveries
    disputes = d.disputes
    assignee = f.manager_id

    def pct(part, whole):
        value = ratio(part, whole)
        return "—" if value is None else f"{value:.0f}%"

    kpis = [
        Kpi(
            "Cases opened",
            f"{stats.opened:,}",
            f"{stats.closed:,} closed",
            case_queue_url(assignee=assignee, sort="-created"),
        ),
        Kpi(
            "Open at range end",
            f"{stats.open:,}",
            f"{stats.backlog[-1]:,} older than 20 BD",
            case_queue_url(assignee=assignee, statuses=("open",), sort="created"),
        ),
        Kpi(
            "Median first response",
            str(hours(stats.fr_p50)),
            f"90th percentile {hours(stats.fr_p90)}",
        ),
        Kpi("Median resolution", str(hours(stats.res_p50)), f"90th percentile {hours(stats.res_p90)}"),
        Kpi(
            "First response within SLA",
            pct(stats.fr_met, stats.fr_due),
            f"{stats.fr_met} of {stats.fr_due}",
        ),
        Kpi(
            "Resolution within SLA",
            pct(stats.res_met, stats.res_due),
            f"{stats.res_met} of {stats.res_due}",
            case_queue_url(assignee=assignee, statuses=FINISHED_STATUSES),
        ),
        Kpi(
            "Average feedback",
            f"{feedback.average:.2f} / 5" if feedback.average else "—",
            f"{feedback.count} response{'s' if feedback.count != 1 else ''}",
        ),
        Kpi(
            "Notice email success",
            "—" if deliveries["success"] is None else f"{deliveries['success']:.1f}%",
            f"{deliveries['bounced']} bounced, {deliveries['failed']} failed",
            reverse("workspace:notice-list") + "?status=published",
        ),
    ]
    charts = {
        "weekly": {
            "labels": [f"{w:%b %d}" for w in d.cases.weeks],
            "opened": d.cases.opened_per_week,
            "closed": d.cases.closed_per_week,
        },
        "backlog": {"labels": [label for label, _, _ in AGE_BUCKETS], "counts": stats.backlog},
        "disputes": {
            "labels": [row["label"] for row in disputes],
            "counts": [row["count"] for row in disputes],
            "disputed": [float(row["disputed"]) for row in disputes],
            "granted": [float(row["granted"]) for row in disputes],
        },
        "feedback": {"labels": [f"{n} / 5" for n in range(1, 6)], "counts": feedback.distribution},
        "deliveries": {
            "labels": ["Delivered", "Bounced", "Failed", "Pending"],
            "counts": [deliveries["delivered"], deliveries["bounced"], deliveries["failed"], deliveries["pending"]],
        },
    }
    return {"kpis": kpis, "tables": tables, "charts": charts, "managers": d.managers}
