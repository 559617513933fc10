"""Helpers for the browser journeys; the ``browser`` and ``page`` fixtures live in tests/conftest.py (one per session).

Every journey lives here; the ones that build their data with an app's fixtures find them below.
"""

from pathlib import Path

import pytest

from tests.accounts.factories import TOTP_SECRET, code_to_type_now
from tests.accounts.sign_in import forget_used_totp_code

# The metrics journey's cases and people, and the staff plan journey's realistic plan.
from tests.dashboards.metrics.conftest import (  # noqa: F401
    am1,
    am2,
    category,
    kit,
    mp1,
    mp1_user,
    mp2,
    mp2_user,
    october_cases,
)
from tests.plans.staff.conftest import am_user, contact, plan_data  # noqa: F401

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def snap(page, name: str) -> None:
    """Save a full-page screenshot under test-artifacts/ (for people to look at; not asserted)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def screenshot(page):
    """``snap`` for the test's own ``page``."""
    return lambda name: snap(page, name)


def sign_in(page, email: str, password: str, *, secret: str = TOTP_SECRET):
    """Sign in through the form; a user with an authenticator app (every staff user) then enters its current code."""
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    if page.url.endswith("/accounts/2fa/authenticate/"):
        enter_totp_code(page, email, secret)


def enter_totp_code(page, email: str, secret: str = TOTP_SECRET):
    """The second step: the code an authenticator app would show now (a journey may sign one person in twice within
    30 seconds, so the code's used-mark is cleared first: the replay guard has its own test)."""
    from accounts.models import User

    code = code_to_type_now(secret)
    forget_used_totp_code(User.objects.get(email=email).pk, code)
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def nav(page):
    """The main navigation bar (links there also appear in page content)."""
    return page.get_by_role("navigation", name="Main navigation")
