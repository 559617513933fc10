"""Deletes bypass the rollups' save hook: a deleted case, dispute or assignee still marks the days it changes stale,
so the page from the rollups keeps giving what a fresh computation from the cases gives."""

from __future__ import annotations

import datetime

import pytest

from cases.models import Case, CaseRollupDay, DisputeOutcome
from cases.services.rollups import case_rollups_refresh
from tests.accounts.factories import StaffFactory

from .conftest import AFTER_OCTOBER, ct, october
from .test_rollups import live_snapshot, snapshot

pytestmark = pytest.mark.django_db

OPENED, ANSWERED, RESOLVED = datetime.date(2026, 10, 5), datetime.date(2026, 10, 6), datetime.date(2026, 10, 8)


def _stale_days() -> set[datetime.date]:
    return set(CaseRollupDay.objects.filter(stale=True).values_list("day", flat=True))


@pytest.fixture
def rolled_up_case(kit, mp1, mp1_user, am1, am2):
    """A case opened Oct 5, answered Oct 6 and resolved Oct 8, its October rolled up (every day fresh)."""
    case = kit.open(mp1, mp1_user, ct(2026, 10, 5, 9))
    kit.reply(case, ct(2026, 10, 6, 10))
    kit.resolve(case, ct(2026, 10, 8, 11))
    kit.open(mp1, mp1_user, ct(2026, 10, 12, 9))  # another day, which must stay fresh
    case_rollups_refresh(now=AFTER_OCTOBER)
    assert not _stale_days()
    return Case.objects.get(pk=case.pk)


def test_deleting_the_assignee_marks_the_days_of_their_cases_stale(rolled_up_case, am1, am2):
    staff = StaffFactory()
    rolled_up_case.assignee = staff
    rolled_up_case.save()
    case_rollups_refresh(now=AFTER_OCTOBER)
    managers = {am1.user_id, am2.user_id}
    assert snapshot(october(), managers)["by_assignee"]["others"]["opened"] == 1

    staff.delete()  # on_delete=SET_NULL: one UPDATE of the cases, no save()

    assert Case.objects.get(pk=rolled_up_case.pk).assignee_id is None
    assert _stale_days() == {OPENED, ANSWERED, RESOLVED}
    assert snapshot(october(), managers) == live_snapshot(october(), managers)


def test_deleting_a_case_marks_its_days_stale(rolled_up_case, am1, am2):
    managers = {am1.user_id, am2.user_id}
    rolled_up_case.delete()
    assert _stale_days() == {OPENED, ANSWERED, RESOLVED}
    figures = snapshot(october(), managers)
    assert figures == live_snapshot(october(), managers)
    assert figures["overall"]["opened"] == 1


def test_deleting_cases_in_bulk_marks_their_days_stale(rolled_up_case):
    Case.objects.filter(pk=rolled_up_case.pk).delete()
    assert _stale_days() == {OPENED, ANSWERED, RESOLVED}


def test_deleting_a_dispute_marks_the_day_its_case_finished_stale(kit, mp1, mp1_user):
    case = kit.dispute(mp1, mp1_user, ct(2026, 10, 5, 9), "100.00")
    kit.resolve(case, ct(2026, 10, 8, 11), outcome=DisputeOutcome.DENIED, outcome_explanation="Charge is right.")
    case_rollups_refresh(now=AFTER_OCTOBER)
    case.refresh_from_db()
    case.dispute.delete()
    assert RESOLVED in _stale_days()
