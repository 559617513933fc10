"""The dispute decision loop in the browser: the participant rejects a decision (confirming it), Client Services
decides again, the participant rejects again (the confirmation says it goes to ADR), and the case shows ADR; axe finds
no serious violation on the pages of the way."""

import pytest
from playwright.sync_api import expect

from cases.models import CaseKind, DecisionState, DisputeDecision, DisputeOutcome
from cases.services import dispute_resolve
from tests.accounts.factories import PASSWORD, MembershipFactory
from tests.cases.factories import SubmittedCaseFactory, dispute_fields, seeded_category

from .axe import assert_no_serious_violations
from .conftest import sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _reject(page, case, reason: str, confirm_button: str, expected: str) -> None:
    page.goto(case.get_portal_url())
    page.get_by_role("link", name="Reject the decision").click()
    assert_no_serious_violations(page, label="reject the decision")
    page.get_by_label("Why do you reject the decision?").fill(reason)
    page.get_by_role("button", name="Reject the decision").click()
    expect(page.locator("#confirm-step")).to_contain_text(expected)
    assert_no_serious_violations(page, label="reject the decision: confirmation")
    page.get_by_role("button", name=confirm_button).click()


def test_a_participant_rejects_twice_and_the_dispute_goes_to_adr(page, participant, account_manager):
    mp_user = MembershipFactory(participant=participant).user
    case = SubmittedCaseFactory(
        actor=mp_user,
        participant=participant,
        kind=CaseKind.DISPUTE,
        category=seeded_category("settlements"),
        subject="DAM charge looks wrong",
        description="The DA energy imbalance charge doubles our award.",
        dispute=dispute_fields(),
    )
    am = account_manager.user
    dispute_resolve(actor=am, case=case, outcome=DisputeOutcome.DENIED, outcome_explanation="Settled as bid.")

    sign_in(page, mp_user.email, PASSWORD)
    page.goto(case.get_portal_url())
    expect(page.locator("#decision")).to_contain_text("Accept or reject by")
    assert_no_serious_violations(page, label="resolved dispute with a decision")
    _reject(page, case, "Our award was not as bid.", "Yes, reject the decision", "back to Client Services")
    expect(page.get_by_role("alert").first).to_contain_text("back with Client Services")
    assert DisputeDecision.objects.get(case=case).state == DecisionState.UNDER_REVIEW

    dispute_resolve(actor=am, case=case, outcome=DisputeOutcome.DENIED, outcome_explanation="Checked again: as bid.")
    _reject(page, case, "Still not as bid.", "Yes, reject and go to ADR", "alternative dispute resolution (ADR)")

    expect(page.get_by_role("alert").first).to_contain_text("alternative dispute resolution")
    expect(page.locator("#decision")).to_contain_text("ADR requested")
    snap(page, "dispute-in-adr")
    assert_no_serious_violations(page, label="dispute in ADR")
    assert DisputeDecision.objects.get(case=case).state == DecisionState.ADR_REQUESTED
