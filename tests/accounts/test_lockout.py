"""Sign-in lockout (django-axes), keyed on the username, through the real login view."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED_TEXT = "Too many failed sign-in attempts"
WRONG = "not-the-password-1"


def _sign_in(client, email, password, **extra):
    return client.post(reverse("login"), {"login": email, "password": password}, **extra)


def _is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def user():
    return UserFactory(email="ar@lonestar.example")


def test_lockout_settings():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]


def test_fifth_failure_locks_the_username_even_for_the_right_password(client, user):
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(1, limit):
        response = _sign_in(client, user.email, WRONG)
        assert response.status_code == 200, attempt  # the form again, with an error
        assert LOCKED_TEXT not in response.content.decode()

    fifth = _sign_in(client, user.email, WRONG)
    assert fifth.status_code == settings.AXES_HTTP_RESPONSE_CODE == 429
    assert LOCKED_TEXT in fifth.content.decode()

    sixth = _sign_in(client, user.email, PASSWORD)

    assert sixth.status_code == 429
    page = sixth.content.decode()
    assert LOCKED_TEXT in page
    assert reverse("password_reset") in page
    assert settings.CLIENT_SERVICES_PHONE in page
    assert not _is_signed_in(client)


def test_lockout_follows_the_username_not_the_address(client, user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, user.email, WRONG)
    # Another address does not unlock it...
    assert _sign_in(client, user.email, PASSWORD, REMOTE_ADDR="203.0.113.9").status_code == 429
    # ...and another user behind the same address is not locked.
    colleague = UserFactory(email="bar@lonestar.example")
    response = _sign_in(client, colleague.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _is_signed_in(client)


def test_changing_the_case_of_the_address_does_not_get_around_the_lockout(client, user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, user.email, WRONG)
    assert _sign_in(client, user.email, PASSWORD).status_code == 429

    response = _sign_in(client, user.email.upper(), PASSWORD)

    assert response.status_code == 429
    assert not _is_signed_in(client)


def test_the_address_is_matched_case_insensitively_at_sign_in(client, user):
    response = _sign_in(client, user.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert _is_signed_in(client)


def test_a_successful_sign_in_before_the_limit_resets_the_count(client, user):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert _sign_in(client, user.email, WRONG).status_code == 200

    response = _sign_in(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert _is_signed_in(client)
    client.post(reverse("logout"))

    # The count starts again: another limit - 1 failures still do not lock.
    for _ in range(limit - 1):
        assert _sign_in(client, user.email, WRONG).status_code == 200
    response = _sign_in(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert _is_signed_in(client)


def test_wrong_password_shows_a_plain_error(client, user):
    response = _sign_in(client, user.email, WRONG)
    assert response.status_code == 200
    assert not _is_signed_in(client)
    assert response.context["form"].non_field_errors()
