"""The main journeys of the foundation in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import AccountManagerAssignment
from tests.accounts.factories import (
    PASSWORD,
    AccountManagerFactory,
    AssignmentFactory,
    MembershipFactory,
    ParticipantFactory,
)

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_participant_finds_their_account_manager_and_switches_mp(page, screenshot, account_manager, participant):
    second = ParticipantFactory(legal_name="Second Retail Energy LLC", role_codes=["REP"])
    other_manager = AccountManagerFactory(user__full_name="Dana Whitfield", extension="4417")
    AssignmentFactory(participant=second, account_manager=other_manager)
    user = MembershipFactory(participant=participant, user__full_name="Riley Contact").user
    MembershipFactory(participant=second, user=user)

    page.goto("/")
    screenshot("landing")
    page.get_by_role("link", name="Sign in").first.click()
    sign_in(page, user.email, PASSWORD)

    expect(page).to_have_url(re.compile(r"/portal/$"))
    first_mp, first_am = (
        (participant, account_manager) if participant.short_name < second.short_name else (second, other_manager)
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(first_mp.legal_name)
    expect(page.get_by_text(first_am.user.full_name)).to_be_visible()
    expect(page.get_by_text(f"ext. {first_am.extension}")).to_be_visible()
    screenshot("portal-home")

    target = second if first_mp == participant else participant
    page.get_by_role("button", name="Switch Market Participant").click()
    page.get_by_role("button", name=target.legal_name).click()
    expect(page.get_by_role("alert")).to_contain_text(f"You are now working for {target.legal_name}")
    expect(page.get_by_role("heading", level=1)).to_have_text(target.legal_name)

    page.get_by_role("link", name="Company details and contacts").click()
    expect(page.get_by_role("cell", name="Riley Contact")).to_be_visible()
    screenshot("portal-company")


def test_lead_reassigns_an_account_manager(page, screenshot, lead, participant, account_manager):
    new_manager = AccountManagerFactory(user__full_name="Morgan Ellis")
    sign_in(page, lead.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good")
    screenshot("workspace-home")

    page.get_by_role("button", name="Participants").click()
    page.get_by_role("link", name="Market Participants", exact=True).click()
    page.get_by_label("Search").fill(participant.short_name)
    page.get_by_role("button", name="Filter").click()
    screenshot("workspace-participants")
    page.get_by_role("link", name=participant.short_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(participant.legal_name)

    page.get_by_role("link", name="Reassign Account Manager").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    page.get_by_label("New Account Manager").select_option(label="Morgan Ellis")
    page.get_by_label("Reason").fill("Rebalancing books")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("alert")).to_contain_text("Morgan Ellis is now the Account Manager")
    expect(page.get_by_text("Rebalancing books").first).to_be_visible()
    # The secondary sections load into the page (htmx): the timeline shows the reassignment, the plan its card.
    expect(page.locator("#history .timeline")).to_contain_text("Rebalancing books")
    expect(page.locator("#plan")).to_contain_text("Open the account plan")
    expect(page.get_by_text("Loading…")).to_have_count(0)
    screenshot("workspace-participant-detail")
    current = AccountManagerAssignment.objects.current().get(participant=participant)
    assert current.account_manager == new_manager
    assert AccountManagerAssignment.objects.filter(participant=participant).count() == 2


def test_participant_user_cannot_open_the_workspace(page, mp_user):
    sign_in(page, mp_user.email, PASSWORD)
    response = page.goto("/workspace/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You don't have access to this page")
