"""Issue 18: a participant files a 3-day dispute in the portal (no JavaScript needed to submit), and the case page
lists its days; axe finds no serious WCAG 2.1 AA violation on the form, the refused form or the case page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import DisputeDetail
from tests.accounts.factories import PASSWORD, MembershipFactory

from .axe import assert_no_serious_violations
from .conftest import nav, sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_participant_files_a_three_day_dispute(browser, live_server, participant, account_manager):
    requester = MembershipFactory(participant=participant, user__full_name="Dana Disputer").user
    today = timezone.localdate()
    first, second, third = (today - datetime.timedelta(days=n) for n in (5, 4, 3))

    page = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900}).new_page()
    sign_in(page, requester.email, PASSWORD)
    nav(page).get_by_role("link", name="Cases", exact=True).click()
    page.get_by_role("link", name="File a dispute").first.click()
    assert_no_serious_violations(page, label="dispute form")

    page.locator("#id_operating_day").fill(first.isoformat())
    page.get_by_label("Statement type").select_option("dam")
    page.get_by_label("Statement or invoice date").fill(today.isoformat())
    page.get_by_label("Statement or invoice reference").fill("DAM-STMT-3DAY")
    page.get_by_label("Charge type").fill("Day-Ahead Energy Purchase")
    page.get_by_label("Disputed amount (USD)").fill("100.00")
    page.get_by_label("More Operating Days (optional)").fill(f"{second:%Y-%m-%d}, 200.00\n{third:%Y-%m-%d}, oops")
    page.get_by_label("What is wrong, and what should it be?").fill("The DAM purchase is billed twice on each day.")
    page.get_by_role("button", name="File dispute").click()

    expect(page.locator(".error-summary")).to_contain_text("give the amount disputed for")
    assert_no_serious_violations(page, label="dispute form with errors")
    assert not DisputeDetail.objects.exists()

    page.get_by_label("More Operating Days (optional)").fill(f"{second:%Y-%m-%d}, 200.00\n{third:%Y-%m-%d}, 300.00")
    page.get_by_role("button", name="File dispute").click()
    expect(page.get_by_role("alert").first).to_contain_text("Your dispute of 3 Operating Days was filed as DSP-")

    detail = DisputeDetail.objects.get()
    assert detail.days.count() == 3 and str(detail.disputed_amount) == "600.00"
    expect(page.locator("#dispute-days tbody tr")).to_have_count(3)
    assert_no_serious_violations(page, label="dispute case page")
    snap(page, "journey-portal-dispute-three-days")
