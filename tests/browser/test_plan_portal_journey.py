"""The portal plan pages in headless Chromium: the MP sees its meetings, completes an item in place (htmx)
and gives feedback; screenshots go to test-artifacts/ for people to look at."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from plans.models import ActionItemStatus, MeetingStatus, PerformanceFeedback
from tests.accounts.factories import PASSWORD, MembershipFactory
from tests.plans.factories import ActionItemFactory, MeetingFactory

from .conftest import sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_pages_in_the_browser(page, participant, account_manager):
    expect = pytest.importorskip("playwright.sync_api").expect
    am = account_manager.user
    mp = MembershipFactory(secondary=True, participant=participant, user__full_name="Riley Representative").user
    colleague = MembershipFactory(secondary=True, participant=participant, user__full_name="Casey Colleague").user
    upcoming = MeetingFactory(
        participant=participant,
        organizer=am,
        title="Quarterly account review",
        starts_in=datetime.timedelta(days=6, hours=2),
        location="ERCOT Met Center, Taylor, TX",
        dial_in="https://meet.example.com/ercot-qar",
        agenda="1. Credit exposure and collateral\n2. Flight 0226 testing readiness\n3. Open action items",
        attendees=[mp, colleague],
    )
    MeetingFactory(
        participant=participant,
        organizer=am,
        title="Registration kick-off",
        starts_in=-datetime.timedelta(days=40),
        status=MeetingStatus.HELD,
        shared=True,
        minutes="Discussed the registration checklist.\nAgreed: the AR uploads the SFA by the 15th.",
    )
    held = MeetingFactory(
        participant=participant,
        organizer=am,
        title="Settlement walkthrough",
        starts_in=-datetime.timedelta(days=4),
        status=MeetingStatus.HELD,
        minutes="Unshared draft about internal credit notes",
    )
    overdue = ActionItemFactory(
        participant=participant,
        owner=mp,
        title="Return the signed SFA",
        due_in=-3,
        description="Legal needs the wet-ink signature page.",
    )
    ActionItemFactory(
        participant=participant,
        owner=colleague,
        title="Confirm the QSE acknowledgement (Form H)",
        due_in=0,
        meeting=held,
    )
    ActionItemFactory(
        participant=participant,
        owner=mp,
        title="Send the updated meter list",
        due_in=12,
        status=ActionItemStatus.IN_PROGRESS,
    )
    ActionItemFactory(
        participant=participant,
        owner=mp,
        title="Upload the PUCT certificate",
        due_in=-30,
        status=ActionItemStatus.DONE,
        completed_at=timezone.now() - datetime.timedelta(days=25),
        completed_by=mp,
        completion_note="Uploaded to REG-2026-00031",
    )
    ActionItemFactory(participant=participant, owner=am, title="AM internal: prepare the exposure numbers", due_in=2)

    sign_in(page, mp.email, PASSWORD)
    expect(page.get_by_text("Working with your Account Manager")).to_be_visible()
    snap(page, "plans-portal-home")

    page.goto("/portal/plan/")
    expect(page.get_by_role("heading", name="Working with your Account Manager")).to_be_visible()
    assert "AM internal" not in page.content() and "Unshared draft" not in page.content()
    snap(page, "plans-portal-plan")

    row = page.locator(f"#action-item-{overdue.pk}")
    row.get_by_label("Note for your Account Manager").fill("Couriered on Monday")
    row.get_by_role("button", name=re.compile(r"^Mark complete\W+Return the signed SFA$")).click()
    expect(page.locator(f"#action-item-{overdue.pk}").get_by_text("Marked complete.")).to_be_visible()
    overdue.refresh_from_db()
    assert overdue.status == ActionItemStatus.DONE and overdue.completion_note == "Couriered on Monday"
    snap(page, "plans-portal-plan-completed")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    snap(page, "plans-portal-plan-phone")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.goto(f"/portal/meetings/{upcoming.pk}/")
    expect(page.get_by_role("heading", name="Agenda")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar").click()
    assert download.value.suggested_filename.endswith(".ics")
    snap(page, "plans-portal-meeting")

    page.goto(f"/portal/meetings/{held.pk}/")
    expect(page.get_by_text("Not shared yet.")).to_be_visible()
    expect(page.get_by_text("Confirm the QSE acknowledgement (Form H)", exact=True)).to_be_visible()
    snap(page, "plans-portal-meeting-held")
    page.get_by_role("link", name="Feedback on this meeting").click()
    page.get_by_label("Comments (optional)").fill("The walkthrough was useful; more examples next time.")
    page.get_by_role("button", name="Send feedback").click()
    # The error summary links to the field, and the field says it too.
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Choose a rating from 1 (very poor) to 5 (excellent).")).to_be_visible()
    expect(page.get_by_text("Choose a rating from 1 (very poor) to 5 (excellent).")).to_have_count(2)
    expect(page.get_by_label("Comments (optional)")).to_have_value(
        "The walkthrough was useful; more examples next time."
    )
    snap(page, "plans-portal-feedback-error")
    page.get_by_text("Good", exact=True).click()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("Thank you for your feedback.")).to_be_visible()
    feedback = PerformanceFeedback.objects.get(participant=participant)
    assert feedback.rating == 4 and feedback.meeting == held
    snap(page, "plans-portal-feedback")
