"""A person signed in on two browsers sees both, signs the other out, and is told about the new browser."""

import re

import pytest
from playwright.sync_api import expect

from ercot_services.core.models import OutboundEmail
from tests.accounts.factories import PASSWORD, MembershipFactory

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signing_out_another_browser(browser, live_server, page, screenshot):
    user = MembershipFactory(user__full_name="Irene Kim", user__email="irene@bluebonnet.example").user
    phone = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
    ).new_page()
    sign_in(phone, user.email, PASSWORD)
    expect(phone).to_have_url(re.compile(r"/portal/$"))
    sign_in(page, user.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/portal/$"))
    # On the phone both pages fit the screen: nothing scrolls sideways (a table's hidden labels included).
    for path in ("/accounts/sessions/", "/accounts/security/activity/"):
        phone.goto(path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
    # Each browser was new to her: one email each.
    assert OutboundEmail.objects.filter(subject="New sign-in to your ERCOT account", to=[user.email]).count() == 2

    page.get_by_role("button", name=user.full_name).click()
    page.get_by_role("link", name="Signed-in browsers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Signed-in browsers")
    rows = page.get_by_role("row")
    expect(rows).to_have_count(3)  # the header and two browsers
    expect(page.get_by_text("This browser")).to_be_visible()
    expect(page.get_by_role("cell", name="Mobile Safari 17 on iOS", exact=True)).to_be_visible()
    screenshot("signed-in-browsers")

    page.get_by_role("button", name=re.compile(r"Sign out all other browsers")).click()
    expect(page.get_by_text("Signed out of 1 other browser.")).to_be_visible()
    expect(page.get_by_role("cell", name="Mobile Safari 17 on iOS", exact=True)).to_have_count(0)

    phone.reload()
    expect(phone).to_have_url(re.compile(r"/accounts/login/"))

    page.get_by_role("button", name=user.full_name).click()
    page.get_by_role("link", name="Security activity", exact=True).click()
    expect(page.get_by_role("cell", name=re.compile("Signed out other browsers"))).to_be_visible()
    expect(page.get_by_text("new browser")).to_have_count(2)
    screenshot("security-activity")
