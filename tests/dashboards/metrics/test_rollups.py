"""The daily rollups give the figures a fresh computation from the cases gives, whatever the services did since.

Each scenario runs real case services across October (time-machine holds the clock at each step), rolls the closed
days up part-way, goes on (so some rolled-up days go stale), and compares three ways of answering the page: rollups
with the stale days computed live, rollups recomputed by the beat task, and everything computed from the cases."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from cases.models import CaseDayRollup, CaseRollupDay, CaseStatus, DisputeOutcome, decision_close_refusal
from cases.selectors.day_figures import DurationHistogram
from cases.selectors.metrics import case_metrics, dispute_rows
from cases.services import case_assign, case_close, case_reopen, case_reply, case_withdraw, transition_service
from cases.services.rollups import case_rollups_refresh
from cases.tasks import rollup_case_metrics
from ercot_services.core.metrics import MetricsFilter, percentile_cont

from .conftest import AFTER_OCTOBER, ct, october

pytestmark = pytest.mark.django_db


def snapshot(f: MetricsFilter, manager_user_ids: set[int]) -> dict:
    """Everything the page shows about cases, as plain values."""
    metrics = case_metrics(f, manager_user_ids)
    return {
        "overall": vars(metrics.overall),
        "by_assignee": {key: vars(stats) for key, stats in metrics.by_assignee.items()},
        "opened_per_week": metrics.opened_per_week,
        "closed_per_week": metrics.closed_per_week,
        "disputes": dispute_rows(f, metrics),
    }


def live_snapshot(f: MetricsFilter, manager_user_ids: set[int]) -> dict:
    """The same figures with no day fresh: everything from the cases."""
    CaseRollupDay.objects.update(stale=True)
    try:
        return snapshot(f, manager_user_ids)
    finally:
        CaseRollupDay.objects.update(stale=False)


class Scenario:
    """Random service calls at increasing moments of October 2026 on the metrics fixtures' two MPs."""

    def __init__(self, kit, seed, people):
        self.kit, self.rng, self.people = kit, random.Random(seed), people
        self.cases = []
        self.moment = ct(2026, 10, 1, 8)

    def step(self):
        self.moment += datetime.timedelta(hours=self.rng.choice([1, 2, 5, 9, 20, 30]))
        with time_machine.travel(self.moment, tick=False):
            self._act(self.moment)

    def _pick(self, test):
        candidates = [c for c in self.cases if test(c)]
        return self.rng.choice(candidates) if candidates else None

    def _act(self, at):
        kit, rng = self.kit, self.rng
        action = rng.choice(["open", "open", "dispute", "reply", "resolve", "resolve", "close", "reopen", "assign"])
        participant, requester = rng.choice(self.people["mps"])
        if action in ("open", "dispute") or not self.cases:
            if action == "dispute":
                case = kit.dispute(participant, requester, at, f"{rng.randint(100, 900)}.00")
            else:
                case = kit.open(participant, requester, at)
            self.cases.append(case)
            return
        for case in self.cases:
            case.refresh_from_db()
        if action == "reply" and (case := self._pick(lambda c: c.is_open and c.first_response_at is None)):
            case_reply(actor=self._staff(case), case=case, body="Here is our answer.", now=at)
        elif action == "resolve" and (case := self._pick(lambda c: c.can_move_to(CaseStatus.RESOLVED))):
            self._resolve(case, at)
        elif action == "close" and (
            # A dispute whose decision awaits the participant's answer is not closed by hand (cases.services.decisions).
            case := self._pick(lambda c: c.can_move_to(CaseStatus.CLOSED) and not decision_close_refusal(c))
        ):
            case_close(actor=self._staff(case), case=case, now=at)
        elif action == "reopen" and (case := self._pick(lambda c: c.status == CaseStatus.RESOLVED)):
            case_reopen(actor=self._staff(case), case=case, reason="Not answered.", now=at)
        elif action == "assign" and (case := self._pick(lambda c: True)):
            choices = [u for u in self.people["assignees"] if u != case.assignee]
            case_assign(actor=self.people["lead"], case=case, assignee=rng.choice(choices))
        elif case := self._pick(lambda c: c.can_move_to(CaseStatus.WITHDRAWN)):
            case_withdraw(actor=self._staff(case), case=case, reason="Withdrawn.", now=at)

    def _staff(self, case):
        return case.assignee or self.people["lead"]

    def _resolve(self, case, at):
        values = {"actor": self._staff(case), "case": case, "now": at, "resolution_summary": "Answered."}
        if case.kind == "dispute":
            outcome = self.rng.choice([DisputeOutcome.GRANTED, DisputeOutcome.DENIED])
            granted = Decimal("50.00") if outcome == DisputeOutcome.GRANTED else None
            values.update(outcome=outcome, outcome_explanation="Checked.", granted_amount=granted)
        transition_service(case, CaseStatus.RESOLVED)(**values)


