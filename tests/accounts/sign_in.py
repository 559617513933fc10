"""Signing in through the real pages, second step included (the browser journeys have their own, in
tests/browser/conftest.py)."""

from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.urls import reverse

from accounts.email_address import canonical_email

from .factories import PASSWORD, TOTP_SECRET, code_to_type_now


def forget_used_totp_code(user_id: int, code: str) -> None:
    """Let a test sign the same person in twice within one 30-second period: allauth refuses a code used before
    (tests/accounts/test_second_factor.py proves it), so a journey that signs in again clears its own mark."""
    cache.delete(f"allauth.mfa.totp.used?user={user_id}&code={code}")


def sign_in(client, email: str, *, password: str = PASSWORD, secret: str = TOTP_SECRET, follow: bool = False):
    """Post the password and, for a user with an authenticator app, the app's current code (the second step)."""
    app = Authenticator.objects.filter(user__email=canonical_email(email), type=Authenticator.Type.TOTP).first()
    if app is None:
        return client.post(reverse("login"), {"login": email, "password": password}, follow=follow)
    response = client.post(reverse("login"), {"login": email, "password": password})
    if response.status_code != 302 or response["Location"] != reverse("mfa_authenticate"):
        return response
    code = code_to_type_now(secret)
    forget_used_totp_code(app.user_id, code)
    return client.post(reverse("mfa_authenticate"), {"code": code}, follow=follow)
