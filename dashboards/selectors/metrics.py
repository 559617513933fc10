"""Client Services metrics: how quickly and how well the department serves its Market Participants.

Dashboards only combines: each app owns the selector of its figures (``cases.selectors.metrics``,
``plans.selectors.metrics``, ``registration``, ``qualification`` and ``notices`` likewise), the filter and the
percentiles are in ``ercot_services.core.metrics``. ``metric_data.MetricsData`` calls the apps' selectors (each
once), ``metric_tables`` turns their figures into the page's tables (``metric_cells``: what a cell shows, links to
and exports); here they become the page: KPI cards, tables and chart data.

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
excluded). The case figures of closed days come from the daily rollups
(``cases.models.rollups``), today's and any stale day's from the cases; their
medians and 90th percentiles come from histograms (``cases.selectors.day_figures``):
exact on small samples, else within 5 % and shown with "≈".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from cases.selectors.metrics import AGE_BUCKETS, FINISHED_STATUSES, PERCENTILE_PRECISION_PERCENT, case_queue_url
from ercot_services.core.metrics import MetricsFilter, ratio

from .metric_cells import Table, hours
from .metric_data import MetricsData
from .metric_tables import TABLES

__all__ = [
    "PERCENTILE_PRECISION_PERCENT",
    "TABLES",
    "Kpi",
    "MetricsData",
    "metrics_dashboard",
    "metrics_table",
]


def metrics_table(f: MetricsFilter, key: str, managers=None) -> Table:
    """One table, for its CSV export. ``KeyError`` for an unknown key."""
    return TABLES[key](MetricsData(f, managers))


@dataclass
class Kpi:
    label: str
    value: str
    detail: str = ""
    url: str = ""


def _pct(part, whole) -> str:
    value = ratio(part, whole)
    return "—" if value is None else f"{value:.0f}%"


def _kpis(d: MetricsData) -> list[Kpi]:
    """The cards above the tables: cases, response times, SLA, feedback and notice email."""
    stats = d.cases.overall
    feedback, _ = d.feedback
    deliveries = d.deliveries
    assignee = d.f.manager_id
    approximate = not stats.percentiles_exact
    return [
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
            str(hours(stats.fr_p50, approximate)),
            f"90th percentile {hours(stats.fr_p90, approximate)}",
        ),
        Kpi(
            "Median resolution",
            str(hours(stats.res_p50, approximate)),
            f"90th percentile {hours(stats.res_p90, approximate)}",
        ),
        Kpi(
            "First response within SLA",
            _pct(stats.fr_met, stats.fr_due),
            f"{stats.fr_met} of {stats.fr_due}",
        ),
        Kpi(
            "Resolution within SLA",
            _pct(stats.res_met, stats.res_due),
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


def _charts(d: MetricsData) -> dict:
    """The charts' data (drawn by static/js/metrics.js; each chart also has its table)."""
    stats = d.cases.overall
    feedback, _ = d.feedback
    deliveries = d.deliveries
    disputes = d.disputes
    return {
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


def metrics_dashboard(f: MetricsFilter, managers=None) -> dict:
    """Everything the page shows: KPI cards, tables and the charts' data (``managers``: see MetricsData)."""
    d = MetricsData(f, managers)
    tables = {key: build(d) for key, build in TABLES.items()}
    return {
        "kpis": _kpis(d),
        "tables": tables,
        "charts": _charts(d),
        "managers": d.managers,
        "percentiles_exact": d.cases.percentiles_exact,
    }
