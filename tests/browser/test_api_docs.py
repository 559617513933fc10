"""The API's documentation (/api/docs/, Swagger UI from our own static files) under the enforced Content Security
Policy: it loads the schema and shows the operations, with no violation and no console error."""

import pytest
from playwright.sync_api import expect

from .csp import watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_run_under_the_enforced_policy(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    problems = watch(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/api/docs/")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("/api/v1/cases/{reference}")).to_be_visible()
    expect(page.get_by_text("ERCOT Client Services API")).to_be_visible()
    assert problems.violations == [], "Content Security Policy violations"
    assert [error for error in problems.console_errors if "/favicon.ico" not in error] == []
    context.close()
