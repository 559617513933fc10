"""WCAG 2.1 AA, proven in the browser: axe-core runs on every main page of every role of the demo market.

The demo market (``seed_demo``) is built once; each role then signs in in its own browser context and visits its
pages in turn. A page that needs an object (a case, a notice, a flight) opens the first one its list links to, so
the role reaches it the way a person would. No page may have a serious or critical violation.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.management.seed_accounts import DEMO_TOTP_SECRET

from .axe import axe_violations, blocking, describe
from .conftest import sign_in
from .csp import watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "demo-pass-2026"


def first_link(pattern: str, *, under) -> tuple:
    """The first link on the page at ``under`` (a path, or itself a first link) whose href matches ``pattern``."""
    return (under, pattern)


# Who signs in (None: anonymous), and the pages they visit: a path, or the first link matching a pattern on a list.
ROLES = {
    "Anonymous": (
        None,
        [
            "/",
            "/notices/",
            first_link(r"^/notices/[A-Z]", under="/notices/"),
            "/notices/action-required/",
            "/education/",
            "/education/kb/",
            first_link(r"^/education/kb/[a-z]", under="/education/kb/"),
            "/education/rules/",
            first_link(r"^/education/rules/sections/\d+/$", under="/education/rules/"),
            "/contact/",
            "/accounts/login/",
        ],
    ),
    "Account Manager": (
        "am.garcia@ercot.example",
        [
            "/workspace/",
            "/workspace/cases/",
            first_link(r"^/workspace/cases/[A-Z]+-", under="/workspace/cases/"),
            "/workspace/participants/",
            first_link(r"^/workspace/participants/\d+/$", under="/workspace/participants/"),
            "/workspace/action-items/",
            "/workspace/meetings/",
        ],
    ),
    "Client Services Lead": (
        "lead@ercot.example",
        [
            "/workspace/",
            "/workspace/cases/",
            "/workspace/metrics/",
            "/workspace/account-managers/",
            "/workspace/patterns/",
            "/workspace/education/kb/",
            first_link(r"^/workspace/education/kb/\d+/$", under="/workspace/education/kb/"),
        ],
    ),
    "Retail Operations": (
        "retailops@ercot.example",
        [
            "/workspace/",
            "/workspace/qualification/retail-operations/",
            "/workspace/qualification/flights/",
            first_link(r"^/workspace/qualification/flights/\d+/$", under="/workspace/qualification/flights/"),
            "/workspace/qualification/letters/",
            "/workspace/registration/",
            first_link(r"^/workspace/registration/[A-Z]+-", under="/workspace/registration/"),
        ],
    ),
    "Flight Administrator": (
        "flightadmin@ercot.example",
        [
            "/workspace/",
            "/workspace/qualification/flights/",
            first_link(r"^/workspace/qualification/flights/\d+/$", under="/workspace/qualification/flights/"),
            first_link(
                r"^/workspace/qualification/enrollments/\d+/$",
                under=first_link(r"^/workspace/qualification/flights/\d+/$", under="/workspace/qualification/flights/"),
            ),
        ],
    ),
    "Service Desk": (
        "servicedesk@ercot.example",
        [
            "/workspace/",
            "/workspace/cases/",
            "/workspace/cases/new/",
            "/workspace/incidents/",
            first_link(r"^/workspace/incidents/\d+/$", under="/workspace/incidents/"),
        ],
    ),
    "Notice Publisher": (
        "publisher1@ercot.example",
        [
            "/workspace/",
            "/workspace/notices/",
            first_link(r"^/workspace/notices/\d+/$", under="/workspace/notices/"),
            "/workspace/notices/new/",
        ],
    ),
    "MP User Security Administrator": (
        "priya.shah@bluebonnetpower.example",
        ["/portal/", "/portal/people/", "/portal/api-keys/", "/portal/webhooks/"],
    ),
    "MP Authorized Rep": (
        "irene.kim@bluebonnetpower.example",
        [
            "/portal/",
            "/portal/cases/",
            first_link(r"^/portal/cases/[A-Z]+-", under="/portal/cases/"),
            "/portal/cases/new/dispute/",
            "/portal/cases/deadlines/",
            "/portal/cases/new/disputes-file/",
            "/portal/notices/",
            "/portal/qualification/",
            "/portal/registration/",
            "/portal/plan/",
            "/portal/education/",
        ],
    ),
    "Prospective MP": (
        "derek.gonzalez@sundancesolar.example",
        [
            "/portal/",
            "/portal/registration/",
            first_link(r"^/portal/registration/[A-Z]+-", under="/portal/registration/"),
        ],
    ),
}


def _resolve(page, step) -> str:
    if isinstance(step, str):
        return step
    under, pattern = step
    page.goto(_resolve(page, under))
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map((link) => link.getAttribute('href'))")
    found = next((href for href in hrefs if re.search(pattern, href)), None)
    assert found, f"no link matching {pattern} on {under}"
    return found


def audit(browser, base_url: str) -> tuple[dict[str, int], list[str]]:
    """Each role in its own browser context, its pages in turn: the violation count (nodes) of every page, and the
    serious or critical violations described."""
    totals: dict[str, int] = {}
    failures: list[str] = []
    for role, (email, steps) in ROLES.items():
        context = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 900})
        problems = watch(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if email:
            sign_in(page, email, DEMO_PASSWORD, secret=DEMO_TOTP_SECRET)
        for step in steps:
            path = _resolve(page, step)
            response = page.goto(path)
            assert response.status == 200, f"{role}: {path} answered {response.status}"
            page.wait_for_load_state("networkidle")  # the sections a page loads after it is shown
            violations = axe_violations(page)
            totals[f"{role} {path}"] = sum(len(violation["targets"]) for violation in violations)
            if found := blocking(violations):
                failures.append(f"{role} {path}:\n{describe(found)}")
        context.close()
        assert problems.violations == [], f"{role}: Content Security Policy violations"
    return totals, failures


def test_every_main_page_of_every_role_passes_wcag_21_aa(browser, live_server):
    call_command("seed_demo", stdout=StringIO())
    totals, failures = audit(browser, live_server.url)
    print("\naxe WCAG 2.1 AA violations (nodes) per page:")
    for page_name, total in totals.items():
        print(f"  {total:4d}  {page_name}")
    assert not failures, "serious or critical WCAG 2.1 AA violations:\n" + "\n".join(failures)


def test_the_first_tab_shows_a_skip_link_that_moves_focus_to_the_main_content(page):
    page.goto("/notices/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
