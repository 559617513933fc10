"""Second factors in a real browser: enrolment before anything else, the authenticator app, recovery codes, a passkey
through Chromium's virtual authenticator (DevTools protocol), and the admin behind the second step."""

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD, StaffFactory, totp_code
from tests.accounts.sign_in import forget_used_totp_code

from .conftest import enter_totp_code, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _sign_out(page, user):
    page.get_by_role("button", name=user.full_name).click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Sign in")).to_be_visible()


def _virtual_authenticator(page):
    """A platform authenticator with user verification, as a laptop's fingerprint reader (Chromium's DevTools)."""
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return session


def test_a_staff_user_without_a_factor_enrols_an_authenticator_app_then_signs_in_with_it(page, screenshot):
    user = StaffFactory(full_name="Casey Newcomer", second_factor=False, groups=["Account Manager"])

    sign_in(page, user.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    expect(page.get_by_role("heading", name="Add a second factor to continue")).to_be_visible()
    page.goto("/workspace/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))  # nothing else until enrolled
    screenshot("mfa-enrol-required")

    page.get_by_role("link", name="Set up an authenticator app").click()
    page.get_by_label("Password").fill(PASSWORD)  # a sensitive change: confirm it is you
    page.get_by_role("button", name="Confirm").click()
    secret = page.locator("#totp-secret").inner_text()
    screenshot("mfa-totp-activate")
    page.get_by_label("Code shown by the app").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on the authenticator app").click()

    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    recovery_code = page.locator("#recovery-codes li").first.inner_text()
    screenshot("mfa-recovery-codes")
    page.goto("/workspace/")
    expect(page).to_have_url(re.compile(r"/workspace/$"))

    _sign_out(page, user)
    sign_in(page, user.email, PASSWORD, secret=secret)
    expect(page).to_have_url(re.compile(r"/workspace/$"))

    _sign_out(page, user)
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_label("Code from your authenticator app").fill(recovery_code)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/workspace/$"))


def test_a_passkey_is_added_then_signs_in_alone_and_as_the_second_step(page, screenshot, staff_user):
    _virtual_authenticator(page)
    sign_in(page, staff_user.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/workspace/$"))

    page.goto("/accounts/2fa/")
    page.get_by_role("link", name="Add a passkey or security key").click()
    # A user with a second factor confirms the change with it, not with the password.
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    code = totp_code()
    forget_used_totp_code(staff_user.pk, code)
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_label("Name of this passkey or security key").fill("Work laptop")
    page.get_by_label("Use it as a passkey").check()
    screenshot("mfa-passkey-add")
    page.get_by_role("button", name="Add the key").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    key = Authenticator.objects.get(user=staff_user, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Work laptop" and key.wrap().is_passwordless

    _sign_out(page, staff_user)
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page).to_have_url(re.compile(r"/workspace/$"))

    _sign_out(page, staff_user)
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(staff_user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    screenshot("mfa-second-step")
    page.get_by_role("button", name="Use a passkey or security key").click()
    expect(page).to_have_url(re.compile(r"/workspace/$"))


def test_the_admin_is_reached_only_after_the_second_factor(page):
    admin = StaffFactory(full_name="Avery Admin", is_superuser=True)

    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Fadmin%2F$"))
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))

    page.goto("/admin/")  # the password alone does not sign in: back to the second step
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    enter_totp_code(page, admin.email)

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_text("ERCOT Client Services administration")).to_be_visible()
