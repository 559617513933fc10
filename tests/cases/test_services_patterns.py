"""Issue patterns: N cases of one category from one MP within D days, and the improvement actions taken on them."""

from __future__ import annotations

import datetime

import pytest

from cases.models import CaseSettings, IssuePattern
from cases.services import case_merge, pattern_dismiss
from ercot_services.core.models import AuditEvent, DomainError
from plans.models import ImprovementAction
from plans.services import ImprovementActionInput, improvement_action_create
from tests.accounts.factories import MembershipFactory

from .conftest import ct

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rule(db):
    row = CaseSettings.load()
    row.pattern_case_count = 3
    row.pattern_window_days = 30
    row.save()
    return row


def day(n: int) -> datetime.datetime:
    """Day n of a run of days starting Thursday Oct 1, 2026, 10:00."""
    return ct(2026, 10, 1, 10) + datetime.timedelta(days=n)


def test_the_third_case_in_the_window_raises_a_pattern(submit, participant, registration):
    first = submit(now=day(0))
    second = submit(now=day(10))
    assert not IssuePattern.objects.exists()
    third = submit(now=day(20))

    pattern = IssuePattern.objects.get()
    assert pattern.participant == participant
    assert pattern.category == registration
    assert pattern.status == IssuePattern.Status.OPEN
    assert pattern.case_count == 3
    assert pattern.window_days == 30
    assert pattern.last_case_at == day(20)
    assert set(pattern.cases.all()) == {first, second, third}
    [event] = AuditEvent.objects.for_object(pattern).filter(verb="pattern.raised")
    assert event.participant == participant


def test_the_fourth_case_grows_the_same_pattern(submit):
    cases = [submit(now=day(n)) for n in (0, 10, 20)]
    pattern = IssuePattern.objects.get()
    cases.append(submit(now=day(25)))
    assert IssuePattern.objects.count() == 1
    pattern.refresh_from_db()
    assert pattern.case_count == 4
    assert pattern.last_case_at == day(25)
    assert set(pattern.cases.all()) == set(cases)
    assert AuditEvent.objects.filter(verb="pattern.raised").count() == 1


def test_cases_outside_the_window_do_not_count(submit):
    submit(now=day(0))
    submit(now=day(40))
    submit(now=day(45))  # the window reaches back to day 15: only 2 cases
    assert not IssuePattern.objects.exists()
    submit(now=day(60))  # days 40, 45, 60
    assert set(IssuePattern.objects.get().cases.values_list("created_at", flat=True)) == {day(40), day(45), day(60)}


def test_the_window_edge_is_inclusive(submit):
    submit(now=day(0))
    submit(now=day(15))
    submit(now=day(30))  # exactly 30 days after the first
    assert IssuePattern.objects.get().case_count == 3


def test_other_categories_and_other_mps_do_not_count(submit, categories, other_participant):
    other_user = MembershipFactory(participant=other_participant).user
    submit(now=day(0))
    submit(now=day(1), category=categories["training"])
    submit(now=day(2), category=categories["settlements"])
    submit(now=day(3), participant=other_participant, actor=other_user)
    submit(now=day(4), participant=other_participant, actor=other_user)
    submit(now=day(5))
    assert not IssuePattern.objects.exists()
    submit(now=day(6), participant=other_participant, actor=other_user)
    assert IssuePattern.objects.get().participant == other_participant


def test_the_rule_is_editable(submit, rule):
    rule.pattern_case_count = 2
    rule.pattern_window_days = 5
    rule.save()
    submit(now=day(0))
    submit(now=day(6))
    assert not IssuePattern.objects.exists()
    submit(now=day(8))
    assert IssuePattern.objects.get().case_count == 2


def test_merged_duplicates_do_not_count(submit, am_user):
    first = submit(now=day(0))
    duplicate = submit(now=day(1))
    case_merge(actor=am_user, source=duplicate, target=first)
    submit(now=day(2))
    assert not IssuePattern.objects.exists()


# --- improvement actions ------------------------------------------------------------------------------------


@pytest.fixture
def pattern(submit):
    for n in (0, 5, 10):
        submit(now=day(n))
    return IssuePattern.objects.get()


def test_an_improvement_action_marks_the_pattern_actioned(pattern, participant, am_user):
    action = improvement_action_create(
        actor=am_user,
        participant=participant,
        data=ImprovementActionInput(
            kind=ImprovementAction.Kind.TRAINING,
            title="Registration forms walkthrough",
            description="One hour with their new analysts.",
            owner=am_user,
            due_date=datetime.date(2026, 12, 15),
        ),
        pattern=pattern,
    )
    assert action.pk
    assert action.created_by == am_user
    assert action.status == ImprovementAction.Status.PLANNED
    pattern.refresh_from_db()
    assert pattern.status == IssuePattern.Status.ACTIONED
    assert list(pattern.actions.all()) == [action]
    [event] = AuditEvent.objects.for_object(action).filter(verb="improvement_action.created")
    assert event.changes["kind"] == [None, "training"]
    assert event.changes["due_date"] == [None, "2026-12-15"]
    assert event.participant == participant


def test_an_action_cannot_use_another_mps_pattern(pattern, other_participant, am_user):
    with pytest.raises(DomainError, match="another Market Participant"):
        improvement_action_create(
            actor=am_user,
            participant=other_participant,
            data=ImprovementActionInput(
                kind=ImprovementAction.Kind.PROCESS_CHANGE,
                title="x",
                owner=am_user,
                due_date=datetime.date(2026, 12, 15),
            ),
            pattern=pattern,
        )
    assert not ImprovementAction.objects.exists()
    pattern.refresh_from_db()
    assert pattern.status == IssuePattern.Status.OPEN


def test_an_action_is_validated(participant, am_user):
    with pytest.raises(DomainError):
        improvement_action_create(
            actor=am_user,
            participant=participant,
            data=ImprovementActionInput(kind="party", title="x", owner=am_user, due_date=datetime.date(2026, 12, 15)),
        )
    assert not ImprovementAction.objects.exists()


def test_an_action_without_a_pattern(participant, am_user):
    action = improvement_action_create(
        actor=am_user,
        participant=participant,
        data=ImprovementActionInput(
            kind=ImprovementAction.Kind.MARKET_COMMUNICATION,
            title="Clarify the DAM dispute window",
            owner=am_user,
            due_date=datetime.date(2027, 1, 15),
        ),
    )
    assert action.pattern is None


def test_dismissing_a_pattern_needs_a_reason(pattern, am_user):
    with pytest.raises(DomainError):
        pattern_dismiss(actor=am_user, pattern=pattern, reason=" ")
    pattern_dismiss(actor=am_user, pattern=pattern, reason="Seasonal, expected")
    pattern.refresh_from_db()
    assert pattern.status == IssuePattern.Status.DISMISSED
    assert AuditEvent.objects.for_object(pattern).filter(verb="pattern.dismissed", reason="Seasonal, expected").exists()
