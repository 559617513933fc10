"""Client Services metrics: how quickly and how well the department serves its Market Participants.

This module only combines: each app owns the selector of its figures (``cases.selectors.metrics``,
``plans.selectors.metrics``, ``registration``, ``qualification`` and ``notices`` likewise), the filter and the
percentiles are in ``ercot_services.core.metrics``; here they become the page's tables, KPI cards and chart data.

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

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountManager
from accounts.selectors.metrics import managers
from cases.selectors.metrics import (
    AGE_BUCKETS,
    FINISHED_STATUSES,
    OTHERS,
    PENDING,
    CaseMetrics,
    CaseStats,
    case_metrics,
    case_queue_url,
    dispute_rows,
)
from ercot_services.core.metrics import MetricsFilter, ratio
from notices.selectors.metrics import delivery_stats, notice_rows
from plans.selectors.metrics import FeedbackStats, feedback_by_channel, feedback_by_manager
from qualification.selectors.metrics import qualification_stats
from registration.selectors.metrics import registration_rows

from .metric_cells import Cell, Table, days, hours, money, num, percent

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
