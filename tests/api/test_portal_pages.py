"""The USA's API key pages (/portal/api-keys/…): the list with last use, creating a key (its secret shown once),
revoking; the wrong users (a portal user who is not the USA, another MP's USA, staff, anonymous); bounded queries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiKey, ApiScope
from tests.accounts.factories import MembershipFactory, StaffFactory

from .factories import ApiKeyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def usa_client(client, participant):
    client.force_login(MembershipFactory(participant=participant, usa=True).user)
    return client


def _urls(pk):
    return [
        ("get", reverse("portal:api-keys")),
        ("get", reverse("portal:api-keys-create")),
        ("post", reverse("portal:api-keys-create")),
        ("post", reverse("portal:api-keys-revoke", args=[pk])),
    ]


def test_the_usa_creates_a_key_and_sees_its_secret_once(usa_client, participant):
    assert 'href="/portal/api-keys/"' in usa_client.get(reverse("portal:home")).content.decode()  # the nav link
    response = usa_client.post(
        reverse("portal:api-keys-create"),
        {"name": "Shadow settlement", "scopes": [ApiScope.READ_CASES], "expires_on": "2099-12-31"},
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    key = ApiKey.objects.get(participant=participant)
    page = response.content.decode()
    secret = page.split('id="api-key-secret" type="text" readonly value="')[1].split('"')[0]
    assert secret.startswith(f"ercot_{key.prefix}.")
    assert timezone.localtime(key.expires_at).date().isoformat() == "2100-01-01"  # valid through Dec 31
    listing = usa_client.get(reverse("portal:api-keys")).content.decode()
    assert "Shadow settlement" in listing and key.prefix in listing and secret not in listing
    # the key works
    assert usa_client.get("/api/v1/cases", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_bad_input_shows_the_form_again_with_what_was_typed(usa_client):
    response = usa_client.post(reverse("portal:api-keys-create"), {"name": "Typed name", "scopes": []})
    assert response.status_code == 400 and 'value="Typed name"' in response.content.decode()
    response = usa_client.post(
        reverse("portal:api-keys-create"), {"name": "Old", "scopes": [ApiScope.READ_CASES], "expires_on": "2001-01-01"}
    )
    assert response.status_code == 400 and "must be in the future" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_the_usa_revokes_a_key(usa_client, participant):
    key = ApiKeyFactory(participant=participant)
    response = usa_client.post(reverse("portal:api-keys-revoke", args=[key.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("portal:api-keys")
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert "Revoked" in usa_client.get(reverse("portal:api-keys")).content.decode()


def test_a_portal_user_who_is_not_the_usa_gets_403_and_no_nav_link(client, participant, mp_user):
    key = ApiKeyFactory(participant=participant)
    client.force_login(mp_user)
    assert 'href="/portal/api-keys/"' not in client.get(reverse("portal:home")).content.decode()
    for method, url in _urls(key.pk):
        assert getattr(client, method)(url).status_code == 403, url
    assert ApiKey.objects.get().revoked_at is None


def test_another_mps_usa_gets_404_for_this_mps_key_and_does_not_see_it(client, participant, other_participant):
    key = ApiKeyFactory(participant=participant, name="Ours")
    client.force_login(MembershipFactory(participant=other_participant, usa=True).user)
    assert client.post(reverse("portal:api-keys-revoke", args=[key.pk])).status_code == 404
    assert "Ours" not in client.get(reverse("portal:api-keys")).content.decode()
    assert ApiKey.objects.get().revoked_at is None


def test_staff_are_turned_away_and_anonymous_users_go_to_sign_in(client, participant):
    key = ApiKeyFactory(participant=participant)
    assert client.get(reverse("portal:api-keys"))["Location"].startswith(reverse("login"))
    client.force_login(StaffFactory(groups=["Client Services Lead"]))
    for method, url in _urls(key.pk):
        assert getattr(client, method)(url).status_code == 403, url


def test_the_list_costs_the_same_queries_at_2_and_at_30_keys(
    usa_client, participant, django_assert_max_num_queries, no_queries_while_rendering
):
    for _ in range(2):
        ApiKeyFactory(participant=participant)
    with django_assert_max_num_queries(12):
        assert usa_client.get(reverse("portal:api-keys")).status_code == 200
    for _ in range(28):
        ApiKeyFactory(participant=participant)
    with django_assert_max_num_queries(12):
        response = usa_client.get(reverse("portal:api-keys"))
    assert "Showing 1–25 of 30" in response.content.decode()


def test_the_operator_reads_keys_and_the_call_log_in_the_admin_and_never_the_secret(client, participant):
    key = ApiKeyFactory(participant=participant)
    client.get("/api/v1/cases", headers={"Authorization": f"Bearer {key.raw}"})
    client.force_login(StaffFactory(is_superuser=True))
    keys = client.get(reverse("admin:api_apikey_changelist"))
    calls = client.get(reverse("admin:api_apicalllog_changelist"))
    detail = client.get(reverse("admin:api_apikey_change", args=[key.pk]))
    assert keys.status_code == calls.status_code == detail.status_code == 200
    assert key.prefix in keys.content.decode() and "/api/v1/cases" in calls.content.decode()
    assert key.secret_hash not in detail.content.decode()
    # "Add" in the admin issues a staff key (tests/api/test_staff_keys.py), never an MP's key
    assert "Staff user" in client.get(reverse("admin:api_apikey_add")).content.decode()
