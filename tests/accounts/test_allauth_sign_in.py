"""Sign-in through django-allauth: our page, no sign-up, the admin behind it, its emails through the outbox."""

import pytest
from allauth.account.adapter import get_adapter
from django.test import RequestFactory
from django.urls import reverse

from ercot_services.core.models import OutboundEmail
from tests.accounts.factories import PASSWORD, UserFactory
from tests.accounts.sign_in import sign_in

pytestmark = pytest.mark.django_db


def test_sign_in_is_allauths_view_under_our_names():
    assert reverse("login") == reverse("account_login") == "/accounts/login/"
    assert reverse("logout") == reverse("account_logout") == "/accounts/logout/"


def test_a_user_signs_in_with_email_and_password_and_lands_home(client):
    user = UserFactory(email="pat@lonestar.example")

    response = client.post(reverse("login"), {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["_auth_user_backend"] == "accounts.user_cache.CachedUserBackend"


def test_sign_in_keeps_the_next_page(client):
    user = UserFactory()
    target = reverse("preferences")

    response = client.post(f"{reverse('login')}?next={target}", {"login": user.email, "password": PASSWORD})

    assert response["Location"] == target


def test_bad_input_keeps_the_address_and_shows_the_error_summary(client):
    response = client.post(reverse("login"), {"login": "not an address", "password": "x"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'value="not an address"' in page


def test_nobody_signs_up():
    assert get_adapter().is_open_for_signup(RequestFactory().get("/")) is False


def test_the_admin_signs_in_through_allauth(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))

    admin = UserFactory(is_staff=True, is_superuser=True)
    sign_in(client, admin.email)
    assert client.get(reverse("admin:index")).status_code == 200


def test_allauths_email_goes_through_the_outbox_after_commit(rf, django_capture_on_commit_callbacks, mailoutbox):
    from allauth.core import context

    request = rf.get("/")
    with context.request_context(request), django_capture_on_commit_callbacks(execute=True):
        get_adapter(request).send_mail(
            "account/email/password_changed", "pat@lonestar.example", {"user": UserFactory()}
        )
        assert mailoutbox == []

    row = OutboundEmail.objects.get(key__startswith="allauth:account/email/password_changed:")
    assert row.to == ["pat@lonestar.example"]
    assert len(mailoutbox) == 1
