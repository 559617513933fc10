"""The main pages under the enforced Content Security Policy (test settings): no violation, no console error, and
what runs on scripts still works (htmx sections and editors, the MP picker, the filter selects).

A staff user (a superuser, for the admin pages) and a portal contact of the same MP, with a realistic plan.
"""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from notices.models import NoticeDelivery
from tests.accounts.factories import PASSWORD
from tests.notices.factories import NoticeDeliveryFactory, NoticeFactory

from .conftest import sign_in
from .csp import watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")  # htmx sections and lazily loaded scripts included


def _context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
    problems = watch(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page, problems


def _assert_clean(problems, pages) -> None:
    assert problems.violations == [], "Content Security Policy violations"
    # The site has no favicon: the browser's own request for one is no page's doing.
    errors = [error for error in problems.console_errors if "/favicon.ico" not in error]
    assert errors == [], "console errors"
    assert pages, "no page was checked"


def test_staff_pages_run_under_the_enforced_policy(browser, live_server, participant, am_user, plan_data):
    User.objects.filter(pk=am_user.pk).update(is_superuser=True)
    context, page, problems = _context(browser, live_server)
    sign_in(page, am_user.email, PASSWORD)
    page.wait_for_url("**/workspace/")

    case = plan_data["case"]
    pages = [
        reverse("workspace:home"),
        reverse("workspace:cases"),
        case.get_absolute_url(),
        reverse("workspace:case-new"),
        reverse("workspace:notice-list"),
        reverse("workspace:notice-new"),
        reverse("workspace:applications"),
        reverse("workspace:flights"),
        reverse("workspace:retail-ops-queue"),
        reverse("workspace:action-items"),
        reverse("workspace:meetings"),
        reverse("workspace:metrics"),
        reverse("admin:index"),
        reverse("admin:accounts_marketparticipant_change", args=[participant.pk]),
        reverse("admin:accounts_user_change", args=[am_user.pk]),
    ]
    for url in pages:
        _open(page, url)

    # The MP 360° page loads its secondary sections with htmx.
    _open(page, reverse("workspace:participant-detail", args=[participant.pk]))
    expect(page.get_by_text("Loading…")).to_have_count(0)
    expect(page.locator("#plan")).to_contain_text("Open the account plan")

    # A row editor (a[data-opens-editor]) loads its form with htmx and focuses it.
    _open(page, reverse("workspace:participant-plan", args=[participant.pk]))
    item = plan_data["open_item"]
    page.get_by_role("link", name=f"Done: {item.title}").click()
    editor = page.locator(f"#editor-item-{item.pk}")
    expect(editor).to_be_visible()
    expect(editor.get_by_label("Note")).to_be_focused()

    # The MP picker (Tom Select, loaded on demand) searches the autocomplete endpoint.
    _open(page, reverse("workspace:cases") + "?view=all")
    page.get_by_role("combobox", name="Market Participant").click()
    page.keyboard.type(participant.short_name)
    expect(page.locator(".ts-dropdown .option", has_text=participant.legal_name)).to_be_visible()

    # The notice progress bar takes its width from data-progress-width, again when htmx polls a new one in.
    sent = NoticeFactory(published=True, author=am_user)
    NoticeDeliveryFactory.create_batch(3, notice=sent, sent=True)
    NoticeDeliveryFactory(notice=sent)
    _open(page, reverse("workspace:notice-detail", args=[sent.pk]))
    bar = page.locator("#progress .progress-bar")
    expect(bar).to_have_text("75%")
    assert bar.evaluate("bar => bar.style.width") == "75%"
    NoticeDelivery.objects.filter(notice=sent).update(status=NoticeDelivery.Status.SENT)
    expect(bar).to_have_text("100%")
    assert bar.evaluate("bar => bar.style.width") == "100%"

    # A filter select submits its form when changed (data-autosubmit, no inline handler).
    _open(page, reverse("workspace:home"))
    with page.expect_navigation():
        page.locator("#id_sort").select_option("name")
    assert "sort=name" in page.url

    page.wait_for_load_state("networkidle")
    _assert_clean(problems, pages)
    context.close()


def test_portal_pages_run_under_the_enforced_policy(browser, live_server, participant, mp_user, plan_data):
    context, page, problems = _context(browser, live_server)
    sign_in(page, mp_user.email, PASSWORD)
    page.wait_for_url("**/portal/")

    pages = [
        reverse("portal:home"),
        reverse("portal:cases"),
        plan_data["case"].get_portal_url(),
        reverse("portal:case-new-inquiry"),
        reverse("portal:case-new-dispute"),
        reverse("portal:applications"),
        reverse("portal:qualification"),
        reverse("portal:notices"),
        reverse("portal:plan"),
        reverse("portal:feedback"),
        reverse("preferences"),
    ]
    for url in pages:
        _open(page, url)

    page.wait_for_load_state("networkidle")
    _assert_clean(problems, pages)
    context.close()


def test_public_pages_run_under_the_enforced_policy(browser, live_server):
    context, page, problems = _context(browser, live_server)
    pages = [
        reverse("landing"),
        reverse("notices:archive"),
        reverse("contact"),
        reverse("login"),
        reverse("password_reset"),
    ]
    for url in pages:
        _open(page, url)
    page.goto("/no-such-page/")  # the 404 page (its own console error is the 404 itself)
    page.wait_for_load_state("networkidle")
    assert problems.violations == [], "Content Security Policy violations"
    assert [error for error in problems.console_errors if "404" not in error] == []
    context.close()


def test_a_blocked_inline_script_is_seen_and_reported(browser, live_server, caplog):
    """The check is not vacuous: an inline script is blocked, the listener sees it, and the browser reports it."""
    caplog.set_level(logging.WARNING, logger="ercot_services.csp")
    context, page, problems = _context(browser, live_server)
    _open(page, reverse("landing"))

    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.__ran = true";
        document.body.appendChild(script);
    }""")
    expect(page.locator("body")).to_be_visible()
    page.wait_for_function("window.__cspViolations.length > 0")

    assert page.evaluate("window.__ran === undefined")
    assert [v["directive"] for v in problems.violations] == ["script-src-elem"]
    # The browser also POSTs the violation to report-uri, where it is logged.
    for _ in range(50):
        reported = [r for r in caplog.records if r.name == "ercot_services.csp"]
        if reported:
            break
        page.wait_for_timeout(100)
    assert [r.csp_directive for r in reported] == ["script-src-elem"]
    context.close()
