"""Disputes, feedback, registration, qualification and notice metrics against hand-computed figures."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from cases.selectors.metrics import OTHERS, dispute_rows
from dashboards.selectors.metrics import metrics_table
from notices.selectors.metrics import delivery_stats, notice_rows
from plans.models import FeedbackChannel
from plans.selectors.metrics import feedback_by_channel, feedback_by_manager, feedback_figures
from qualification.selectors.metrics import qualification_stats
from registration.selectors.metrics import registration_rows
from tests.accounts.factories import ParticipantFactory

from . import builders
from .conftest import ct, october

pytestmark = pytest.mark.django_db


def _by_outcome(rows):
    return {row["outcome"]: (row["count"], row["disputed"], row["granted"]) for row in rows}


def test_disputes_by_outcome_and_scope(kit, mp1, mp2, mp1_user, mp2_user, am1, am2):
    builders.october_disputes(kit, mp1, mp2, mp1_user, mp2_user)
    assert _by_outcome(dispute_rows(october())) == {
        "granted": (1, Decimal("1000.00"), Decimal("800.00")),
        "granted_with_exceptions": (0, 0, 0),
        "denied": (1, Decimal("500.00"), 0),
        "withdrawn": (1, Decimal("300.00"), 0),
        "pending": (1, Decimal("250.00"), 0),
    }
    scoped = _by_outcome(dispute_rows(october(am2)))
    assert scoped["pending"] == (1, Decimal("250.00"), 0)
    assert sum(count for count, _, _ in scoped.values()) == 1
    table = metrics_table(october(), "disputes")
    assert [str(cell) for cell in table.footer] == ["Total", "4", "$2,050.00", "$800.00"]


def test_disputes_decided_outside_the_range_are_left_out(kit, mp1, mp2, mp1_user, mp2_user):
    builders.october_disputes(kit, mp1, mp2, mp1_user, mp2_user)
    from ercot_services.core.metrics import MetricsFilter

    from .conftest import AFTER_OCTOBER

    early = MetricsFilter(start=datetime.date(2026, 10, 1), end=datetime.date(2026, 10, 6), now=AFTER_OCTOBER)
    rows = _by_outcome(dispute_rows(early))
    # Granted on Oct 6; denied (Oct 7) and withdrawn (Oct 8) were still open at the end of Oct 6.
    assert rows["granted"][0] == 1
    assert rows["denied"][0] == rows["withdrawn"][0] == 0
    assert rows["pending"] == (2, Decimal("800.00"), 0)


def _feedback_fixture(mp1, mp2):
    no_am = ParticipantFactory()
    builders.feedback(mp1, 5, FeedbackChannel.MEETING, ct(2026, 10, 5, 10))
    builders.feedback(mp1, 4, FeedbackChannel.PORTAL, ct(2026, 10, 12, 10))
    builders.feedback(mp1, 4, FeedbackChannel.PORTAL, ct(2026, 10, 31, 23, 59))
    builders.feedback(mp2, 2, FeedbackChannel.PHONE, ct(2026, 10, 20, 10))
    builders.feedback(no_am, 3, FeedbackChannel.SURVEY, ct(2026, 10, 21, 10))
    builders.feedback(mp1, 1, FeedbackChannel.PHONE, ct(2026, 9, 30, 23, 59))  # before the range
    builders.feedback(mp2, 1, FeedbackChannel.PHONE, ct(2026, 11, 1, 0, 0))  # after it


def test_feedback_scores_per_manager_and_channel(mp1, mp2, am1, am2):
    _feedback_fixture(mp1, mp2)
    ids = {am1.user_id, am2.user_id}
    overall, by_manager = feedback_by_manager(october(), ids)
    assert (overall.count, overall.average, overall.distribution) == (5, 3.6, [0, 1, 1, 2, 1])
    assert by_manager[am1.user_id].average == pytest.approx(13 / 3)
    assert by_manager[am2.user_id].distribution == [0, 1, 0, 0, 0]
    assert by_manager[OTHERS].count == 1

    scoped, _ = feedback_by_manager(october(am1), ids)
    assert (scoped.count, scoped.total) == (3, 13)
    channels = {row["channel"]: (row["count"], row["average"]) for row in feedback_by_channel(october(am1))}
    assert channels["meeting"] == (1, 5)
    assert channels["portal"] == (2, 4)
    assert channels["phone"] == (0, None)


def test_feedback_of_an_inactive_managers_book_counts_in_its_channels_not_under_the_manager(
    mp1, mp2, am1, am2, django_assert_num_queries
):
    """Per manager the MP's *current* AM counts (an inactive AM is nobody's); the channels of a chosen AM read its
    book as assigned. Both come from one query."""
    _feedback_fixture(mp1, mp2)
    am1.is_active = False
    am1.save()
    with django_assert_num_queries(1):
        figures = feedback_figures(october(am1), {am1.user_id, am2.user_id})
    assert am1.user_id not in figures.by_manager
    assert figures.by_manager[OTHERS].count == 4
    assert figures.overall.count == 0
    channels = {row["channel"]: (row["count"], row["average"]) for row in figures.channels}
    assert channels["meeting"] == (1, 5)
    assert channels["portal"] == (2, 4)


@pytest.fixture(params=["sql", "python"])
def percentiles_in(request, monkeypatch):
    """Each section's medians both ways: in SQL (PostgreSQL) and in Python (the fallback for other databases)."""
    in_sql = request.param == "sql"
    for module in ("registration.selectors.metrics", "qualification.selectors.metrics"):
        monkeypatch.setattr(f"{module}.uses_sql_percentiles", lambda: in_sql)
    return request.param


