"""Case metrics against hand-computed figures (see the table in conftest.october_cases). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
import importlib

import pytest

from cases.models import Case
from cases.selectors.metrics import OTHERS, case_metrics, earliest_day_within
from cases.services import case_reopen
from dashboards.selectors.metrics import metrics_dashboard
from ercot_services.core.calendar import BusinessCalendar
from ercot_services.core.metrics import MetricsFilter, percentile_cont

from .conftest import AFTER_OCTOBER, ct, october

H = 3600

pytestmark = pytest.mark.django_db


def test_durations_are_recorded_in_business_hours_without_pauses(october_cases):
    durations = {
        key: (case.first_response_business_seconds, case.resolution_business_seconds)
        for key, case in october_cases.items()
    }
    assert durations == {
        "A": (1 * H, 6 * H),
        "B": (9 * H, 18 * H),
        "C": (2 * H, 6 * H),
        "D": (16 * H, None),
        "E": (None, None),
        "F": (None, None),
        "G": (None, None),
        "H": (None, None),
    }


def test_resolving_without_a_reply_makes_both_durations_equal(kit, mp1, mp1_user):
    case = kit.open(mp1, mp1_user, ct(2026, 10, 5, 9))
    case = kit.resolve(case, ct(2026, 10, 5, 12, 30))
    assert case.first_response_business_seconds == case.resolution_business_seconds == int(3.5 * H)


def test_reopening_clears_the_resolution_time_and_resolving_again_measures_again(kit, mp1, mp1_user):
    case = kit.open(mp1, mp1_user, ct(2026, 10, 5, 9))
    kit.reply(case, ct(2026, 10, 5, 10))
    case = kit.resolve(case, ct(2026, 10, 5, 11))
    assert case.resolution_business_seconds == 2 * H
    case = case_reopen(actor=case.assignee, case=case, reason="Not fixed", now=ct(2026, 10, 6, 9))
    assert case.resolution_business_seconds is None
    case = kit.resolve(case, ct(2026, 10, 6, 10))
    # The clock stopped between the resolution (Mon 11:00) and the reopening (Tue 09:00): 2 H + 1 H.
    assert case.resolution_business_seconds == 3 * H
    assert case.first_response_business_seconds == 1 * H


@pytest.mark.migrations
def test_backfill_migration_recomputes_existing_rows(october_cases):
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    # The migration runs on the models as they were at that migration (Case was still in accounts).
    apps = MigrationLoader(connection).project_state(("accounts", "0007_case_business_durations")).apps
    Case.objects.update(first_response_business_seconds=None, resolution_business_seconds=None)
    migration = importlib.import_module("accounts.migrations.0007_case_business_durations")
    migration.backfill(apps, None)
    rows = dict(
        Case.objects.filter(pk__in=[october_cases[k].pk for k in "ABCD"]).values_list(
            "pk", "resolution_business_seconds"
        )
    )
    assert rows == {
        october_cases["A"].pk: 6 * H,
        october_cases["B"].pk: 18 * H,
        october_cases["C"].pk: 6 * H,
        october_cases["D"].pk: None,
    }
    first = dict(
        Case.objects.filter(pk__in=[october_cases[k].pk for k in "ABCD"]).values_list(
            "pk", "first_response_business_seconds"
        )
    )
    assert first == {
        october_cases["A"].pk: 1 * H,
        october_cases["B"].pk: 9 * H,
        october_cases["C"].pk: 2 * H,
        october_cases["D"].pk: 16 * H,
    }


def test_overall_counts_percentiles_and_sla(october_cases, am1, am2):
    metrics = case_metrics(october(), {am1.user_id, am2.user_id})
    overall = metrics.overall
    assert (overall.opened, overall.closed) == (7, 3)
    # First responses 1, 2, 9, 16 H: median (2+9)/2, p90 at rank 2.7 = 9 + 0.7 × 7.
    assert overall.fr_p50 == pytest.approx(5.5 * H)
    assert overall.fr_p90 == pytest.approx(13.9 * H)
    # Resolutions 6, 6, 18 H: median 6, p90 at rank 1.8 = 6 + 0.8 × 12.
    assert overall.res_p50 == pytest.approx(6 * H)
    assert overall.res_p90 == pytest.approx(15.6 * H)
    # SLA 4 H / 10 H: A and C answered in time, B and D late; A and C resolved in time (C's pause moved its due time).
    assert (overall.fr_met, overall.fr_due) == (2, 4)
    assert (overall.res_met, overall.res_due) == (2, 3)
    assert overall.backlog == [1, 1, 0, 2, 1]
    assert overall.open == 5


def test_per_manager_rows_and_scope(october_cases, am1, am2):
    ids = {am1.user_id, am2.user_id}
    everyone = case_metrics(october(), ids)
    first, second = everyone.by_assignee[am1.user_id], everyone.by_assignee[am2.user_id]
    assert OTHERS not in everyone.by_assignee
    assert (first.opened, first.closed, first.open) == (3, 2, 1)
    assert (second.opened, second.closed, second.open) == (4, 1, 4)
    assert first.fr_p50 == pytest.approx(5 * H)
    assert first.fr_p90 == pytest.approx(8.2 * H)
    assert first.res_p50 == pytest.approx(12 * H)
    assert second.fr_p50 == pytest.approx(9 * H)
    assert second.res_p50 == pytest.approx(6 * H)
    assert (first.fr_met, first.fr_due, first.res_met, first.res_due) == (1, 2, 1, 2)
    assert first.backlog == [1, 0, 0, 0, 0]
    assert second.backlog == [0, 1, 0, 2, 1]

    scoped = case_metrics(october(am1), ids)
    assert (scoped.overall.opened, scoped.overall.closed, scoped.overall.open) == (3, 2, 1)
    assert scoped.overall.fr_p50 == pytest.approx(5 * H)
    assert scoped.overall.res_p90 == pytest.approx(16.8 * H)
    # The per-AM rows stay complete when the page is scoped.
    assert scoped.by_assignee[am2.user_id].opened == 4
    assert scoped.opened_per_week == [0, 2, 0, 0, 1]


def test_weekly_series(october_cases, am1, am2):
    metrics = case_metrics(october(), {am1.user_id, am2.user_id})
    assert metrics.weeks == [datetime.date(2026, 9, 28) + datetime.timedelta(weeks=n) for n in range(5)]
    assert metrics.opened_per_week == [0, 5, 0, 1, 1]
    assert metrics.closed_per_week == [0, 3, 0, 0, 0]


def test_cases_of_other_staff_and_the_queue_form_their_own_row(october_cases, am1):
    """Only am1 is an AM here: am2's cases fall into "other staff / queues"."""
    metrics = case_metrics(october(), {am1.user_id})
    others = metrics.by_assignee[OTHERS]
    assert (others.opened, others.closed) == (4, 1)
    assert others.fr_p50 == pytest.approx(9 * H)
    assert metrics.overall.fr_p50 == pytest.approx(5.5 * H)


