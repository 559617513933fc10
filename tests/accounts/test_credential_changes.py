"""Every change to how a person signs in is audited and emailed to them: password, second factors, recovery codes."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.signals import authentication_failed, authenticator_added, authenticator_removed, authenticator_reset
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.events import AccountEvent
from ercot_services.core.models import AuditEvent, OutboundEmail
from tests.accounts.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

SUBJECT = "Your ERCOT sign-in settings changed"
LAPTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"
NEW_PASSWORD = "a-new-secret-2026"


def _event(user, verb):
    return AuditEvent.objects.for_object(user).get(verb=verb)


def _change_emails(user):
    return list(OutboundEmail.objects.filter(subject=SUBJECT, to=[user.email]))


@pytest.fixture
def user():
    return UserFactory(email="irene@bluebonnet.example")


@pytest.fixture
def request_from_laptop(rf, user):
    request = rf.post("/accounts/2fa/", HTTP_USER_AGENT=LAPTOP, REMOTE_ADDR="203.0.113.5")
    request.user = user
    return request


def test_a_password_change_is_audited_and_emailed(user):
    client = Client(HTTP_USER_AGENT=LAPTOP, REMOTE_ADDR="203.0.113.5")
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    event = _event(user, AccountEvent.USER_PASSWORD_CHANGED)
    assert event.actor == user and event.changes["ip_address"] == [None, "203.0.113.5"]
    [email] = _change_emails(user)
    assert "Your password was changed." in email.body
    assert "Chrome 156 on Windows" in email.body and "203.0.113.5" in email.body


def test_a_refused_password_change_records_nothing(user, client):
    client.force_login(user)

    client.post(reverse("password_change"), {"old_password": "wrong", "new_password1": "x", "new_password2": "y"})

    assert not AuditEvent.objects.filter(verb=AccountEvent.USER_PASSWORD_CHANGED).exists()
    assert _change_emails(user) == []


def test_a_password_reset_by_link_is_audited_and_emailed(user, client):
    link = reverse(
        "password_reset_confirm",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)],
    )
    form_url = client.get(link)["Location"]  # Django moves the token into the session first

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert _event(user, AccountEvent.USER_PASSWORD_RESET).actor is None
    [email] = _change_emails(user)
    assert "Your password was reset through an emailed link." in email.body


def test_a_password_set_in_the_admin_is_emailed_without_the_admins_browser(user, client):
    admin = StaffFactory(is_superuser=True)
    client.force_login(admin)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
        HTTP_USER_AGENT=LAPTOP,
    )

    assert response.status_code == 302
    assert _event(user, AccountEvent.USER_PASSWORD_CHANGED_IN_ADMIN).actor == admin
    [email] = _change_emails(user)
    assert "An ERCOT administrator set a new password" in email.body
    assert "Browser:" not in email.body


@pytest.mark.parametrize(
    "signal, verb, says",
    [
        (authenticator_added, AccountEvent.USER_FACTOR_ADDED, "An authenticator app was added to your account."),
        (
            authenticator_removed,
            AccountEvent.USER_FACTOR_REMOVED,
            "An authenticator app was removed from your account.",
        ),
    ],
)
def test_an_authenticator_app_added_or_removed_is_audited_and_emailed(user, request_from_laptop, signal, verb, says):
    totp = TOTP.activate(user, generate_totp_secret()).instance

    signal.send(sender=Authenticator, request=request_from_laptop, user=user, authenticator=totp)

    assert _event(user, verb).changes["factor"] == [None, "An authenticator app"]
    [email] = _change_emails(user)
    assert says in email.body


def test_a_passkey_is_named_in_the_email(user, request_from_laptop):
    passkey = Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "YubiKey 5"})

    authenticator_added.send(sender=Authenticator, request=request_from_laptop, user=user, authenticator=passkey)

    [email] = _change_emails(user)
    assert "The passkey “YubiKey 5” was added to your account." in email.body


def test_new_recovery_codes_are_audited_and_emailed(user, request_from_laptop):
    codes = RecoveryCodes.activate(user).instance

    authenticator_reset.send(sender=Authenticator, request=request_from_laptop, user=user, authenticator=codes)

    assert _event(user, AccountEvent.USER_RECOVERY_CODES_REGENERATED)
    [email] = _change_emails(user)
    assert "Your recovery codes were generated again: the old ones no longer work." in email.body


def test_a_wrong_second_factor_code_is_audited_not_emailed(user, request_from_laptop):
    totp = TOTP.activate(user, generate_totp_secret()).instance

    authentication_failed.send(sender=Authenticator, request=request_from_laptop, user=user, authenticator=totp)

    assert _event(user, AccountEvent.USER_SECOND_FACTOR_FAILED).changes["ip_address"] == [None, "203.0.113.5"]
    assert _change_emails(user) == []


@pytest.mark.parametrize("signal", [authenticator_added, authenticator_removed])
def test_recovery_codes_made_or_dropped_with_a_factor_are_audited_not_emailed(user, request_from_laptop, signal):
    codes = RecoveryCodes.activate(user).instance

    signal.send(sender=Authenticator, request=request_from_laptop, user=user, authenticator=codes)

    assert AuditEvent.objects.for_object(user).get().changes["factor"] == [None, "Your recovery codes"]
    assert _change_emails(user) == []


def test_enrolling_an_authenticator_app_through_the_pages_sends_one_email(django_capture_on_commit_callbacks):
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    from tests.accounts.factories import totp_code

    staff = StaffFactory(second_factor=False)
    client = Client(HTTP_USER_AGENT=LAPTOP, REMOTE_ADDR="203.0.113.5")
    client.force_login(staff)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_activate_totp"), {"code": totp_code(client.session[SECRET_SESSION_KEY])})

    factors = [e.changes["factor"][1] for e in AuditEvent.objects.for_object(staff).filter(verb="user.factor_added")]
    assert sorted(factors) == ["An authenticator app", "Your recovery codes"]
    [email] = _change_emails(staff)
    assert "An authenticator app was added to your account." in email.body
