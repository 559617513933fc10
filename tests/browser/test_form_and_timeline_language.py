"""One form language, one timeline language and the small things (issue 17, points 8, 9, 10 and the notice
cancellation's confirmation), as a person meets them in the browser."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import CaseKind
from cases.services import case_acknowledge, case_start_work, case_update
from notices import services as notice_services
from notices.models import Notice, NoticeStatus, NoticeType
from tests.accounts.factories import PASSWORD, MembershipFactory, StaffFactory
from tests.cases.factories import SubmittedCaseFactory, dispute_fields, seeded_category

from .axe import axe_violations, blocking, describe
from .conftest import sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _no_serious_violations(page):
    found = blocking(axe_violations(page))
    assert not found, describe(found)


def test_a_case_timeline_reads_as_people_write_it(page, participant, account_manager):
    am = account_manager.user
    dispute = SubmittedCaseFactory(
        actor=MembershipFactory(participant=participant).user,
        participant=participant,
        kind=CaseKind.DISPUTE,
        category=seeded_category("settlements"),
        subject="RT charge doubled",
        description="The RT energy imbalance charge doubles our award.",
        dispute=dispute_fields(),
    )
    case_acknowledge(actor=am, case=dispute)
    case_start_work(actor=am, case=dispute, reason="Recalculating the charge")
    case_update(actor=am, case=dispute, priority="urgent")

    sign_in(page, am.email, PASSWORD)
    page.goto(dispute.get_absolute_url())
    timeline = page.locator("#timeline")
    text = timeline.inner_text()
    snap(page, "case-timeline")

    expect(timeline).to_contain_text("Status:")
    expect(timeline).to_contain_text("In Progress")
    expect(timeline).to_contain_text("Priority:")
    expect(timeline).to_contain_text("Urgent")
    expect(timeline).to_contain_text("Reason: Recalculating the charge")
    expect(timeline).to_contain_text(f"{timezone.localtime():%b} {timezone.localtime().day}, {timezone.localtime():%Y}")
    for raw in ("in_progress", "next_action_by", "sla_state", "acknowledged_at"):
        assert raw not in text, f"the timeline shows the raw {raw!r}"
    assert not ISO_MOMENT.search(text), "the timeline shows an ISO timestamp"
    _no_serious_violations(page)


def test_the_dispute_form_and_the_notice_form_open_with_the_same_linked_summary(page, mp_user, participant):
    def submit_empty_and_follow_summary(button_name, expected_first_message):
        page.get_by_role("button", name=button_name).click()
        summary = page.locator(".error-summary")
        expect(summary).to_be_visible()
        expect(summary).to_be_focused()  # a screen reader starts at the list of what to fix
        expect(summary.get_by_role("link").first).to_be_visible()
        assert "This field is required" not in page.content()
        expect(summary).to_contain_text(expected_first_message)
        link = summary.get_by_role("link", name=expected_first_message)
        field_id = link.get_attribute("href").removeprefix("#")
        link.click()
        expect(page.locator(f"#{field_id}")).to_be_focused()
        _no_serious_violations(page)
        return summary

    sign_in(page, mp_user.email, PASSWORD)
    page.goto("/portal/cases/new/dispute/")
    dispute_summary = submit_empty_and_follow_summary("File dispute", "Choose a statement type.")
    snap(page, "form-language-dispute")
    dispute_shape = dispute_summary.evaluate("box => [box.tagName, box.className, box.getAttribute('role')]")

    page.context.clear_cookies()
    publisher = StaffFactory(groups=["Notice Publisher"])
    sign_in(page, publisher.email, PASSWORD)
    page.goto("/workspace/notices/new/")
    notice_summary = submit_empty_and_follow_summary("Save draft", "Choose a notice type.")
    snap(page, "form-language-notice")

    assert notice_summary.evaluate("box => [box.tagName, box.className, box.getAttribute('role')]") == dispute_shape


@pytest.fixture
def publishers(db):
    return StaffFactory(groups=["Notice Publisher"]), StaffFactory(groups=["Notice Publisher"])


def _draft(author, short_description):
    data = notice_services.NoticeInput(
        notice_type=NoticeType.objects.get(name="Financial/Credit"),
        short_description=short_description,
        long_description="Details.",
    )
    return notice_services.notice_create(actor=author, data=data)


def _approved(author, reviewer, short_description):
    notice = _draft(author, short_description)
    notice_services.notice_submit_for_review(actor=author, notice=notice)
    return notice_services.notice_approve(actor=reviewer, notice=notice)


def test_cancelling_a_published_notice_asks_before_the_market_hears_it(page, publishers):
    author, reviewer = publishers
    original = notice_services.notice_publish(actor=reviewer, notice=_approved(author, reviewer, "Credit reports late"))
    cancellation = notice_services.notice_follow_up(actor=author, previous=original, kind=Notice.Kind.CANCELLATION)
    notice_services.notice_submit_for_review(actor=author, notice=cancellation)
    notice_services.notice_approve(actor=reviewer, notice=cancellation)

    sign_in(page, reviewer.email, PASSWORD)
    page.goto(f"/workspace/notices/{cancellation.pk}/")
    page.get_by_role("button", name=re.compile(r"^Publish now")).click()

    confirm = page.locator("#confirm-step")
    expect(confirm).to_contain_text(f"that {original.notice_id} is cancelled")
    snap(page, "notice-cancel-confirm")
    _no_serious_violations(page)
    cancellation.refresh_from_db()
    assert cancellation.status == NoticeStatus.APPROVED

    confirm.get_by_role("button", name=f"Yes, cancel {original.notice_id}").click()
    expect(page.get_by_role("alert").first).to_contain_text("Published as")
    cancellation.refresh_from_db()
    assert cancellation.status == NoticeStatus.PUBLISHED


def test_the_small_things_a_publisher_and_a_browser_notice(page, publishers):
    author, reviewer = publishers
    in_review = _draft(author, "Waiting for a second publisher")
    notice_services.notice_submit_for_review(actor=author, notice=in_review)
    scheduled = _approved(author, reviewer, "Going out tomorrow")
    notice_services.notice_schedule(actor=reviewer, notice=scheduled, when=timezone.now() + datetime.timedelta(days=1))

    favicon = page.request.get("/favicon.ico")
    assert favicon.ok and favicon.headers["content-type"].startswith("image/")

    sign_in(page, author.email, PASSWORD)
    page.goto("/workspace/notices/")
    expect(page.get_by_role("link", name="In review", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Scheduled", exact=True)).to_be_visible()

    page.goto(f"/workspace/notices/{in_review.pk}/")
    expect(page.get_by_role("region", name="Actions")).to_be_visible()
    expect(page.get_by_role("button", name="Return to draft")).to_have_count(0)  # the reviewer's answer, not hers
    page.context.clear_cookies()
    sign_in(page, reviewer.email, PASSWORD)
    page.goto(f"/workspace/notices/{in_review.pk}/")
    expect(page.get_by_role("button", name="Return to draft")).to_be_visible()
