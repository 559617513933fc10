"""Case satisfaction on the metrics page: average score and response rate per Account Manager (the assignee at
resolution) and per category, over the surveys sent in the range, in one query whatever the number of surveys."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.selectors.metrics import OTHERS
from cases.selectors.surveys import survey_figures
from dashboards.selectors.metrics import metrics_table
from tests.accounts.factories import StaffFactory
from tests.cases.factories import CaseCategoryFactory, CaseFactory, CaseSurveyFactory

from .conftest import ct, october

pytestmark = pytest.mark.django_db

OCTOBER_QUERY = {"start": "2026-10-01", "end": "2026-10-31", "manager": "all"}


@pytest.fixture
def surveys(am1, am2, mp1, mp2, category):
    """Alice: 3 sent in October, 2 answered (5 and 2); Bob: 2 sent, 1 answered (3); another staff member: 1 sent,
    answered 1; and one of Alice's sent in September (out of the range)."""
    billing = CaseCategoryFactory(code="billing-test", name="Billing test")

    def make(assignee, participant, cat, day, score=None):
        case = CaseFactory(participant=participant, category=cat, assignee=assignee, resolved=True)
        extra = {"answered": True, "score": score} if score else {}
        return CaseSurveyFactory(case=case, resolution_number=1, resolved_at=ct(2026, *day, 12), **extra)

    other_staff = StaffFactory()
    make(am1.user, mp1, category, (10, 5), score=5)
    make(am1.user, mp1, category, (10, 6), score=2)
    make(am1.user, mp1, billing, (10, 7))
    make(am2.user, mp2, billing, (10, 8), score=3)
    make(am2.user, mp2, category, (10, 9))
    make(other_staff, mp2, billing, (10, 12), score=1)
    make(am1.user, mp1, category, (9, 30), score=1)  # September: not in October's figures
    return billing


def test_figures_per_account_manager_and_category(am1, am2, surveys):
    figures = survey_figures(october(), {am1.user_id, am2.user_id})
    alice, bob, others = (figures.by_manager[key] for key in (am1.user_id, am2.user_id, OTHERS))
    assert (alice.sent, alice.answered, alice.average) == (3, 2, 3.5)
    assert round(alice.response_rate, 1) == 66.7
    assert (bob.sent, bob.answered, bob.average, bob.response_rate) == (2, 1, 3.0, 50.0)
    assert (others.sent, others.answered, others.average) == (1, 1, 1.0)
    by_category = dict(figures.by_category)
    assert (by_category["Metrics test"].sent, by_category["Metrics test"].average) == (3, 3.5)
    assert (by_category["Billing test"].sent, by_category["Billing test"].answered) == (3, 2)
    assert by_category["Billing test"].average == 2.0
    assert (figures.overall.sent, figures.overall.answered) == (6, 4)


def test_an_account_manager_scope_narrows_the_categories_not_the_manager_rows(am1, am2, surveys):
    figures = survey_figures(october(am1), {am1.user_id, am2.user_id})
    assert dict(figures.by_category)["Billing test"].sent == 1  # Alice's one unanswered billing survey
    assert (figures.overall.sent, figures.overall.answered, figures.overall.average) == (3, 2, 3.5)
    assert figures.by_manager[am2.user_id].sent == 2


def test_the_tables_and_their_csv(am1, am2, surveys):
    managers = metrics_table(october(), "surveys-managers")
    rows = {row[0].value: [str(cell) for cell in row[1:]] for row in managers.rows}
    assert rows["Alice Adams"] == ["3", "2", "67% (2/3)", "3.50"]
    assert rows["Bob Brown"] == ["2", "1", "50% (1/2)", "3.00"]
    assert rows["Other staff / queues"] == ["1", "1", "100% (1/1)", "1.00"]
    assert [str(cell) for cell in managers.footer] == ["All", "6", "4", "67% (4/6)", "2.75"]
    header, *csv_rows = metrics_table(october(), "surveys-categories").csv_rows()
    assert header == ["Category", "Surveys sent", "Answered", "Response rate (%)", "Average score"]
    assert ["Billing test", "3", "2", "66.70", "2.00"] in [[str(v) for v in row] for row in csv_rows]


def test_one_query_whatever_the_number_of_surveys(am1, am2, mp1, category, surveys, django_assert_num_queries):
    with django_assert_num_queries(1):
        survey_figures(october(), {am1.user_id, am2.user_id})
    for day in range(13, 28):
        case = CaseFactory(participant=mp1, category=category, assignee=am1.user, resolved=True)
        CaseSurveyFactory(case=case, resolution_number=1, resolved_at=ct(2026, 10, day, 12), answered=True)
    with django_assert_num_queries(1):
        figures = survey_figures(october(), {am1.user_id, am2.user_id})
    assert figures.by_manager[am1.user_id].sent == 18


def test_the_metrics_page_shows_the_satisfaction_section(client, lead, surveys):
    client.force_login(lead)
    response = client.get(reverse("workspace:metrics"), OCTOBER_QUERY)
    html = response.content.decode()
    assert 'id="surveys-heading"' in html
    assert "Satisfaction by Account Manager" in html and "Satisfaction by category" in html
    csv = client.get(reverse("workspace:metrics-csv", args=["surveys-managers"]), OCTOBER_QUERY)
    assert csv.status_code == 200
    assert "Alice Adams,3,2,66.70,3.50" in b"".join(csv.streaming_content).decode()
