"""Issue 17: a prospect's portal is its registration (one "Continue registration", the submit disabled with its
reason); an active MP's home lists the ACTION REQUIRED notices awaiting it and acknowledges one from there."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import ContactRank, ContactRole
from notices.models import Acknowledgement
from registration.models import ApplicationKind
from registration.services import application_start
from tests.accounts.factories import PASSWORD, MembershipFactory, ParticipantFactory
from tests.notices.factories import NoticeFactory

from .conftest import nav, sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/i17-portal")


def _look(page, name):
    """Screenshots at desktop and phone width (for people to look at), and the page is no wider than the phone."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1366, "height": 900})
    snap(page, f"journey-{name}")


def test_a_prospect_continues_its_registration_and_cannot_submit_an_incomplete_one(page):
    prospect = ParticipantFactory(prospective=True, legal_name="Sundance Solar Retail LLC", short_name="SUNDANCE")
    ar = MembershipFactory(
        participant=prospect, contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE, rank=ContactRank.PRIMARY
    ).user
    application = application_start(
        actor=ar, participant=prospect, kind=ApplicationKind.INITIAL, role_codes=["REP", "LSE"]
    )

    sign_in(page, ar.email, PASSWORD)
    page.goto("/portal/")
    expect(nav(page).get_by_role("link", name="Cases")).to_have_count(0)
    expect(nav(page).get_by_role("link", name="Meetings & actions")).to_have_count(0)
    expect(page.get_by_text("Your Account Manager")).to_have_count(0)
    expect(page.locator("#registration-checklist")).to_contain_text("Signed Standard Form Market Participant")
    expect(page.locator("#registration-submit-blocked")).to_contain_text("Still missing")
    continue_links = page.get_by_role("link", name="Continue registration")
    expect(continue_links).to_have_count(1)
    _look(page, "prospect-home")

    continue_links.click()
    expect(page).to_have_url(f"{page.url.split('/portal/')[0]}/portal/registration/{application.reference}/")
    submit = page.get_by_role("button", name="Attest and submit")
    expect(submit).to_be_disabled()
    expect(page.locator("#submit-blocked")).to_contain_text("You can submit once the checklist is complete")
    expect(page.locator("#submit-blocked")).to_contain_text("Still missing")
    _look(page, "prospect-application")

    page.goto("/portal/cases/new/dispute/")
    expect(page).to_have_url(f"{page.url.split('/portal/')[0]}/portal/registration/")
    expect(page.get_by_text("open once Sundance Solar Retail LLC is registered")).to_be_visible()


def test_an_active_mp_acknowledges_an_action_required_notice_from_its_home(page):
    mp = ParticipantFactory(role_codes=["REP"], short_name="BLUEBONNET")
    user = MembershipFactory(participant=mp).user
    notices = [
        NoticeFactory(published=True, requires_action=True, days_ago=days, short_description=f"Notice {days}")
        for days in (5, 4)
    ]

    sign_in(page, user.email, PASSWORD)
    page.goto("/portal/")
    card = page.locator("#notices-awaiting")
    expect(card).to_contain_text("2 notices with ACTION REQUIRED await BLUEBONNET's acknowledgement")
    expect(page.locator("#waiting-on-you")).to_contain_text("Nothing is waiting on you")
    _look(page, "active-home-notices")

    card.get_by_role("button", name=f"Acknowledge {notices[0].notice_id} for BLUEBONNET").click()

    expect(page.get_by_text(f"BLUEBONNET acknowledged {notices[0].notice_id}")).to_be_visible()
    expect(page.locator("#notices-awaiting")).to_contain_text("1 notice with ACTION REQUIRED awaits")
    assert Acknowledgement.objects.filter(notice=notices[0], participant=mp, user=user).exists()
