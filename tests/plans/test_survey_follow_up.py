"""A low satisfaction score opens one follow-up action item for the MP's Account Manager (plans listens to
``cases.signals.survey_answered``; cases imports nothing of plans)."""

from __future__ import annotations

import datetime

import pytest

from cases.models import CaseCategory, CaseKind
from cases.services import case_assign, case_resolve
from cases.services.surveys import survey_answer, survey_token
from ercot_services.core.models import AuditEvent, OutboundEmail
from plans.events import PlanEvent
from plans.models import ActionItem, ActionItemStatus, ActionSide
from plans.services.survey_follow_up import action_item_open_for_low_score
from tests.accounts.factories import StaffFactory
from tests.case_inputs import submit_case

from .conftest import ct

pytestmark = pytest.mark.django_db

# The Tuesday before Thanksgiving 2026: Thursday Nov 26 and Friday Nov 27 are operator holidays (seeded).
TUESDAY_BEFORE_THANKSGIVING = ct(2026, 11, 24, 10)


@pytest.fixture
def resolved_survey(participant, mp_user, am, django_capture_on_commit_callbacks):
    """``resolved_survey(assignee=None)``: a case of the participant, resolved, and its survey."""

    def _make(assignee=None):
        case = submit_case(
            actor=mp_user,
            kind=CaseKind.INQUIRY,
            category=CaseCategory.objects.get(code="registration"),
            participant=participant,
            subject="Where is our Form B?",
            description="Submitted two weeks ago.",
        )
        if assignee is not None:
            case_assign(actor=am, case=case, assignee=assignee)
        with django_capture_on_commit_callbacks(execute=True):
            case_resolve(actor=am, case=case, resolution_summary="Approved.")
        return case.surveys.get()

    return _make


@pytest.mark.parametrize("score", [1, 2])
def test_a_low_score_opens_one_action_item_for_the_am_due_in_five_business_days(
    resolved_survey, am, participant, score, django_capture_on_commit_callbacks
):
    survey = resolved_survey()
    with django_capture_on_commit_callbacks(execute=True):
        survey_answer(
            actor=None, token=survey_token(survey), score=score, comment="Slow.", now=TUESDAY_BEFORE_THANKSGIVING
        )
    [item] = ActionItem.objects.filter(survey=survey)
    assert (item.owner, item.participant, item.case) == (am, participant, survey.case)
    assert (item.side, item.status) == (ActionSide.OPERATOR, ActionItemStatus.OPEN)
    # Five Business Days from Tuesday Nov 24, skipping Thanksgiving and the day after: Thursday Dec 3.
    assert item.due_date == datetime.date(2026, 12, 3)
    assert f"({score}/5)" in item.title and survey.case.reference in item.title
    assert "Slow." in item.description
    [mail] = [row for row in OutboundEmail.objects.all() if am.email in row.to]
    assert mail.subject.startswith(f"Low satisfaction score on {survey.case.reference}")


@pytest.mark.parametrize("score", [3, 4, 5])
def test_a_score_above_the_threshold_opens_nothing(resolved_survey, score):
    survey = resolved_survey()
    survey_answer(actor=None, token=survey_token(survey), score=score)
    assert not ActionItem.objects.exists()


def test_the_threshold_is_a_setting(resolved_survey, settings):
    settings.CASE_SURVEY_LOW_SCORE = 3
    survey = resolved_survey()
    survey_answer(actor=None, token=survey_token(survey), score=3)
    assert ActionItem.objects.filter(survey=survey).count() == 1


def test_the_follow_up_is_opened_once_per_survey(resolved_survey):
    survey = resolved_survey()
    survey_answer(actor=None, token=survey_token(survey), score=1)
    survey.refresh_from_db()
    first = ActionItem.objects.get(survey=survey)
    assert action_item_open_for_low_score(survey=survey) == first  # the signal again, a retry: the same item
    assert ActionItem.objects.filter(survey=survey).count() == 1
    assert AuditEvent.objects.filter(verb=PlanEvent.ACTION_ITEM_OPENED_FOR_LOW_SCORE).count() == 1


def test_the_follow_up_goes_to_the_mps_account_manager_not_whoever_resolved_it(resolved_survey, am):
    colleague = StaffFactory(groups=["Account Manager"])
    survey = resolved_survey(assignee=colleague)
    assert survey.account_manager == colleague  # the metrics count it for the assignee
    survey_answer(actor=None, token=survey_token(survey), score=2)
    assert ActionItem.objects.get(survey=survey).owner == am
