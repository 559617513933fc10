"""Tenant isolation: a participant user sees only their own MPs; staff areas are for staff."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from accounts import selectors, services
from accounts.models import AccountManagerAssignment, MarketParticipant, Membership, User
from accounts.portal_session import SESSION_KEY
from ercot_services.core.audit import audit_record
from ercot_services.core.models import AuditEvent
from tests.accounts.factories import MembershipFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal_client(client, mp_user):
    client.force_login(mp_user)
    return client


def _workspace_urls(participant, account_manager):
    return [
        reverse("workspace:home"),
        reverse("workspace:participants"),
        reverse("workspace:participant-detail", args=[participant.pk]),
        reverse("workspace:participant-section", args=[participant.pk, "history"]),
        reverse("workspace:participant-section", args=[participant.pk, "notices"]),
        reverse("workspace:participant-reassign", args=[participant.pk]),
        reverse("workspace:account-managers"),
        reverse("workspace:book-reassign", args=[account_manager.pk]),
    ]


# --- Portal: another MP is a 404 ---------------------------------------------------------


def test_company_page_of_another_participant_is_404(portal_client, other_participant):
    response = portal_client.get(reverse("portal:company", args=[other_participant.pk]))
    assert response.status_code == 404
    assert other_participant.legal_name not in response.content.decode()


def test_company_page_of_a_participant_that_does_not_exist_is_the_same_404(portal_client, other_participant):
    missing = portal_client.get(reverse("portal:company", args=[other_participant.pk + 10_000]))
    foreign = portal_client.get(reverse("portal:company", args=[other_participant.pk]))
    assert missing.status_code == foreign.status_code == 404


def test_switching_to_another_participant_is_404_and_keeps_the_session(portal_client, participant, other_participant):
    portal_client.get(reverse("portal:home"))
    assert portal_client.session[SESSION_KEY] == participant.pk

    response = portal_client.post(reverse("portal:switch", args=[other_participant.pk]))

    assert response.status_code == 404
    assert portal_client.session[SESSION_KEY] == participant.pk
    home = portal_client.get(reverse("portal:home")).content.decode()
    assert participant.legal_name in home
    assert other_participant.legal_name not in home


def test_own_company_page_lists_own_contacts_only(portal_client, mp_user, participant, other_mp_user):
    colleague = MembershipFactory(participant=participant, contact_role="bar", rank="primary").user

    response = portal_client.get(reverse("portal:company", args=[participant.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert participant.legal_name in page
    assert mp_user.email in page
    assert colleague.email in page
    assert other_mp_user.email not in page
    assert {contact.participant_id for contact in response.context["contacts"]} == {participant.pk}


def test_a_user_of_two_participants_can_switch(client, participant, other_participant):
    user = MembershipFactory(participant=participant).user
    MembershipFactory(participant=other_participant, user=user, contact_role="technical")
    client.force_login(user)

    first = client.get(reverse("portal:home"))
    assert first.context["participant"] == participant
    assert "Switch Market Participant" in first.content.decode()

    response = client.post(reverse("portal:switch", args=[other_participant.pk]), follow=True)

    assert response.redirect_chain == [(reverse("portal:home"), 302)]
    assert response.context["participant"] == other_participant
    page = response.content.decode()
    assert other_participant.legal_name in page
    assert f"You are now working for {other_participant.legal_name}" in page
    assert client.session[SESSION_KEY] == other_participant.pk
    # And the choice sticks on later requests.
    assert client.get(reverse("portal:home")).context["participant"] == other_participant
    assert client.get(reverse("portal:company", args=[other_participant.pk])).status_code == 200


def test_an_ended_membership_loses_access_at_once(client, lead, participant, other_participant):
    user = MembershipFactory(participant=participant).user
    second = MembershipFactory(participant=other_participant, user=user, contact_role="technical")
    client.force_login(user)
    client.post(reverse("portal:switch", args=[other_participant.pk]))
    assert client.get(reverse("portal:company", args=[other_participant.pk])).status_code == 200

    services.membership_end(actor=lead, membership=second, reason="Left")

    assert client.get(reverse("portal:company", args=[other_participant.pk])).status_code == 404
    assert client.post(reverse("portal:switch", args=[other_participant.pk])).status_code == 404
    # The session still names the old MP, but the portal falls back to one the user still belongs to.
    home = client.get(reverse("portal:home"))
    assert home.context["participant"] == participant
    assert client.session[SESSION_KEY] == participant.pk


def test_a_user_without_memberships_sees_the_not_linked_page(client, lead, mp_user, participant):
    services.membership_end(actor=lead, membership=Membership.objects.get(user=mp_user), reason="Left")
    client.force_login(mp_user)

    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    assert response.context["participant"] is None
    page = response.content.decode()
    assert "not linked to a Market Participant" in page
    assert participant.legal_name not in page
    assert client.get(reverse("portal:company", args=[participant.pk])).status_code == 404


# --- Who may open which area -----------------------------------------------------------------


def test_participant_users_get_403_on_every_workspace_url(portal_client, participant, account_manager):
    for url in _workspace_urls(participant, account_manager):
        response = portal_client.get(url)
        assert response.status_code == 403, url
        assert "The workspace is for Client Services staff." in response.content.decode()
    for url in (
        reverse("workspace:participant-reassign", args=[participant.pk]),
        reverse("workspace:book-reassign", args=[account_manager.pk]),
    ):
        assert portal_client.post(url, {"reason": "x"}).status_code == 403, url
    assert AccountManagerAssignment.objects.filter(participant=participant).count() == 1


def test_anonymous_users_are_sent_to_sign_in(client, participant, account_manager):
    urls = [
        reverse("portal:home"),
        reverse("portal:company", args=[participant.pk]),
        *_workspace_urls(participant, account_manager),
        reverse("home"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        location = urlparse(response["Location"])
        assert location.path == reverse("login"), url
        assert parse_qs(location.query)["next"] == [url]
    response = client.post(reverse("portal:switch", args=[participant.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_staff_get_403_on_the_portal(client, staff_user, participant):
    client.force_login(staff_user)
    for response in (
        client.get(reverse("portal:home")),
        client.get(reverse("portal:company", args=[participant.pk])),
        client.post(reverse("portal:switch", args=[participant.pk])),
    ):
        assert response.status_code == 403
        assert "staff use the workspace" in response.content.decode()


# --- The selectors ------------------------------------------------------------------------------


def test_participants_for_user_scopes_by_active_membership(mp_user, participant, other_participant, staff_user):
    ParticipantFactory()  # nobody's
    assert list(selectors.participants_for_user(mp_user)) == [participant]
    assert selectors.participant_ids_for_user(mp_user) == [participant.pk]
    assert set(selectors.participants_for_user(staff_user)) >= {participant, other_participant}
    assert selectors.participants_for_user(staff_user).count() == MarketParticipant.objects.count()
    assert not selectors.participants_for_user(AnonymousUser()).exists()


def test_participant_get_for_user_is_404_outside_the_scope(mp_user, participant, other_participant):
    from django.http import Http404

    assert selectors.participant_get_for_user(mp_user, participant.pk) == participant
    with pytest.raises(Http404):
        selectors.participant_get_for_user(mp_user, other_participant.pk)


def test_scope_to_user_limits_any_participant_owned_queryset(
    lead, mp_user, other_mp_user, participant, other_participant, staff_user
):
    audit_record(actor=lead, verb="note.a", target=participant)
    audit_record(actor=lead, verb="note.b", target=other_participant)
    events = AuditEvent.objects.filter(verb__startswith="note.")

    assert set(selectors.scope_to_user(events, mp_user).values_list("verb", flat=True)) == {"note.a"}
    assert set(selectors.scope_to_user(events, other_mp_user).values_list("verb", flat=True)) == {"note.b"}
    assert set(selectors.scope_to_user(events, staff_user).values_list("verb", flat=True)) == {"note.a", "note.b"}
    assert not selectors.scope_to_user(events, AnonymousUser()).exists()

    # Any path that leads to the MP works: here, the people who are contacts of my MPs.
    people = selectors.scope_to_user(User.objects.all(), mp_user, path="memberships__participant")
    assert set(people) == {mp_user}
    assert set(selectors.scope_to_user(User.objects.filter(is_staff=False), staff_user)) >= {mp_user, other_mp_user}

    assignments = selectors.scope_to_user(AccountManagerAssignment.objects.all(), mp_user)
    assert set(assignments.values_list("participant", flat=True)) == {participant.pk}
