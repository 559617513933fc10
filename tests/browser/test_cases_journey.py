"""Issue #3 end to end: a participant files an inquiry, the AM answers, emails go through a real worker."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case, CaseStatus
from tests.accounts.factories import PASSWORD, MembershipFactory

from .conftest import nav, sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _to(envelope) -> str:
    return ",".join(envelope.rcpt_tos)


def test_inquiry_from_portal_to_resolution(
    browser, live_server, smtp_sink, celery_worker_thread, participant, account_manager, tmp_path
):
    requester = MembershipFactory(participant=participant, user__full_name="Riley Requester").user
    am = account_manager.user

    portal = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900}).new_page()
    sign_in(portal, requester.email, PASSWORD)
    nav(portal).get_by_role("link", name="Cases", exact=True).click()
    portal.get_by_role("link", name="Ask a question").first.click()
    portal.get_by_label("Category").select_option(label="Settlements")
    portal.get_by_label("Subject").fill("Missing usage on the True-Up statement")
    portal.get_by_label("Your question").fill("ESI IDs 1008901 and 1008902 show no usage for Operating Day Oct 3.")
    evidence = tmp_path / "extract.csv"
    evidence.write_text("esi_id,usage\n1008901,0\n")
    portal.get_by_label("Attachments").set_input_files(str(evidence))
    portal.get_by_role("button", name="Submit inquiry").click()

    expect(portal.get_by_role("alert")).to_contain_text("INQ-")
    case = Case.objects.get(participant=participant)
    assert case.assignee == am
    snap(portal, "journey-portal-case-new")
    receipts = smtp_sink.wait_for(1, where=lambda e: requester.email in _to(e))
    assert len(receipts) == 1 and case.reference in receipts[0].original_content.decode()

    staff = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900}).new_page()
    sign_in(staff, am.email, PASSWORD)
    nav(staff).get_by_role("link", name="Cases", exact=True).click()
    staff.get_by_role("link", name=case.reference).first.click()
    staff.get_by_label("Message").fill("Internal: check the meter read batch from the TDSP first.")
    staff.get_by_label("Internal note (staff only").check()
    staff.get_by_role("button", name="Add internal note").click()
    expect(staff.get_by_text("check the meter read batch")).to_be_visible()
    staff.get_by_label("Message").fill("We found the gap; could you confirm the ESI IDs are complete?")
    staff.get_by_label("Waiting on participant after this reply").check()
    staff.get_by_role("button", name="Send reply").click()
    expect(staff.get_by_text("We found the gap")).to_be_visible()
    snap(staff, "journey-staff-case")
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING and case.first_response_at is not None

    portal.goto(case.get_portal_url())
    expect(portal.get_by_text("We found the gap")).to_be_visible()
    assert "meter read batch" not in portal.content()
    portal.get_by_label("Your reply").fill("Yes, those two are all.")
    portal.get_by_role("button", name="Send reply").click()
    expect(portal.get_by_text("Yes, those two are all.")).to_be_visible()
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS

    staff.reload()
    staff.get_by_label("Resolution summary").fill("Usage was re-sent by the TDSP and appears on the next statement.")
    staff.get_by_role("button", name=f"Resolve {case.reference}").click()
    expect(staff.get_by_role("alert").first).to_be_visible()
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED

    portal.reload()
    expect(portal.get_by_text("re-sent by the TDSP")).to_be_visible()
    snap(portal, "journey-portal-case-resolved")

    # The requester's mailbox: receipt, the public reply, status changes — never the internal note.
    to_requester = smtp_sink.wait_for(4, where=lambda e: requester.email in _to(e))
    bodies = [e.original_content.decode(errors="replace") for e in to_requester]
    assert any("We found the gap" in body for body in bodies)
    assert not any("meter read batch" in e.original_content.decode(errors="replace") for e in smtp_sink.envelopes)
    to_am = smtp_sink.wait_for(1, where=lambda e: am.email in _to(e))
    assert any("Yes, those two are all." in e.original_content.decode(errors="replace") for e in to_am)
    subjects = [e.original_content.decode(errors="replace") for e in to_requester]
    assert len(subjects) == len(set(subjects)), "an email was delivered twice"


@pytest.mark.django_db(transaction=True)
def test_mp_picker_searches_and_filters_the_queue(page, live_server, participant, other_participant, lead):
    """The queue's MP filter is a combobox over the autocomplete endpoint: type, pick with the keyboard, apply."""
    sign_in(page, lead.email, PASSWORD)
    page.goto("/workspace/cases/?view=all")
    assert page.locator(f'#id_participant option[value="{other_participant.pk}"]').count() == 0  # not in the HTML

    page.get_by_role("combobox", name="Market Participant").click()
    search = page.locator(".ts-dropdown input")
    expect(search).to_be_focused()  # the search box opens in the dropdown, the field keeps its size
    page.keyboard.type(participant.short_name)
    option = page.locator(".ts-dropdown .option", has_text=participant.legal_name)
    expect(option).to_be_visible()
    expect(page.locator(".ts-dropdown .option", has_text=other_participant.legal_name)).to_have_count(0)
    option.click()
    snap(page, "cases-queue-mp-picker")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(rf"[?&]participant={participant.pk}(&|$)"))
    expect(page.locator("#id_participant option[selected]")).to_have_text(
        f"{participant.short_name} — {participant.legal_name}"
    )


@pytest.mark.django_db(transaction=True)
def test_logging_a_case_loads_the_chosen_mps_contacts(page, live_server, participant, other_participant, lead):
    """The case log form lists no MP's contacts until the MP is chosen; then htmx loads that MP's only."""
    mine = MembershipFactory(participant=participant, user__full_name="Riley Requester").user
    theirs = MembershipFactory(participant=other_participant, user__full_name="Olly Other").user
    sign_in(page, lead.email, PASSWORD)
    page.goto("/workspace/cases/new/")
    requester = page.locator("#id_requester")
    expect(requester.locator("option")).to_have_count(1)  # "Choose the MP first…"

    page.get_by_role("combobox", name="Market Participant").click()
    page.keyboard.type(participant.short_name)
    page.locator(".ts-dropdown .option", has_text=participant.legal_name).click()
    expect(requester.locator(f'option[value="{mine.pk}"]')).to_have_count(1)
    expect(requester.locator(f'option[value="{theirs.pk}"]')).to_have_count(0)
    requester.select_option(str(mine.pk))
    expect(page.locator("#no-contacts")).to_be_hidden()
