"""The whole life of an MP user, run by the MP's User Security Administrator in headless Chromium: invite, the
invitee accepts in a second browser, change roles, suspend (the invitee's open session ends), reinstate, remove."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from accounts.models import ContactRole, Membership, PortalAccess, PortalAccessStatus
from ercot_services.core.models import OutboundEmail
from tests.accounts.factories import PASSWORD, MembershipFactory

from .conftest import sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

INVITEE = "casey.new@example.com"
INVITEE_PASSWORD = "a-long-password-2026"


def _invitation_link() -> str:
    body = OutboundEmail.objects.get(key__startswith="accounts:invitation:").body
    return re.search(r"https?://\S+/accounts/invitation/\S+/", body).group(0)


def test_a_usa_runs_the_whole_life_of_an_mp_user(page, browser, live_server, participant, account_manager):
    expect = pytest.importorskip("playwright.sync_api").expect
    usa = MembershipFactory(participant=participant, usa=True, user__full_name="Uma Security").user

    sign_in(page, usa.email, PASSWORD)
    main_navigation = page.get_by_role("navigation", name="Main navigation")
    main_navigation.get_by_role("button", name="Administration").click()
    main_navigation.get_by_role("link", name="People").click()
    page.get_by_role("link", name="Invite a person").click()
    page.get_by_label("Email address").fill(INVITEE)
    page.get_by_label("Credit contact").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator("#invitations")).to_contain_text(INVITEE)
    snap(page, "people-01-invited")
    # On a phone the list scrolls inside its card; the page itself does not scroll sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    snap(page, "people-01-invited-phone")
    page.set_viewport_size({"width": 1366, "height": 900})

    # The invitee, in a browser of their own, opens the emailed link and creates the account.
    invitee_context = browser.new_context(base_url=live_server.url)
    invitee = invitee_context.new_page()
    invitee.set_default_timeout(15_000)
    invitee.goto(urlparse(_invitation_link()).path)
    invitee.locator("#id_full_name").fill("Casey New")
    invitee.locator("#id_password1").fill(INVITEE_PASSWORD)
    invitee.locator("#id_password2").fill(INVITEE_PASSWORD)
    invitee.get_by_role("button", name="Create my account and accept").click()
    expect(invitee.get_by_text(f"you now have access to {participant.legal_name}")).to_be_visible()

    # The USA changes the new person's roles.
    page.goto("/portal/people/")
    page.get_by_role("link", name="Casey New").click()
    page.get_by_label("Technical contact").check()
    page.get_by_role("button", name="Save roles").click()
    expect(page.locator("#person-roles")).to_contain_text("Technical contact")
    casey = PortalAccess.objects.get(participant=participant, user__email=INVITEE).user
    assert set(
        Membership.objects.active().filter(user=casey, participant=participant).values_list("contact_role", flat=True)
    ) == {ContactRole.CREDIT, ContactRole.TECHNICAL}

    # Suspending ends the invitee's open session on its next request.
    page.locator("#access-form").get_by_label("Reason").fill("On leave")
    page.get_by_role("button", name="Suspend access").click()
    expect(page.get_by_role("alert").filter(has_text="access suspended")).to_be_visible()
    invitee.goto("/portal/")
    expect(invitee).to_have_url(re.compile(r"/accounts/login/"))
    snap(invitee, "people-02-session-ended")

    page.get_by_role("button", name="Reinstate access").click()
    expect(page.get_by_role("alert").filter(has_text="access reinstated")).to_be_visible()
    sign_in(invitee, INVITEE, INVITEE_PASSWORD)  # the suspended session ended for good: a new sign-in
    expect(invitee.get_by_role("heading", name=re.compile(participant.legal_name))).to_be_visible()

    page.get_by_role("button", name="Remove access").click()
    expect(page).to_have_url(re.compile(r"/portal/people/$"))
    expect(page.locator("#people")).not_to_contain_text("Casey New")
    assert PortalAccess.objects.get(user=casey, participant=participant).status == PortalAccessStatus.REMOVED
    snap(page, "people-03-removed")
    invitee_context.close()
