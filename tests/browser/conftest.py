"""Headless Chromium (Debian's package) driven by Playwright against pytest-django's live server."""

import os
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM

# Playwright's sync API keeps an event loop in this thread; the test's own ORM
# calls are still synchronous, so Django's async-safety guard is relaxed here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def snap(page, name: str) -> None:
    """Save a full-page screenshot under test-artifacts/ (for people to look at; not asserted)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def screenshot(page):
    """``snap`` for the test's own ``page``."""
    return lambda name: snap(page, name)


def sign_in(page, email: str, password: str):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def nav(page):
    """The main navigation bar (links there also appear in page content)."""
    return page.get_by_role("navigation", name="Main navigation")
