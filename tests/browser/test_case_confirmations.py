"""A dispute granted for much less than claimed is confirmed in the browser, from the action area at the top of the
case page (issue 17, point 7)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cases.models import CaseKind, CaseStatus
from cases.services import case_start_work
from tests.accounts.factories import PASSWORD, MembershipFactory
from tests.cases.factories import SubmittedCaseFactory, dispute_fields, seeded_category

from .conftest import sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_granting_a_small_share_of_a_dispute_asks_first_and_resolves_once_confirmed(page, participant, account_manager):
    am = account_manager.user
    dispute = SubmittedCaseFactory(
        actor=MembershipFactory(participant=participant).user,
        participant=participant,
        kind=CaseKind.DISPUTE,
        category=seeded_category("settlements"),
        subject="RT charge doubled",
        description="The RT energy imbalance charge doubles our award.",
        dispute=dispute_fields(disputed_amount=Decimal("208866.00")),
    )
    case_start_work(actor=am, case=dispute)

    sign_in(page, am.email, PASSWORD)
    page.goto(dispute.get_absolute_url())
    resolve = page.locator("#resolve")
    expect(resolve).to_be_in_viewport()  # where the eye lands, not 1,500 px down
    resolve.get_by_label("Outcome").select_option(label="Granted")
    resolve.get_by_label("Explanation").fill("The charge was recalculated.")
    resolve.get_by_label("Granted amount ($, optional)").fill("100")
    resolve.get_by_role("button", name=f"Resolve {dispute.reference}").click()

    confirm = page.locator("#confirm-step")
    expect(confirm).to_contain_text("You are granting $100.00 of $208,866.00 claimed (0.05 %)")
    snap(page, "case-confirm-low-grant")
    dispute.refresh_from_db()
    assert dispute.status == CaseStatus.IN_PROGRESS

    confirm.get_by_role("button", name="Yes, grant $100.00").click()
    expect(page.get_by_role("alert").first).to_contain_text(f"{dispute.reference} is now Resolved")
    dispute.refresh_from_db()
    assert dispute.status == CaseStatus.RESOLVED and dispute.dispute.granted_amount == Decimal("100.00")
