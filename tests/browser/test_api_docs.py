"""The API's documentation (/api/docs/, Swagger UI from our own static files) and the USA's key pages under the
enforced Content Security Policy: the docs load the schema and show the operations, a key is created and revoked,
with no violation."""

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD, MembershipFactory

from .conftest import sign_in
from .csp import watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_run_under_the_enforced_policy(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    problems = watch(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/api/docs/")
    page.wait_for_load_state("networkidle")
    # exact: the case's other operations (/replies, /withdraw, ...) start with the same path
    expect(page.get_by_role("link", name="/api/v1/cases/{reference}", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="/api/v1/cases/disputes", exact=True)).to_be_visible()
    expect(page.get_by_text("ERCOT Client Services API")).to_be_visible()
    assert problems.violations == [], "Content Security Policy violations"
    assert [error for error in problems.console_errors if "/favicon.ico" not in error] == []
    context.close()


def test_the_usa_creates_and_revokes_a_key_under_the_enforced_policy(browser, live_server, participant):
    usa = MembershipFactory(participant=participant, usa=True).user
    context = browser.new_context(base_url=live_server.url)
    problems = watch(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, usa.email, PASSWORD)
    page.get_by_role("button", name="Administration").click()
    page.get_by_role("link", name="API keys").click()
    page.get_by_role("link", name="Create a key").click()
    page.get_by_label("Name").fill("Shadow settlement")
    page.get_by_label("Read cases").check()
    page.get_by_role("button", name="Create the key").click()
    secret = page.get_by_label("API key").input_value()
    assert secret.startswith("ercot_")
    page.get_by_role("link", name="Done").click()
    expect(page.locator("#api-keys")).to_contain_text("Shadow settlement")
    page.get_by_role("button", name="Revoke").click()
    expect(page.locator("#api-keys")).to_contain_text("Revoked")
    assert problems.violations == [], "Content Security Policy violations"
    context.close()
