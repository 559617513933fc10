"""Every staff plan-management page in headless Chromium with a realistic plan: it renders, the main buttons work,
and a screenshot of each lands in test-artifacts/ for people to look at."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD

from .conftest import sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_pages_in_a_browser(page, live_server, participant, am_user, plan_data):
    sign_in(page, am_user.email, PASSWORD)

    page.goto(reverse("workspace:participant-plan", args=[participant.pk]))
    page.get_by_role("heading", name=f"Account plan · {participant.legal_name}").wait_for()
    overdue_row = page.locator(f"#item-{plan_data['overdue'].pk}")
    assert "table-danger" in overdue_row.get_attribute("class")
    snap(page, "plans-staff-plan")

    assert page.locator("textarea").count() == 0  # no form is drawn up front
    page.get_by_role("link", name="Edit the plan summary").click()
    page.locator("#plan-edit form").wait_for()  # loaded on demand (htmx) into the summary card
    expect(page.locator("#id_plan_summary")).to_be_focused()
    page.locator("#id_plan_summary").fill("Updated in the browser.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the plan").click()
    page.get_by_text("Updated in the browser.").first.wait_for()

    page.get_by_role("link", name="Add action item").click()
    page.get_by_label("Title").fill("Book a training session on 867 usage")
    page.get_by_label("Due date").fill("2099-01-15")
    snap(page, "plans-staff-action-item-new")
    page.get_by_role("button", name="Add the action item").click()
    page.get_by_text("Book a training session on 867 usage").first.wait_for()

    # "Done" loads its form under the row; Close takes it away again and gives the focus back to the button.
    item = plan_data["open_item"]
    done = page.get_by_role("link", name=f"Done: {item.title}")
    done.click()
    editor = page.locator(f"#editor-item-{item.pk}")
    expect(editor).to_be_visible()
    editor.get_by_role("button", name="Close").click()
    expect(editor).to_be_hidden()
    expect(done).to_be_focused()
    done.click()
    editor.get_by_label("Note").fill("Checklist sent.")
    snap(page, "plans-staff-action-item-done")
    with page.expect_navigation():
        editor.get_by_role("button", name="Mark done").click()
    page.get_by_text("is now done").wait_for()

    page.goto(reverse("workspace:action-items") + "?owner=all")
    snap(page, "plans-staff-action-items")

    page.goto(reverse("workspace:meeting-new", args=[participant.pk]))
    snap(page, "plans-staff-meeting-new")

    page.goto(reverse("workspace:meeting-detail", args=[plan_data["meeting"].pk]))
    page.get_by_text("invitation version 1").wait_for()
    snap(page, "plans-staff-meeting-detail")

    page.goto(reverse("workspace:meeting-detail", args=[plan_data["held"].pk]))
    snap(page, "plans-staff-meeting-held")

    page.goto(reverse("workspace:meeting-edit", args=[plan_data["meeting"].pk]))
    page.get_by_label("Location").fill("ERCOT Austin, room 1.201")
    page.get_by_role("button", name="Save and update the invitations").click()
    page.get_by_text("invitation version 2").first.wait_for()

    page.goto(reverse("workspace:meeting-cancel", args=[plan_data["meeting"].pk]))
    snap(page, "plans-staff-meeting-cancel")

    page.goto(reverse("workspace:meetings") + "?when=all")
    snap(page, "plans-staff-meetings")

    page.goto(reverse("workspace:feedback-new", args=[participant.pk]))
    snap(page, "plans-staff-feedback-new")

    page.goto(reverse("workspace:feedback-follow-up", args=[plan_data["feedback"].pk]))
    snap(page, "plans-staff-feedback-follow-up")

    page.goto(reverse("workspace:feedback"))
    snap(page, "plans-staff-feedback")

    page.goto(reverse("workspace:improvement-new", args=[participant.pk]) + f"?feedback={plan_data['feedback'].pk}")
    snap(page, "plans-staff-improvement-new")

    page.goto(reverse("workspace:improvements"))
    snap(page, "plans-staff-improvements")

    page.goto(reverse("workspace:objective-edit", args=[plan_data["issue"].pk]))
    snap(page, "plans-staff-objective-edit")
