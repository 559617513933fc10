"""The deadline radar in a browser: the portal page passes axe (WCAG 2.1 AA), fits a phone, and its "file the same
dispute" link opens the dispute form prefilled."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cases.models import CaseKind
from cases.services.settlement_calendar import settlement_calendar_generate, settlement_calendar_load
from tests.accounts.factories import PASSWORD
from tests.cases.factories import CaseFactory, DisputeDetailFactory

from .axe import axe_violations, blocking, describe
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def radar(participant):
    today = timezone.localdate()
    rows = settlement_calendar_generate(first_day=today - datetime.timedelta(days=200), last_day=today)
    settlement_calendar_load(actor=None, rows=rows)
    DisputeDetailFactory(
        case=CaseFactory(participant=participant, kind=CaseKind.DISPUTE),
        operating_day=today - datetime.timedelta(days=7),
        statement_type="dam",
        charge_type="Day-Ahead Energy Purchase",
    )


def test_the_dispute_deadlines_page_is_accessible_and_its_offer_prefills_the_form(page, mp_user, radar):
    sign_in(page, mp_user.email, PASSWORD)
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/portal/cases/deadlines/")
        found = blocking(axe_violations(page))
        assert not found, describe(found)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    page.get_by_role("link", name="Day-Ahead Energy Purchase · Day-Ahead Market").click()
    page.wait_for_url("**/portal/cases/new/dispute/?*")
    assert page.get_by_label("Charge type").input_value() == "Day-Ahead Energy Purchase"
    assert page.get_by_label("Statement type").input_value() == "dam"
    assert page.locator("#id_operating_day").input_value() != ""
    assert page.locator("#id_more_days").input_value().count(",") >= 1  # the other open days, waiting for amounts
