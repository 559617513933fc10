"""A market incident in the browser: three MPs file about the same thing, the Service Desk sees the proposal on its
home, confirms it and answers every case with one reply; each MP sees the reply on its own case. axe on each page."""

import pytest
from playwright.sync_api import expect

from accounts.roles import StaffGroup
from cases.models import CaseMessage, Incident, IncidentDimension, IncidentRule, IncidentStatus
from cases.services import incident_scan
from tests.accounts.factories import PASSWORD, MembershipFactory, ParticipantFactory, StaffFactory
from tests.cases.factories import SubmittedCaseFactory, seeded_category

from .axe import assert_no_serious_violations
from .conftest import sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_service_desk_answers_a_market_incident_once(page):
    IncidentRule.load_all()
    IncidentRule.objects.filter(dimension=IncidentDimension.CATEGORY).update(min_participants=3, window_days=2)
    filers = []
    for name in ("ALPHACO", "BETACO", "GAMMACO"):
        participant = ParticipantFactory(name=name)
        user = MembershipFactory(participant=participant).user
        SubmittedCaseFactory(
            actor=user,
            participant=participant,
            category=seeded_category("settlements"),
            subject="Settlement extract missing",
        )
        filers.append((participant, user))
    # Filing committed each case, and the detection queued after the third commit proposed the incident.
    incident = Incident.objects.get()
    assert incident_scan() == []  # the periodic scan proposes the same cluster no second time
    desk = StaffFactory(groups=[StaffGroup.SERVICE_DESK])

    sign_in(page, desk.email, PASSWORD)
    expect(page.get_by_role("heading", name="Proposed incidents")).to_be_visible()
    page.get_by_role("link", name=incident.title).click()
    assert_no_serious_violations(page, label="proposed incident")
    confirm = page.locator("#confirm")
    confirm.get_by_label("Title").fill("Settlement extract not posted")
    confirm.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("alert").first).to_contain_text("Incident confirmed")

    reply = page.locator("#reply")
    reply.get_by_label("Reply to every linked case").fill("The extract was re-posted at 14:00.")
    reply.get_by_role("button", name="Send to every linked case").click()
    page.locator("#confirm-step").get_by_role("button", name="Send to every linked case").click()
    expect(page.get_by_role("alert").first).to_contain_text("Reply added to 3 cases")
    snap(page, "incident-answered")
    assert_no_serious_violations(page, label="open incident")
    assert CaseMessage.objects.filter(body="The extract was re-posted at 14:00.").count() == 3

    page.goto("/workspace/incidents/?status=open")
    expect(page.get_by_role("link", name="Settlement extract not posted")).to_be_visible()
    assert_no_serious_violations(page, label="incident list")
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.OPEN

    (mine, user), (other, _), _ = filers
    page.context.clear_cookies()
    sign_in(page, user.email, PASSWORD)
    own = incident.cases.get(participant=mine)
    page.goto(own.get_portal_url())
    expect(page.get_by_text("The extract was re-posted at 14:00.")).to_be_visible()
    assert other.short_name not in page.content()