def test_registration_throughput_and_cycle_time(mp1, mp2, am1, percentiles_in):
    # Initial: mp1 submitted Oct 1 approved Oct 11 (10 d); mp1 submitted Sep 20 rejected Oct 20 (30 d).
    builders.application(mp1, "initial", "approved", ct(2026, 10, 1, 9), ct(2026, 10, 11, 9))
    builders.application(mp1, "initial", "rejected", ct(2026, 9, 20, 9), ct(2026, 10, 20, 9))
    # Revisions: mp2 submitted Oct 5 approved Oct 7 (2 d); mp2 submitted Oct 15, under review.
    builders.application(mp2, "revision", "approved", ct(2026, 10, 5, 12), ct(2026, 10, 7, 12))
    builders.application(mp2, "revision", "under_review", ct(2026, 10, 15, 9))
    # Decided in November: outside.
    builders.application(mp2, "revision", "approved", ct(2026, 10, 25, 9), ct(2026, 11, 2, 9))
    rows, total = registration_rows(october())
    by_kind = {row["kind"]: row for row in rows}
    assert (by_kind["initial"]["submitted"], by_kind["initial"]["approved"], by_kind["initial"]["rejected"]) == (
        1,
        1,
        1,
    )
    assert by_kind["initial"]["median_days"] == pytest.approx(20)
    assert (by_kind["revision"]["submitted"], by_kind["revision"]["approved"]) == (3, 1)
    assert by_kind["revision"]["median_days"] == pytest.approx(2)
    assert (total["submitted"], total["approved"], total["rejected"]) == (4, 2, 1)
    assert total["median_days"] == pytest.approx(10)

    scoped_rows, scoped_total = registration_rows(october(am1))
    assert (scoped_total["submitted"], scoped_total["approved"], scoped_total["rejected"]) == (1, 1, 1)
    assert scoped_total["median_days"] == pytest.approx(20)


def test_registration_and_qualification_are_one_query_each_on_postgresql(mp1, django_assert_num_queries):
    builders.application(mp1, "initial", "approved", ct(2026, 10, 1, 9), ct(2026, 10, 11, 9))
    with django_assert_num_queries(1):
        registration_rows(october())
    with django_assert_num_queries(1):
        qualification_stats(october())


def test_qualification_throughput_and_cycle_time(mp1, mp2, am2, percentiles_in):
    testing = builders.flight()
    builders.enrollment(
        testing,
        mp1,
        ct(2026, 10, 2, 9),
        tested_on=datetime.date(2026, 10, 20),
        completed=True,
        letter_on=datetime.date(2026, 10, 22),
    )
    builders.enrollment(testing, mp2, ct(2026, 9, 25, 9), tested_on=datetime.date(2026, 10, 10), completed=False)
    builders.enrollment(
        testing, mp2, ct(2026, 10, 1, 0, 30), change_kind="new_territory", letter_on=datetime.date(2026, 10, 31)
    )
    # Recorded on Nov 2 for a letter issued Oct 15: counted as a letter, left out of the cycle time.
    builders.enrollment(testing, mp1, ct(2026, 11, 2, 9), change_kind="banking", letter_on=datetime.date(2026, 10, 15))
    stats = qualification_stats(october())
    assert {k: stats[k] for k in ("enrolled", "passed", "failed", "letters")} == {
        "enrolled": 2,
        "passed": 1,
        "failed": 1,
        "letters": 3,
    }
    # Enrollment → letter: 20 and 30 calendar days.
    assert stats["median_days"] == pytest.approx(25)
    scoped = qualification_stats(october(am2))
    assert (scoped["enrolled"], scoped["failed"], scoped["letters"], scoped["median_days"]) == (
        1,
        1,
        1,
        pytest.approx(30),
    )


def test_notice_volume_and_delivery_success(db):
    from notices.models import NoticeType, Suppression

    credit = NoticeType.objects.create(name="Metrics Credit", slug="metrics-credit", sort_order=1)
    ops = NoticeType.objects.create(name="Metrics Operations", slug="metrics-operations", sort_order=2)
    sent_at = ct(2026, 10, 2, 10)
    builders.notice(
        credit,
        ct(2026, 10, 2, 9),
        deliveries=[
            ("a@mp.example", "sent", sent_at),
            ("b@mp.example", "sent", sent_at),
            ("c@mp.example", "sent", sent_at),
            ("bounce@mp.example", "sent", sent_at),
            ("broken@mp.example", "failed", None),
            ("later@mp.example", "pending", None),
        ],
    )
    builders.notice(credit, ct(2026, 10, 20, 9))
    builders.notice(ops, ct(2026, 10, 21, 9))
    builders.notice(ops, ct(2026, 9, 30, 9), deliveries=[("old@mp.example", "failed", None)])  # before the range
    builders.notice(ops, None, status="draft")
    Suppression.objects.create(email="bounce@mp.example", reason="hard_bounce", created_at=ct(2026, 10, 2, 11))
    # Suppressed before this notice was sent: not a bounce of it.
    Suppression.objects.create(email="a@mp.example", reason="hard_bounce", created_at=ct(2026, 9, 1, 11))

    assert [(r["notice_type__name"], r["count"]) for r in notice_rows(october())] == [
        ("Metrics Credit", 2),
        ("Metrics Operations", 1),
    ]
    stats = delivery_stats(october())
    assert {k: stats[k] for k in ("sent", "delivered", "bounced", "failed", "pending")} == {
        "sent": 4,
        "delivered": 3,
        "bounced": 1,
        "failed": 1,
        "pending": 1,
    }
    assert stats["success"] == pytest.approx(60)
    table = metrics_table(october(), "deliveries")
    assert str(table.footer[1]) == "60% (3/5)"