@pytest.fixture
def people(lead, am1, am2, mp1, mp2, mp1_user, mp2_user):
    return {
        "lead": lead,
        "mps": [(mp1, mp1_user), (mp2, mp2_user)],
        "assignees": [am1.user, am2.user, lead, None],
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollups_equal_a_fresh_computation_after_random_service_calls(kit, people, am1, am2, seed):
    scenario = Scenario(kit, seed, people)
    managers = {am1.user_id, am2.user_id}
    f = october()
    for _ in range(25):
        scenario.step()
    case_rollups_refresh(now=scenario.moment)
    rolled_up = set(CaseRollupDay.objects.filter(stale=False).values_list("day", flat=True))
    assert rolled_up, "the closed days so far are rolled up"
    for _ in range(25):
        scenario.step()
    assert CaseRollupDay.objects.filter(stale=True).exists(), "later calls changed figures of rolled-up days"

    with_stale_days_live = snapshot(f, managers)
    case_rollups_refresh(now=AFTER_OCTOBER)
    assert not CaseRollupDay.objects.filter(stale=True).exists()
    from_rollups = snapshot(f, managers)
    assert from_rollups == with_stale_days_live == live_snapshot(f, managers)


def test_reassigning_moves_a_closed_day_to_the_new_assignee(kit, people, am1, am2, mp1, mp1_user):
    case = kit.open(mp1, mp1_user, ct(2026, 10, 5, 9))
    assert case.assignee == am1.user
    case_rollups_refresh(now=AFTER_OCTOBER)
    assert CaseRollupDay.objects.get(day=datetime.date(2026, 10, 5)).stale is False

    case_assign(actor=people["lead"], case=case, assignee=am2.user)
    assert CaseRollupDay.objects.get(day=datetime.date(2026, 10, 5)).stale is True
    metrics = case_metrics(october(), {am1.user_id, am2.user_id})
    assert am1.user_id not in metrics.by_assignee
    assert metrics.by_assignee[am2.user_id].opened == 1
    case_rollups_refresh(now=AFTER_OCTOBER)
    assert CaseDayRollup.objects.get(day=datetime.date(2026, 10, 5)).assignee_id == am2.user_id


def test_the_beat_task_is_idempotent(october_cases):
    with time_machine.travel(AFTER_OCTOBER, tick=False):
        assert rollup_case_metrics() > 0
        rows = sorted(CaseDayRollup.objects.values_list("day", "assignee_id", "opened", "closed", "fr_seconds"))
        assert rollup_case_metrics() == 0
        assert sorted(CaseDayRollup.objects.values_list("day", "assignee_id", "opened", "closed", "fr_seconds")) == (
            rows
        )


def test_today_is_never_rolled_up_and_always_live(kit, mp1, mp1_user, am1):
    today = datetime.date(2026, 10, 20)
    kit.open(mp1, mp1_user, ct(2026, 10, 20, 9))
    case_rollups_refresh(now=ct(2026, 10, 20, 12))
    assert not CaseRollupDay.objects.filter(day=today).exists()
    kit.open(mp1, mp1_user, ct(2026, 10, 20, 13))
    f = MetricsFilter(start=today, end=today, now=ct(2026, 10, 20, 14))
    assert case_metrics(f, {am1.user_id}).overall.opened == 2


def test_command_rebuilds_every_closed_day_from_the_first_case(october_cases, capsys):
    with time_machine.travel(AFTER_OCTOBER, tick=False):
        call_command("rollup_case_metrics")
        first = capsys.readouterr().out
        call_command("rollup_case_metrics")
        assert "Rolled up 0 day(s)" in capsys.readouterr().out
        call_command("rollup_case_metrics", "--rebuild")
        rebuilt = capsys.readouterr().out
    # Sep 1 (case G) to Nov 22: every closed day, with or without cases.
    days = (datetime.date(2026, 11, 22) - datetime.date(2026, 9, 1)).days + 1
    assert f"Rolled up {days} day(s)" in first
    assert f"Rolled up {days} day(s)" in rebuilt
    assert CaseRollupDay.objects.filter(stale=False).count() == days


def test_hand_computed_figures_are_the_same_from_rollups_and_exact(october_cases, am1, am2):
    managers = {am1.user_id, am2.user_id}
    live = snapshot(october(), managers)
    case_rollups_refresh(now=AFTER_OCTOBER)
    assert snapshot(october(), managers) == live
    metrics = case_metrics(october(), managers)
    assert metrics.percentiles_exact
    assert (metrics.overall.fr_p50, metrics.overall.fr_p90) == (5.5 * 3600, pytest.approx(13.9 * 3600))


@pytest.mark.parametrize("values", [[7], [1, 2, 9, 16], [6, 6, 18], [3600, 3601, 7200, 7200]])
def test_small_samples_give_exact_percentiles(values):
    histogram = DurationHistogram()
    for value in values:
        histogram.add_value(value)
    for fraction in (0.5, 0.9):
        result = histogram.percentile(fraction)
        assert result.exact
        assert result.seconds == pytest.approx(percentile_cont(values, fraction))


def test_large_samples_are_within_five_percent_and_say_they_are_approximate():
    rng = random.Random(7)
    values = [int(rng.lognormvariate(10, 1.2)) for _ in range(5000)]
    halves = DurationHistogram(), DurationHistogram()
    for i, value in enumerate(values):
        halves[i % 2].add_value(value)
    merged = DurationHistogram()
    merged.merge(halves[0])
    merged.merge(halves[1])
    for fraction in (0.5, 0.9):
        result = merged.percentile(fraction)
        assert not result.exact
        assert result.seconds == pytest.approx(percentile_cont(values, fraction), rel=0.05)


def test_a_day_marked_stale_while_it_is_computed_stays_stale(kit, mp1, mp1_user, monkeypatch):
    from cases.models.rollups import mark_days_stale
    from cases.services import rollups

    case = kit.open(mp1, mp1_user, ct(2026, 10, 5, 9))
    compute = rollups.figures_from_cases

    def changed_meanwhile(days):
        figures = compute(days)
        mark_days_stale([case.created_at])  # a case service changing the case after the cases were read
        return figures

    monkeypatch.setattr(rollups, "figures_from_cases", changed_meanwhile)
    case_rollups_refresh(now=AFTER_OCTOBER)
    assert CaseRollupDay.objects.get(day=datetime.date(2026, 10, 5)).stale is True
    assert CaseRollupDay.objects.get(day=datetime.date(2026, 10, 6)).stale is False
