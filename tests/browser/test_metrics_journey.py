"""The metrics page in headless Chromium: every chart draws, no script error, CSV links work."""

from __future__ import annotations

import pytest

from tests.accounts.factories import PASSWORD
from tests.dashboards.metrics import builders
from tests.dashboards.metrics.conftest import ct

from .conftest import sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ["chart-weekly", "chart-backlog", "chart-disputes", "chart-feedback", "chart-deliveries"]


def test_lead_sees_drawn_charts_and_can_filter_by_manager(
    page, lead, am1, october_cases, kit, mp1, mp2, mp1_user, mp2_user
):
    builders.october_disputes(kit, mp1, mp2, mp1_user, mp2_user)
    builders.feedback(mp1, 5, "meeting", ct(2026, 10, 5, 10))
    builders.feedback(mp2, 3, "portal", ct(2026, 10, 6, 10))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )

    sign_in(page, lead.email, PASSWORD)
    page.goto("/workspace/metrics/?start=2026-10-01&end=2026-10-31&manager=all")
    page.get_by_role("heading", name="Client Services metrics").wait_for()
    drawn = page.evaluate("ids => ids.map(id => !!window.Chart.getChart(document.getElementById(id)))", CHARTS)
    assert drawn == [True] * len(CHARTS)
    opened = page.locator(".kpi-card").filter(has_text="Cases opened").locator(".stat-value")
    assert opened.inner_text() == "11"  # 7 inquiries and 4 disputes
    snap(page, "metrics-overall")

    page.get_by_label("Account Manager", exact=True).select_option(label="Alice Adams")
    page.get_by_role("button", name="Apply").click()
    page.get_by_text("Alice Adams · Oct 1, 2026 – Oct 31, 2026").wait_for()
    assert opened.inner_text() == "6"
    # Alice's resolutions: 6, 9, 17 and 18 business hours.
    assert page.locator("#table-response").get_by_text("13.0 h").is_visible()

    with page.expect_download() as download:
        page.locator("#table-disputes").get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == f"metrics-disputes-am{am1.user_id}-2026-10-01_to_2026-10-31.csv"
    assert errors == []
