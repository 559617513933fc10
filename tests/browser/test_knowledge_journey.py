"""Issue 19: an MP finds an answer without filing a case. Typing an inquiry's subject shows a knowledge base article;
"This answered my question" records a deflection and files nothing (the pages checked with axe-core)."""

import pytest
from playwright.sync_api import expect

from cases.models import Case
from education.models import Deflection, DeflectionOutcome
from tests.accounts.factories import PASSWORD, MembershipFactory
from tests.education.factories import ArticleFactory

from .axe import assert_no_serious_violations
from .conftest import sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_mp_finds_an_answer_while_writing_an_inquiry_and_files_no_case(page, participant):
    article = ArticleFactory(
        title="Removing a switch hold",
        summary="The TDSP removes it once the new occupant proves their right to the premise.",
        body="Open a MarkeTrak issue of subtype *Switch Hold Removal* with the lease attached.",
    )
    requester = MembershipFactory(participant=participant).user
    sign_in(page, requester.email, PASSWORD)
    page.goto("/portal/cases/new/inquiry/")
    page.get_by_label("Subject").fill("Switch hold on a move-in")
    suggestion = page.locator("#kb-suggestion-list")
    expect(suggestion.get_by_role("link", name="Removing a switch hold")).to_be_visible()
    assert_no_serious_violations(page, label="inquiry form with suggestions")
    snap(page, "journey-kb-suggestion")

    suggestion.get_by_role("button", name="This answered my question").click()
    expect(page.get_by_role("alert").first).to_contain_text("No inquiry was filed")
    expect(page.get_by_role("heading", name="Removing a switch hold")).to_be_visible()
    assert_no_serious_violations(page, label="knowledge base article")

    deflection = Deflection.objects.get()
    assert (deflection.outcome, deflection.article_id, deflection.subject) == (
        DeflectionOutcome.ANSWERED,
        article.pk,
        "Switch hold on a move-in",
    )
    assert not Case.objects.exists()

    page.goto("/education/kb/?q=switch+hold")
    expect(page.get_by_role("link", name="Removing a switch hold")).to_be_visible()
    assert_no_serious_violations(page, label="knowledge base search")
