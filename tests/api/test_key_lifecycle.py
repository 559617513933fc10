"""An MP key's life: it acts as its creator and stops, with a 401 that says why, once they no longer administer the
MP (shown as orphaned in the portal); versioning and deprecation headers; the call log's retention; the key's page
with its latest calls."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from accounts.models import Membership, PortalAccess, PortalAccessStatus
from api import services
from api.endpoints.cases import CaseListView
from api.models import ApiCallLog, ApiScope
from api.tasks import prune_call_log
from tests.accounts.factories import MembershipFactory, StaffFactory

from .calls import api_get, assert_problem
from .factories import ApiCallLogFactory, ApiKeyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def usa(participant):
    return MembershipFactory(participant=participant, usa=True).user


@pytest.fixture
def key(participant, usa):
    return ApiKeyFactory(participant=participant, created_by=usa)


def _usa_membership(user):
    return Membership.objects.get(user=user, contact_role="usa")


@pytest.mark.parametrize(
    "leave",
    [
        pytest.param(lambda user: Membership.objects.filter(user=user).update(is_active=False), id="role ended"),
        pytest.param(
            lambda user: PortalAccess.objects.filter(user=user).update(status=PortalAccessStatus.SUSPENDED),
            id="access suspended",
        ),
        pytest.param(lambda user: type(user).objects.filter(pk=user.pk).update(is_active=False), id="deactivated"),
    ],
)
def test_a_key_stops_once_its_creator_no_longer_administers_the_mp(client, key, usa, participant, leave):
    assert api_get(client, "/api/v1/cases", key).status_code == 200
    leave(usa)
    body = assert_problem(api_get(client, "/api/v1/cases", key), 401, "not_authenticated")
    assert f"no longer administers {participant}" in body["detail"]
    assert "ask your User Security Administrator for a new key" in body["detail"]


def test_a_key_whose_creator_is_another_mps_usa_or_gone_does_not_work(client, participant, other_participant):
    stranger = MembershipFactory(participant=other_participant, usa=True).user
    assert_problem(
        api_get(client, "/api/v1/cases", ApiKeyFactory(participant=participant, created_by=stranger)),
        401,
        "not_authenticated",
    )
    assert_problem(
        api_get(client, "/api/v1/cases", ApiKeyFactory(participant=participant, created_by=None)),
        401,
        "not_authenticated",
    )


def test_the_portal_shows_an_orphaned_key_as_such(client, key, usa, participant):
    successor = MembershipFactory(participant=participant, usa=True, rank="secondary").user
    Membership.objects.filter(user=usa).update(is_active=False)
    client.force_login(successor)
    listing = client.get(reverse("portal:api-keys")).content.decode()
    assert "Orphaned" in listing
    page = client.get(reverse("portal:api-keys-detail", args=[key.pk])).content.decode()
    assert "no longer administers" in page


# --- versioning and deprecation ------------------------------------------------------------------------------------


def test_every_response_names_the_api_version(client, key):
    assert api_get(client, "/api/v1/cases", key)["API-Version"] == "1"
    assert api_get(client, "/api/v1/cases", "nonsense")["API-Version"] == "1"


def test_a_deprecated_view_announces_its_deprecation_and_sunset_and_the_schema_marks_it(client, key, monkeypatch):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "deprecated" not in schema["paths"]["/api/v1/cases"]["get"]
    response = api_get(client, "/api/v1/cases", key)
    assert "Deprecation" not in response and "Sunset" not in response
    announced = datetime.datetime(2027, 1, 4, 15, 0, tzinfo=datetime.UTC)
    sunset = datetime.datetime(2027, 7, 5, 15, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(CaseListView, "deprecated_at", announced)
    monkeypatch.setattr(CaseListView, "sunset_at", sunset)
    monkeypatch.setattr(CaseListView, "deprecation_link", "https://ercot-services.example/notices/M-2027-001/")
    response = api_get(client, "/api/v1/cases", key)
    assert response.status_code == 200
    assert response["Deprecation"] == f"@{int(announced.timestamp())}"
    assert response["Sunset"] == http_date(sunset.timestamp()) == "Mon, 05 Jul 2027 15:00:00 GMT"
    assert (
        response["Link"] == '<https://ercot-services.example/notices/M-2027-001/>; rel="deprecation"; type="text/html"'
    )
    # errors of a deprecated operation say it too
    assert api_get(client, "/api/v1/cases", key, status="lost")["Deprecation"] == response["Deprecation"]
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert schema["paths"]["/api/v1/cases"]["get"]["deprecated"] is True
    assert "deprecated" not in schema["paths"]["/api/v1/participant"]["get"]


def test_a_deprecation_without_a_link_points_at_the_api_documentation(client, key, monkeypatch):
    monkeypatch.setattr(CaseListView, "deprecated_at", timezone.now())
    response = api_get(client, "/api/v1/cases", key)
    assert response["Link"] == '<http://testserver/api/docs/>; rel="deprecation"; type="text/html"'
    assert "Sunset" not in response


# --- the call log: retention, the key's page --------------------------------------------------------------------------


def test_the_retention_task_deletes_only_calls_older_than_the_retention_in_batches(key, monkeypatch):
    now = timezone.now()
    days = settings.API_CALL_LOG_RETENTION_DAYS
    old = [ApiCallLogFactory(api_key=key, created_at=now - datetime.timedelta(days=days, minutes=m)) for m in (1, 2, 3)]
    kept = [
        ApiCallLogFactory(api_key=key, created_at=now - datetime.timedelta(days=days) + datetime.timedelta(minutes=5)),
        ApiCallLogFactory(api_key=key, created_at=now),
    ]
    monkeypatch.setattr(services, "CALL_LOG_PRUNE_BATCH", 2)
    assert prune_call_log() == len(old)
    assert set(ApiCallLog.objects.values_list("pk", flat=True)) == {call.pk for call in kept}
    assert prune_call_log() == 0  # safe to run twice


def test_the_beat_runs_the_retention_task_and_the_setting_has_a_default():
    assert settings.CELERY_BEAT_SCHEDULE["prune-api-call-log"]["task"] == "api.prune_call_log"
    assert settings.API_CALL_LOG_RETENTION_DAYS == 90


@pytest.fixture
def usa_client(client, usa):
    client.force_login(usa)
    return client


def test_the_keys_page_lists_its_latest_calls_paginated(usa_client, key, participant):
    other_key = ApiKeyFactory(participant=participant)
    now = timezone.now()
    for minutes in range(55):
        ApiCallLogFactory(
            api_key=key, path=f"/api/v1/cases/C-{minutes}", created_at=now - datetime.timedelta(minutes=minutes)
        )
    ApiCallLogFactory(api_key=other_key, path="/api/v1/cases/OTHER-KEY")
    page = usa_client.get(reverse("portal:api-keys-detail", args=[key.pk])).content.decode()
    assert page.index("/api/v1/cases/C-0<") < page.index("/api/v1/cases/C-1<")  # latest first
    assert "/api/v1/cases/C-54<" not in page and "OTHER-KEY" not in page
    assert "Showing 1–50 of 55" in page and "192.0.2.10" in page
    second = usa_client.get(reverse("portal:api-keys-detail", args=[key.pk]), {"page": 2}).content.decode()
    assert "/api/v1/cases/C-54<" in second
    assert (
        f'href="{reverse("portal:api-keys-detail", args=[key.pk])}"'
        in usa_client.get(reverse("portal:api-keys")).content.decode()
    )


def test_the_keys_page_costs_the_same_queries_at_2_and_at_60_calls(
    usa_client, key, django_assert_max_num_queries, no_queries_while_rendering
):
    url = reverse("portal:api-keys-detail", args=[key.pk])
    for _ in range(2):
        ApiCallLogFactory(api_key=key)
    with django_assert_max_num_queries(12):
        assert usa_client.get(url).status_code == 200
    for _ in range(58):
        ApiCallLogFactory(api_key=key)
    with django_assert_max_num_queries(12):
        assert usa_client.get(url).status_code == 200


def test_the_keys_page_is_the_usas_of_its_own_mp_only(client, key, participant, other_participant, mp_user):
    url = reverse("portal:api-keys-detail", args=[key.pk])
    client.force_login(MembershipFactory(participant=other_participant, usa=True).user)
    assert client.get(url).status_code == 404
    client.force_login(mp_user)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("login"))


def test_a_staff_key_is_not_on_any_mps_page(usa_client, participant):
    staff_key = ApiKeyFactory(staff=True, scopes=[ApiScope.READ_CASES])
    assert usa_client.get(reverse("portal:api-keys-detail", args=[staff_key.pk])).status_code == 404
    assert staff_key.name not in usa_client.get(reverse("portal:api-keys")).content.decode()


def test_the_operator_filters_the_call_log_by_mp_key_and_status(client, key, participant, other_participant):
    ApiCallLogFactory(api_key=key, path="/api/v1/cases/OURS", status_code=200)
    ApiCallLogFactory(api_key=key, path="/api/v1/cases/MISSING", status_code=404)
    ApiCallLogFactory(api_key=ApiKeyFactory(participant=other_participant), path="/api/v1/cases/THEIRS")
    client.force_login(StaffFactory(is_superuser=True))
    url = reverse("admin:api_apicalllog_changelist")

    def paths(**params):
        page = client.get(url, params).content.decode()
        return {path for path in ("OURS", "MISSING", "THEIRS") if f"/api/v1/cases/{path}<" in page}

    assert paths() == {"OURS", "MISSING", "THEIRS"}
    assert paths(participant__id__exact=participant.pk) == {"OURS", "MISSING"}
    assert paths(api_key__id__exact=key.pk, status_code=404) == {"MISSING"}
