"""The satisfaction survey in headless Chromium, without signing in: axe-core finds no serious violation on the
question, the thanks page or the "already answered" page; the score is chosen by its label, with the keyboard."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import CaseSurvey
from cases.services.surveys import survey_token
from tests.cases.factories import CaseFactory, CaseSurveyFactory

from .axe import axe_violations, blocking, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_accessible(page, name):
    violations = blocking(axe_violations(page))
    assert violations == [], f"{name}: {describe(violations)}"


@pytest.mark.parametrize("width", [1366, 375])
def test_a_requester_answers_the_survey_by_keyboard_and_every_page_passes_axe(page, width):
    survey = CaseSurveyFactory(case=CaseFactory(resolved=True, subject="Where is our Form B?"))
    page.set_viewport_size({"width": width, "height": 900})
    link = reverse("case-survey", args=[survey_token(survey)])

    page.goto(link + "?score=2")
    page.get_by_role("heading", name="How did we do?").wait_for()
    assert page.get_by_text(survey.case.reference).first.is_visible()
    assert page.get_by_label("2 – Dissatisfied").is_checked()  # the email's one-click link preselects
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page, "survey")

    page.get_by_role("button", name="Send my answer").click()  # with a preselection: no error
    page.get_by_role("heading", name="Thank you for your answer").wait_for()
    assert_accessible(page, "thanks")

    page.goto(link)
    page.get_by_role("heading", name="This survey was already answered").wait_for()
    assert_accessible(page, "already answered")
    survey = CaseSurvey.objects.get(pk=survey.pk)
    assert survey.score == 2


def test_the_error_summary_and_a_keyboard_choice(page):
    survey = CaseSurveyFactory(case=CaseFactory(resolved=True))
    page.goto(reverse("case-survey", args=[survey_token(survey)]))
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_text("There is a problem").wait_for()
    assert_accessible(page, "survey with an error")
    page.get_by_label("4 – Satisfied").focus()
    page.keyboard.press("Space")
    page.get_by_label("Anything you would like to tell us? (optional)").fill("Thanks")
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_role("heading", name="Thank you for your answer").wait_for()
    assert CaseSurvey.objects.get(pk=survey.pk).score == 4


def test_a_changed_link_gets_a_page_that_passes_axe(page):
    survey = CaseSurveyFactory(case=CaseFactory(resolved=True))
    page.goto(reverse("case-survey", args=[survey_token(survey)[:-3] + "xyz"]))
    page.get_by_role("heading", name="This survey link does not work").wait_for()
    assert_accessible(page, "link problem")
