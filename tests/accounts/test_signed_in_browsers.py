"""The person's own list of signed-in browsers, and signing the others out."""

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from accounts.events import AccountEvent
from ercot_services.core.models import AuditEvent
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LAPTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1"
)


def _browser(user, user_agent, address):
    """A client signed in through the sign-in page, as a browser at ``address`` would be."""
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _signed_in(client) -> bool:
    return client.get(reverse("signed-in-browsers")).status_code == 200


@pytest.fixture
def user():
    return UserFactory(email="irene@bluebonnet.example")


def test_the_page_lists_each_browser_with_this_one_first(user, django_assert_max_num_queries):
    _browser(user, PHONE, "198.51.100.7")
    laptop = _browser(user, LAPTOP, "203.0.113.5")

    with django_assert_max_num_queries(10):
        response = laptop.get(reverse("signed-in-browsers"))

    page = response.content.decode()
    assert "Chrome 156 on Windows" in page and "Mobile Safari 17 on iOS" in page
    assert "203.0.113.5" in page and "198.51.100.7" in page
    assert page.index("Chrome 156 on Windows") < page.index("This browser") < page.index("Mobile Safari 17")
    assert "Sign out all other browsers (1)" in page


def test_signing_out_the_others_ends_their_sessions_and_keeps_this_one(user):
    phone = _browser(user, PHONE, "198.51.100.7")
    tablet = _browser(user, PHONE, "198.51.100.8")
    laptop = _browser(user, LAPTOP, "203.0.113.5")

    response = laptop.post(reverse("signed-in-browsers"), follow=True)

    assert "Signed out of 2 other browsers." in response.content.decode()
    assert _signed_in(laptop)
    assert not _signed_in(phone) and not _signed_in(tablet)
    assert UserSession.objects.filter(user=user).count() == 1
    event = AuditEvent.objects.for_object(user).get(verb=AccountEvent.USER_SESSIONS_ENDED)
    assert event.actor == user
    assert sorted(event.changes["browsers"][1]) == [
        "Mobile Safari 17 on iOS (198.51.100.7)",
        "Mobile Safari 17 on iOS (198.51.100.8)",
    ]


def test_signing_out_one_browser_leaves_the_rest(user):
    phone = _browser(user, PHONE, "198.51.100.7")
    tablet = _browser(user, PHONE, "198.51.100.8")
    laptop = _browser(user, LAPTOP, "203.0.113.5")
    phone_session = UserSession.objects.get(ip="198.51.100.7")

    response = laptop.post(reverse("signed-in-browsers"), {"session": phone_session.pk}, follow=True)

    assert "That browser is signed out." in response.content.decode()
    assert not _signed_in(phone)
    assert _signed_in(tablet) and _signed_in(laptop)


def test_another_persons_session_cannot_be_ended(user):
    someone = UserFactory(email="someone@elsewhere.example")
    theirs = _browser(someone, PHONE, "198.51.100.9")
    mine = _browser(user, LAPTOP, "203.0.113.5")

    response = mine.post(reverse("signed-in-browsers"), {"session": UserSession.objects.get(user=someone).pk})

    assert response.status_code == 400
    assert "That browser is already signed out." in response.content.decode()
    assert _signed_in(theirs)
    assert not AuditEvent.objects.filter(verb=AccountEvent.USER_SESSIONS_ENDED).exists()


def test_with_no_other_browser_there_is_nothing_to_sign_out(user):
    laptop = _browser(user, LAPTOP, "203.0.113.5")

    page = laptop.get(reverse("signed-in-browsers")).content.decode()

    assert "Sign out all other browsers" not in page
    assert laptop.post(reverse("signed-in-browsers"), follow=True).status_code == 200
    assert not AuditEvent.objects.filter(verb=AccountEvent.USER_SESSIONS_ENDED).exists()


def test_the_page_needs_a_sign_in(client):
    response = client.get(reverse("signed-in-browsers"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_password_change_signs_out_the_other_browsers(user):
    phone = _browser(user, PHONE, "198.51.100.7")
    laptop = _browser(user, LAPTOP, "203.0.113.5")

    laptop.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a-new-secret-2026", "new_password2": "a-new-secret-2026"},
    )

    assert _signed_in(laptop)
    assert not _signed_in(phone)
    page = laptop.get(reverse("signed-in-browsers")).content.decode()
    assert "Mobile Safari" not in page  # the ended session is dropped from the list
