"""Sign-ins, failed sign-ins and lockouts are audit events; a sign-in from a new browser emails the user."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.events import AccountEvent
from accounts.models import KnownBrowser
from ercot_services.core.models import AuditEvent, OutboundEmail
from tests.accounts.factories import PASSWORD, MembershipFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36"
NEW_SIGN_IN_SUBJECT = "New sign-in to your ERCOT account"


def _sign_in(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"login": email, "password": password}, HTTP_USER_AGENT=BROWSER)


def _events(user, verb):
    return AuditEvent.objects.for_object(user).filter(verb=verb)


def _new_sign_in_mails(user):
    """The new-sign-in emails queued in the outbox for ``user``."""
    return list(OutboundEmail.objects.filter(subject=NEW_SIGN_IN_SUBJECT, to=[user.email]))


@pytest.fixture
def user():
    return UserFactory(email="irene@bluebonnet.example")


def test_a_first_sign_in_from_a_browser_is_audited_emailed_and_remembered(
    client, user, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign_in(client, user.email)

    assert response.status_code == 302
    event = _events(user, AccountEvent.USER_SIGNED_IN).get()
    assert event.actor == user
    assert event.changes["new_browser"] == [None, True]
    assert event.changes["browser"] == [None, BROWSER]
    assert event.changes["ip_address"] == [None, "127.0.0.1"]
    [message] = [m for m in mailoutbox if m.subject == NEW_SIGN_IN_SUBJECT]
    assert message.to == [user.email]
    assert "Chrome 156 on Linux" in message.body and "127.0.0.1" in message.body
    assert "/accounts/sessions/" in message.body
    cookie = response.cookies[settings.KNOWN_BROWSER_COOKIE_NAME]
    assert cookie["httponly"] and cookie["max-age"]
    assert KnownBrowser.objects.filter(user=user).count() == 1
    assert cookie.value not in KnownBrowser.objects.get(user=user).key_hash  # only the hash is stored


def test_signing_in_again_from_the_same_browser_sends_nothing(client, user):
    _sign_in(client, user.email)
    client.post(reverse("logout"))
    OutboundEmail.objects.all().delete()

    _sign_in(client, user.email)

    assert _new_sign_in_mails(user) == []
    assert [e.changes["new_browser"][1] for e in _events(user, AccountEvent.USER_SIGNED_IN)] == [False, True]
    assert KnownBrowser.objects.filter(user=user).count() == 1


def test_the_same_browser_is_new_to_another_user(client, user):
    _sign_in(client, user.email)
    client.post(reverse("logout"))
    colleague = UserFactory(email="bob@bluebonnet.example")

    _sign_in(client, colleague.email)

    assert len(_new_sign_in_mails(colleague)) == 1
    assert KnownBrowser.objects.filter(user=colleague).count() == 1


def test_another_browser_is_new_again(client, user):
    _sign_in(client, user.email)
    client.post(reverse("logout"))
    client.cookies.pop(settings.KNOWN_BROWSER_COOKIE_NAME)

    _sign_in(client, user.email)

    assert len(_new_sign_in_mails(user)) == 2
    assert KnownBrowser.objects.filter(user=user).count() == 2


def test_a_failed_sign_in_is_audited_against_the_account_it_named(client, user):
    _sign_in(client, user.email, "not-the-password")

    event = _events(user, AccountEvent.USER_SIGN_IN_FAILED).get()
    assert event.actor is None
    assert event.changes["ip_address"] == [None, "127.0.0.1"]
    assert _events(user, AccountEvent.USER_SIGNED_IN).count() == 0


def test_a_failed_sign_in_for_an_unknown_address_writes_nothing(client):
    _sign_in(client, "nobody@nowhere.example", "whatever-1")

    assert not AuditEvent.objects.filter(verb=AccountEvent.USER_SIGN_IN_FAILED).exists()


def test_a_lockout_is_audited(client, user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, user.email, "not-the-password")

    event = _events(user, AccountEvent.USER_LOCKED_OUT).get()
    assert str(settings.AXES_FAILURE_LIMIT) in event.reason


def test_events_of_a_user_with_one_mp_belong_to_that_mp(client, user):
    participant = ParticipantFactory()
    MembershipFactory(user=user, participant=participant)

    _sign_in(client, user.email)

    assert _events(user, AccountEvent.USER_SIGNED_IN).get().participant == participant


def test_events_of_a_user_of_several_mps_belong_to_none(client, user):
    MembershipFactory(user=user)
    MembershipFactory(user=user)

    _sign_in(client, user.email)

    assert _events(user, AccountEvent.USER_SIGNED_IN).get().participant is None


def test_a_programmatic_sign_in_records_nothing(client, user):
    client.force_login(user)

    assert not AuditEvent.objects.for_object(user).exists()
    assert not KnownBrowser.objects.exists()


def test_the_security_activity_page_lists_only_my_own_events(client, user, django_assert_max_num_queries):
    other = UserFactory(email="someone.else@bluebonnet.example")
    _sign_in(client, other.email, "not-the-password")
    for _ in range(3):
        _sign_in(client, user.email)
        client.post(reverse("logout"))
    _sign_in(client, user.email)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("security-activity"))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Signed in") == 4
    assert "new browser" in page
    assert "Sign-in failed" not in page  # the other person's failure is theirs


def test_the_security_activity_page_needs_a_sign_in(client):
    response = client.get(reverse("security-activity"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_an_mp_history_shows_the_security_events_of_its_people_who_act_for_several_mps(client, user):
    from accounts.selectors import participant_history

    first, second, unrelated = ParticipantFactory(), ParticipantFactory(), ParticipantFactory()
    MembershipFactory(user=user, participant=first)
    MembershipFactory(user=user, participant=second)
    _sign_in(client, user.email)

    [event] = _events(user, AccountEvent.USER_SIGNED_IN)
    assert list(participant_history(first)) == [event]
    assert list(participant_history(second)) == [event]
    assert list(participant_history(unrelated)) == []