def test_backlog_at_an_earlier_range_end(october_cases, am1, am2):
    """Range Oct 1-6, measured at its end: D, E, F, H did not exist yet; B and C were resolved only on Oct 7."""
    f = MetricsFilter(start=datetime.date(2026, 10, 1), end=datetime.date(2026, 10, 6), now=AFTER_OCTOBER)
    metrics = case_metrics(f, {am1.user_id, am2.user_id})
    # Open at Oct 7 00:00: B (opened Oct 5, 1 BD), C (Oct 6, 0 BD) and G (Sep 1).
    assert metrics.overall.backlog == [2, 0, 0, 0, 1]
    assert (metrics.overall.opened, metrics.overall.closed) == (3, 1)


def test_earliest_day_within_counts_business_days():
    calendar = BusinessCalendar(holidays={datetime.date(2026, 11, 26), datetime.date(2026, 11, 27)})
    saturday = datetime.date(2026, 10, 31)
    assert earliest_day_within(calendar, saturday, 0) == datetime.date(2026, 10, 30)
    assert earliest_day_within(calendar, saturday, 2) == datetime.date(2026, 10, 28)
    # Over Thanksgiving (Thu/Fri holidays) and the weekend: Monday Nov 30 back 2 BD is Tuesday Nov 24.
    assert earliest_day_within(calendar, datetime.date(2026, 11, 30), 2) == datetime.date(2026, 11, 24)


@pytest.mark.parametrize(
    "values, fraction, expected",
    [([], 0.5, None), ([7], 0.9, 7), ([1, 2, 9, 16], 0.5, 5.5), ([16, 1, 9, 2], 0.9, 13.9), ([6, 6, 18], 0.9, 15.6)],
)
def test_percentile_cont_matches_postgresql(values, fraction, expected):
    result = percentile_cont(values, fraction)
    assert result == (pytest.approx(expected) if expected is not None else None)


def test_dashboard_kpis(october_cases, am1, am2):
    dashboard = metrics_dashboard(october())
    kpis = {k.label: (k.value, k.detail) for k in dashboard["kpis"]}
    assert kpis["Cases opened"] == ("7", "3 closed")
    assert kpis["Open at range end"] == ("5", "1 older than 20 BD")
    assert kpis["Median first response"] == ("5.5 h", "90th percentile 13.9 h")
    assert kpis["Median resolution"] == ("6.0 h", "90th percentile 15.6 h")
    assert kpis["First response within SLA"] == ("50%", "2 of 4")
    assert kpis["Resolution within SLA"] == ("67%", "2 of 3")
    assert dashboard["charts"]["backlog"]["counts"] == [1, 1, 0, 2, 1]
    assert dashboard["charts"]["weekly"]["opened"] == [0, 5, 0, 1, 1]
