"""The USA's portal pages (/portal/people/…) and the invitation page: who may open them, bad input, bounded queries,
and a suspended person's sign-in and session."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import ContactRole, Membership, PortalAccess, PortalAccessStatus, User
from tests.accounts.factories import PASSWORD, MembershipFactory, PortalInvitationFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def usa(participant):
    return MembershipFactory(participant=participant, usa=True).user


@pytest.fixture
def person(participant):
    return MembershipFactory(participant=participant, contact_role=ContactRole.SETTLEMENT).user


@pytest.fixture
def usa_client(client, usa):
    client.force_login(usa)
    return client


def _usa_urls(user_id, invitation_pk=1):
    return [
        ("get", reverse("portal:people")),
        ("get", reverse("portal:people-invite")),
        ("post", reverse("portal:people-invite")),
        ("post", reverse("portal:people-invitation-revoke", args=[invitation_pk])),
        ("post", reverse("portal:people-second-factor")),
        ("get", reverse("portal:access-review")),
        ("get", reverse("portal:person", args=[user_id])),
        ("post", reverse("portal:person-roles", args=[user_id])),
        ("post", reverse("portal:person-suspend", args=[user_id])),
        ("post", reverse("portal:person-reinstate", args=[user_id])),
        ("post", reverse("portal:person-remove", args=[user_id])),
    ]


def test_the_people_page_lists_roles_status_last_sign_in_and_invitations(usa_client, participant, person):
    person.last_login = timezone.now()
    person.save(update_fields=["last_login"])
    PortalInvitationFactory(participant=participant, email="pending@example.com")
    response = usa_client.get(reverse("portal:people"))
    page = response.content.decode()
    assert response.status_code == 200
    assert person.full_name in page and "Settlement contact" in page and "pending@example.com" in page
    assert 'href="/portal/people/"' in page  # the nav link, for the USA only


def test_the_people_page_costs_the_same_queries_at_3_and_at_30_people(
    usa_client, participant, django_assert_max_num_queries, no_queries_while_rendering
):
    for _ in range(2):
        MembershipFactory(participant=participant, contact_role=ContactRole.GENERAL, rank="secondary")
    with django_assert_max_num_queries(12):
        assert usa_client.get(reverse("portal:people")).status_code == 200
    for _ in range(27):
        MembershipFactory(participant=participant, contact_role=ContactRole.GENERAL, rank="secondary")
    with django_assert_max_num_queries(12):
        response = usa_client.get(reverse("portal:people"))
    assert response.status_code == 200
    assert "Showing 1–25 of 30" in response.content.decode()


def test_a_portal_user_who_is_not_a_usa_gets_403_and_no_nav_link(client, mp_user, person):
    client.force_login(mp_user)
    home = client.get(reverse("portal:home")).content.decode()
    assert 'href="/portal/people/"' not in home
    for method, url in _usa_urls(person.pk):
        assert getattr(client, method)(url).status_code == 403, url


def test_a_usa_of_another_mp_gets_404_for_this_mps_person(participant, other_participant, person, client):
    other_usa = MembershipFactory(participant=other_participant, usa=True).user
    client.force_login(other_usa)
    for action in ("person", "person-roles", "person-suspend", "person-reinstate", "person-remove"):
        method = client.get if action == "person" else client.post
        assert method(reverse(f"portal:{action}", args=[person.pk]), {"roles": ["credit"]}).status_code == 404
    invitation = PortalInvitationFactory(participant=participant)
    assert client.post(reverse("portal:people-invitation-revoke", args=[invitation.pk])).status_code == 404
    assert PortalAccess.objects.get(user=person).status == PortalAccessStatus.ACTIVE
    assert person.full_name not in client.get(reverse("portal:people")).content.decode()


def test_staff_of_any_group_are_turned_away_from_the_portal_pages(client, person):
    client.force_login(StaffFactory(groups=["Client Services Lead"]))
    for method, url in _usa_urls(person.pk):
        assert getattr(client, method)(url).status_code == 403, url


def test_anonymous_users_go_to_sign_in(client, person):
    response = client.get(reverse("portal:people"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_inviting_with_bad_input_keeps_what_was_typed(usa_client):
    response = usa_client.post(reverse("portal:people-invite"), {"email": "not-an-email", "roles": ["credit"]})
    assert response.status_code == 400 and 'value="not-an-email"' in response.content.decode()
    response = usa_client.post(reverse("portal:people-invite"), {"email": "x@example.com", "roles": ["ar"]})
    assert response.status_code == 400


def test_the_usa_runs_a_persons_life_from_the_pages(usa_client, participant, person):
    response = usa_client.post(reverse("portal:person-roles", args=[person.pk]), {"roles": ["credit", "general"]})
    assert response.status_code == 302
    assert set(
        Membership.objects.active().filter(user=person, participant=participant).values_list("contact_role", flat=True)
    ) == {"credit", "general"}
    usa_client.post(reverse("portal:person-suspend", args=[person.pk]), {"reason": "On leave"})
    assert PortalAccess.objects.get(user=person).status == PortalAccessStatus.SUSPENDED
    usa_client.post(reverse("portal:person-reinstate", args=[person.pk]), {"reason": ""})
    assert PortalAccess.objects.get(user=person).status == PortalAccessStatus.ACTIVE
    page = usa_client.get(reverse("portal:person", args=[person.pk])).content.decode()
    assert "Portal access suspended" in page and "Portal access reinstated" in page and "On leave" in page
    response = usa_client.post(reverse("portal:person-remove", args=[person.pk]), {"reason": "Left"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:people")


def test_removing_the_last_usa_shows_the_message_on_the_page(usa_client, usa):
    response = usa_client.post(reverse("portal:person-remove", args=[usa.pk]), {"reason": ""})
    assert response.status_code == 400
    assert "last active User Security Administrator" in response.content.decode()


def test_the_second_factor_toggle(usa_client, participant):
    usa_client.post(reverse("portal:people-second-factor"), {"required": "on"})
    participant.refresh_from_db()
    assert participant.requires_second_factor


# --- the invitation page ---------------------------------------------------------------------------------------------


def test_a_new_person_accepts_on_the_page_and_is_signed_in(client, participant):
    PortalInvitationFactory(participant=participant, token="tok", email="nina@example.com")
    url = reverse("invitation-accept", args=["tok"])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"full_name": "Nina", "password1": "a-long-password-2026", "password2": "other"})
    assert bad.status_code == 400 and 'value="Nina"' in bad.content.decode()
    response = client.post(
        url, {"full_name": "Nina", "password1": "a-long-password-2026", "password2": "a-long-password-2026"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:home")).context["user"].email == "nina@example.com"


def test_an_expired_invitation_page_says_so_without_a_500(client, participant):
    PortalInvitationFactory(participant=participant, token="late")
    url = reverse("invitation-accept", args=["late"])
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        response = client.get(url)
        posted = client.post(
            url, {"full_name": "L", "password1": "a-long-password-2026", "password2": "a-long-password-2026"}
        )
    assert response.status_code == posted.status_code == 410
    assert "no longer valid" in response.content.decode()
    assert not User.objects.filter(email__startswith="invitee").exists()


def test_an_unknown_invitation_link_says_so(client):
    response = client.get(reverse("invitation-accept", args=["nobody-issued-this"]))
    assert response.status_code == 410


def test_an_existing_account_accepts_when_signed_in(client, participant, other_mp_user):
    PortalInvitationFactory(participant=participant, token="tok", email=other_mp_user.email)
    url = reverse("invitation-accept", args=["tok"])
    client.force_login(other_mp_user)
    assert "Accept the invitation" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert PortalAccess.objects.filter(user=other_mp_user, participant=participant).exists()


def test_a_removed_person_who_cannot_sign_in_accepts_a_new_invitation_with_their_password(
    client, usa, participant, person
):
    services.person_remove(actor=usa, participant=participant, user=person)
    PortalInvitationFactory(participant=participant, token="back", email=person.email)
    url = reverse("invitation-accept", args=["back"])
    assert "give its password" in client.get(url).content.decode()
    wrong = client.post(url, {"password": "not-it"})
    assert wrong.status_code == 400 and "not the password" in wrong.content.decode()
    accepted = client.post(url, {"password": PASSWORD})
    assert PortalAccess.objects.get(user=person, participant=participant).status == PortalAccessStatus.ACTIVE
    # Not signed in by the page: the sign-in page asks for the second factor too.
    assert accepted.status_code == 302 and accepted["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert client.post(reverse("login"), {"login": person.email, "password": PASSWORD}).status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200


def test_signed_in_as_someone_else_the_invitation_is_refused_with_a_message(client, participant, other_mp_user):
    PortalInvitationFactory(participant=participant, token="tok", email="someone@example.com")
    client.force_login(other_mp_user)
    response = client.post(reverse("invitation-accept", args=["tok"]))
    assert response.status_code == 400 and "Sign out" in response.content.decode()


# --- a suspended person ----------------------------------------------------------------------------------------------


def test_a_suspended_person_cannot_sign_in_and_is_told_why(client, usa, participant, person):
    services.person_suspend(actor=usa, participant=participant, user=person)
    response = client.post(reverse("login"), {"login": person.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "suspended" in response.content.decode()
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("login"), {"username": person.email, "password": "wrong-password"})
    assert "suspended" not in wrong.content.decode()


@pytest.mark.parametrize("cache_seconds", [0, 300], ids=["no-user-cache", "user-cache"])
def test_a_suspended_persons_open_session_ends_on_its_next_request(
    client, settings, usa, participant, person, cache_seconds
):
    settings.AUTH_USER_CACHE_SECONDS = cache_seconds
    cache.clear()
    client.force_login(person, backend="accounts.user_cache.CachedUserBackend")
    assert client.get(reverse("portal:home")).status_code == 200
    assert client.get(reverse("portal:home")).status_code == 200  # the snapshot is cached now

    services.person_suspend(actor=usa, participant=participant, user=person)

    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert "_auth_user_id" not in client.session

    services.person_reinstate(actor=usa, participant=participant, user=person)
    assert client.get(reverse("portal:home")).status_code == 302  # the old session is gone: sign in again
    cache.clear()


def test_suspended_at_one_mp_the_session_goes_on_for_the_other(client, usa, participant, other_participant):
    both = MembershipFactory(participant=participant, contact_role=ContactRole.CREDIT).user
    MembershipFactory(participant=other_participant, user=both, contact_role=ContactRole.CREDIT)
    client.force_login(both)
    services.person_suspend(actor=usa, participant=participant, user=both)
    page = client.get(reverse("portal:home"))
    assert page.status_code == 200 and page.context["participant"] == other_participant
    assert client.get(reverse("portal:company", args=[participant.pk])).status_code == 404


def test_the_users_admin_page_and_the_links_admin_show_what_the_usa_did(client, usa, participant, person):
    admin_client = client
    admin_client.force_login(StaffFactory(is_superuser=True))
    services.person_suspend(actor=usa, participant=participant, user=person, reason="On leave")
    page = admin_client.get(reverse("admin:accounts_user_change", args=[person.pk])).content.decode()
    assert "On leave" in page
    access = PortalAccess.objects.get(user=person, participant=participant)
    assert admin_client.get(reverse("admin:accounts_portalaccess_change", args=[access.pk])).status_code == 200
    assert admin_client.get(reverse("admin:accounts_accessreview_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:accounts_portalinvitation_changelist")).status_code == 200


def test_the_person_page_shows_their_sign_ins_and_failures_to_the_usa(client, usa, participant, person):
    browser = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36")
    browser.post(reverse("login"), {"login": person.email, "password": "not-the-password"})
    browser.post(reverse("login"), {"login": person.email, "password": PASSWORD})
    client.force_login(usa)

    page = client.get(reverse("portal:person", args=[person.pk])).content.decode()

    assert "Signed in" in page and "Sign-in failed" in page


def test_the_people_page_says_who_has_a_second_factor(usa_client, usa, participant, person):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})

    page = usa_client.get(reverse("portal:people")).content.decode()

    rows = {user.full_name: page[page.rindex(user.full_name) :].split("</tr>")[0] for user in (person, usa)}
    assert "Yes" in rows[person.full_name]
    assert "No</span>" in rows[usa.full_name]


def test_a_suspended_person_is_turned_away_however_they_sign_in(rf, usa, participant, person):
    """A passkey signs in without the password step (whose backend refuses them): allauth's pre-login hook refuses."""
    from allauth.account.adapter import get_adapter
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    services.person_suspend(actor=usa, participant=participant, user=person)
    person.refresh_from_db()
    request = rf.post(reverse("login"))
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    hook = {"email_verification": "none", "signal_kwargs": None, "email": None, "signup": False, "redirect_url": None}

    response = get_adapter(request).pre_login(request, person, **hook)

    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "suspended" in " ".join(str(m) for m in get_messages(request))
    usa.refresh_from_db()
    assert get_adapter(request).pre_login(request, usa, **hook) is None
