"""Retail Operations and a Notice Publisher sign in and land on a home of their own work, at desktop and phone width,
with a bar that offers only the pages they may open."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.roles import StaffGroup
from notices.models import NoticeStatus
from registration.models import ApplicationStatus
from tests.accounts.factories import PASSWORD, StaffFactory
from tests.notices.factories import NoticeFactory
from tests.registration.factories import ApplicationFactory

from .conftest import nav, sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 390)


def _overflow(page) -> int:
    """How many pixels the page is wider than its viewport (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _look_at_home(page, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/workspace/")
        assert _overflow(page) <= 0, f"{name} home is wider than {width} px"
        snap(page, f"home-{name}-{width}")


def test_retail_operations_land_on_their_letters_and_registrations(page):
    user = StaffFactory(groups=[StaffGroup.RETAIL_OPERATIONS], full_name="Rita Retail")
    application = ApplicationFactory(
        status=ApplicationStatus.SUBMITTED, due_on=timezone.localdate() + datetime.timedelta(days=2)
    )
    sign_in(page, user.email, PASSWORD)
    page.goto("/workspace/")
    card = page.get_by_role("region", name="Registrations to review")
    assert card.get_by_role("link", name=f"{application.reference} · {application.participant.short_name}").count()
    assert (
        page.get_by_role("region", name="Enrollments ready for a letter")
        .get_by_text("No enrollment is ready for a letter.")
        .is_visible()
    )
    assert page.get_by_text("SLA breached").count() == 0
    assert nav(page).get_by_role("link", name="Metrics").count() == 0
    _look_at_home(page, "retail-operations")


def test_a_notice_publisher_lands_on_the_notices_waiting_for_them(page):
    user = StaffFactory(groups=[StaffGroup.NOTICE_PUBLISHER], full_name="Paula Publisher")
    other = StaffFactory(groups=[StaffGroup.NOTICE_PUBLISHER], full_name="Avery Author")
    NoticeFactory(status=NoticeStatus.IN_REVIEW, author=other, short_description="Retail market outage on Sunday")
    NoticeFactory(short_description="Draft about settlement timelines")
    sign_in(page, user.email, PASSWORD)
    page.goto("/workspace/")
    approve = page.get_by_role("region", name="Waiting for my approval")
    approve.get_by_role("link", name="Retail market outage on Sunday").click()
    page.wait_for_load_state()
    assert "/workspace/notices/" in page.url
    page.goto("/workspace/")
    assert page.get_by_role("region", name="Drafts").get_by_text("Draft about settlement timelines").is_visible()
    assert nav(page).get_by_role("link", name="Metrics").count() == 0
    _look_at_home(page, "notice-publisher")
