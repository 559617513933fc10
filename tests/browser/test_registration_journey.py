"""Issue #4 end to end: from the public contact form to an approved registration, in the browser."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import MarketParticipant, ParticipantStatus
from cases.models import Case, CaseKind
from registration.models import Application, ApplicationStatus
from tests.accounts.factories import PASSWORD, StaffFactory

from .conftest import nav, sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NEW_PASSWORD = "Grid-Entry-2026!"


def test_potential_mp_becomes_a_registered_one(browser, live_server, mailoutbox, tmp_path):
    service_desk = StaffFactory(groups=["Service Desk"], full_name="Sam Desk")
    lead = StaffFactory(groups=["Client Services Lead"], full_name="Lee Lead")
    context = dict(base_url=live_server.url, viewport={"width": 1366, "height": 900})

    # 1. A potential MP writes to Client Relations through the public contact form.
    public = browser.new_context(**context).new_page()
    public.goto("/contact/")
    public.get_by_label("Your name").fill("Quinn Prospect")
    public.get_by_label("Company").fill("Prairie Storage QSE LLC")
    public.get_by_label("Email address").fill("quinn@prairiestorage.example")
    public.get_by_label("Subject").fill("We want to register as a QSE")
    public.get_by_label("Message").fill("We operate batteries in West Texas and want to schedule them.")
    public.get_by_role("button", name="Send to the Service Desk").click()
    expect(public.get_by_text(re.compile(r"PMP-\d{4}-\d{6}")).first).to_be_visible()
    case = Case.objects.get(kind=CaseKind.POTENTIAL_MP)

    # 2. The Service Desk invites them to register.
    desk = browser.new_context(**context).new_page()
    sign_in(desk, service_desk.email, PASSWORD)
    desk.goto(case.get_absolute_url())
    desk.get_by_role("link", name="Invite to register").click()
    desk.get_by_label("Short name").fill("PRAIRIEQSE")
    desk.get_by_role("button", name="Create the account and send the invitation").click()
    participant = MarketParticipant.objects.get(short_name="PRAIRIEQSE")
    assert participant.status == ParticipantStatus.PROSPECTIVE
    [invitation] = [m for m in mailoutbox if m.to == ["quinn@prairiestorage.example"] and "/accounts/reset/" in m.body]
    link = re.search(r"https?://\S+/accounts/reset/\S+", invitation.body).group(0)

    # 3. The new AR chooses a password, signs in and files the initial registration.
    applicant = browser.new_context(**context).new_page()
    applicant.goto(link.replace(re.match(r"https?://[^/]+", link).group(0), live_server.url))
    applicant.locator("#id_new_password1").fill(NEW_PASSWORD)
    applicant.locator("#id_new_password2").fill(NEW_PASSWORD)
    applicant.get_by_role("button", name="Set password").click()
    sign_in(applicant, "quinn@prairiestorage.example", NEW_PASSWORD)
    nav(applicant).get_by_role("link", name="Registration").click()
    applicant.get_by_role("link", name="Start initial registration").first.click()
    applicant.get_by_label("QSE").check()
    applicant.get_by_role("button", name="Create the draft and see the checklist").click()
    application = Application.objects.get(participant=participant)
    lines = list(application.requirements.select_related("requirement"))
    assert {line.requirement.code for line in lines} == {"form-g", "sfa"}
    document = tmp_path / "signed.pdf"
    document.write_bytes(PDF)
    for line in lines:
        item = applicant.locator(f"#line-{line.pk}")
        item.locator("input[type=file]").set_input_files(str(document))
        item.get_by_role("button", name="Upload", exact=True).click()
        expect(applicant.locator(f"#line-{line.pk}")).to_contain_text("signed.pdf")
    applicant.locator("#id_attest").check()
    applicant.get_by_role("button", name="Attest and submit").click()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    snap(applicant, "journey-registration-submitted")

    # 4. Client Services reviews the documents side by side and approves.
    reviewer = browser.new_context(**context).new_page()
    sign_in(reviewer, lead.email, PASSWORD)
    reviewer.goto(application.get_absolute_url())
    reviewer.get_by_role("button", name="Start review").click()
    while reviewer.get_by_role("button", name=re.compile(r"^Accept ")).count():
        reviewer.get_by_role("button", name=re.compile(r"^Accept ")).first.click()
        reviewer.wait_for_load_state()
    reviewer.get_by_role("button", name="Approve and apply").click()
    snap(reviewer, "journey-registration-approved")
    application.refresh_from_db()
    participant.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert participant.status == ParticipantStatus.QUALIFYING
    assert participant.role_codes() == ["QSE"]

    # 5. The applicant sees the decision.
    applicant.goto(application.get_portal_url())
    expect(applicant.get_by_text("Approved").first).to_be_visible()
