"""Staff API keys: they read an MP's objects when the call names the MP (X-Participant), never write, and stop
working once their user is no longer active staff with a second factor or loses the permission a scope reads with;
issued only by an administrator, through the service, to active staff with a second factor, with read scopes."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from rest_framework.response import Response

from api import services
from api.endpoints.cases import CaseListView
from api.error_codes import ApiErrorCode
from api.events import ApiEvent
from api.models import ApiCallLog, ApiKey, ApiScope
from ercot_services.core.models import AuditEvent, DomainError
from ercot_services.core.permissions import ActionNotAllowed
from tests.accounts.factories import StaffFactory, UserFactory
from tests.cases.factories import CaseFactory

from .calls import assert_problem, auth
from .factories import ApiKeyFactory

pytestmark = pytest.mark.django_db


def _get(client, url, key, participant=None, **params):
    headers = auth(key)
    if participant is not None:
        headers["X-Participant"] = participant if isinstance(participant, str) else participant.short_name
    return client.get(url, params, headers=headers)


@pytest.fixture
def staff_key(db):
    return ApiKeyFactory(staff=True, scopes=[ApiScope.READ_CASES, ApiScope.READ_REGISTRATION])


def test_a_staff_key_reads_the_cases_of_the_mp_the_call_names(client, staff_key, participant, other_participant):
    ours = CaseFactory(participant=participant)
    theirs = CaseFactory(participant=other_participant)
    listed = _get(client, "/api/v1/cases", staff_key, participant).json()["results"]
    assert [row["reference"] for row in listed] == [ours.reference]
    assert _get(client, f"/api/v1/cases/{ours.reference}", staff_key, participant).json()["reference"] == ours.reference
    # a case is found only under its own MP
    assert_problem(_get(client, f"/api/v1/cases/{theirs.reference}", staff_key, participant), 404, "not_found")
    assert _get(client, f"/api/v1/cases/{theirs.reference}", staff_key, other_participant).status_code == 200
    assert _get(client, "/api/v1/participant", staff_key, participant).json()["short_name"] == participant.short_name
    logged = ApiCallLog.objects.order_by("id").values_list("participant", flat=True)
    assert list(logged) == [participant.pk, participant.pk, participant.pk, other_participant.pk, participant.pk]


def test_a_staff_key_call_that_names_no_mp_is_a_400_and_an_unknown_one_a_404(client, staff_key):
    body = assert_problem(_get(client, "/api/v1/cases", staff_key), 400, "participant_required")
    assert set(body["errors"]) == {"X-Participant"}
    assert_problem(_get(client, "/api/v1/cases", staff_key, "NO-SUCH-MP"), 404, "not_found")
    assert ApiCallLog.objects.filter(participant__isnull=True).count() == 2


def test_an_mp_key_ignores_the_header_and_reads_only_its_own_mp(client, participant, other_participant):
    key = ApiKeyFactory(participant=participant)
    theirs = CaseFactory(participant=other_participant)
    assert _get(client, "/api/v1/cases", key, other_participant).json()["results"] == []
    assert_problem(_get(client, f"/api/v1/cases/{theirs.reference}", key, other_participant), 404, "not_found")


def test_a_staff_key_reads_with_a_bounded_number_of_queries(
    client, staff_key, participant, django_assert_max_num_queries
):
    for _ in range(20):
        CaseFactory(participant=participant)
    # the key with its standing, the user's permissions, the named MP, the page, the call log, last used
    with django_assert_max_num_queries(6):
        assert len(_get(client, "/api/v1/cases", staff_key, participant).json()["results"]) == 20


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda user: setattr(user, "is_active", False), id="deactivated"),
        pytest.param(lambda user: setattr(user, "is_staff", False), id="no longer staff"),
        pytest.param(lambda user: Authenticator.objects.filter(user=user).delete(), id="second factor removed"),
    ],
)
def test_a_staff_key_stops_when_its_user_is_no_longer_active_staff_with_a_second_factor(
    client, staff_key, participant, change
):
    assert _get(client, "/api/v1/cases", staff_key, participant).status_code == 200
    change(staff_key.user)
    staff_key.user.save()
    body = assert_problem(_get(client, "/api/v1/cases", staff_key, participant), 401, "not_authenticated")
    assert str(staff_key.user) in body["detail"]


def test_a_staff_key_whose_user_left_the_group_that_reads_is_refused(client, staff_key, participant):
    staff_key.user.groups.clear()
    body = assert_problem(_get(client, "/api/v1/cases", staff_key, participant), 403, "scope_missing")
    assert "no longer allows" in body["detail"]


@pytest.mark.parametrize(
    "state",
    [{"revoked_at": timezone.now()}, {"expires_at": timezone.now() - datetime.timedelta(minutes=1)}],
    ids=["revoked", "expired"],
)
def test_a_revoked_or_expired_staff_key_is_a_401(client, participant, state):
    key = ApiKeyFactory(staff=True, **state)
    assert_problem(_get(client, "/api/v1/cases", key, participant), 401, "not_authenticated")


def test_a_staff_key_without_the_scope_is_refused(client, participant):
    key = ApiKeyFactory(staff=True, scopes=[ApiScope.READ_REGISTRATION])
    assert_problem(_get(client, "/api/v1/cases", key, participant), 403, "scope_missing")


def test_a_staff_key_never_writes(client, staff_key, participant, monkeypatch):
    """A write endpoint (here the case list given a POST for the test) refuses a staff key before anything else."""
    monkeypatch.setattr(CaseListView, "post", lambda self, request: Response(status=201), raising=False)
    headers = {"Authorization": f"Bearer {staff_key.raw}", "X-Participant": participant.short_name}
    body = assert_problem(client.post("/api/v1/cases", {}, headers=headers), 403, "staff_key_read_only")
    assert "only reads" in body["detail"]
    mp_key = ApiKeyFactory(participant=participant)
    assert client.post("/api/v1/cases", {}, headers={"Authorization": f"Bearer {mp_key.raw}"}).status_code == 201


# --- issuing them -------------------------------------------------------------------------------------------------


@pytest.fixture
def administrator(db):
    """A staff user who manages staff keys and reads the key list in the admin (a superuser holds both)."""
    user = StaffFactory()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["manage_staff_api_keys", "view_apikey"]))
    return user


def test_an_administrator_issues_a_staff_key_audited_with_its_secret_once(administrator, staff_user):
    key, secret = services.staff_api_key_create(
        actor=administrator, user=staff_user, name="Settlement QA", scopes=[ApiScope.READ_CASES]
    )
    key.refresh_from_db()
    assert (key.user, key.participant, key.created_by, key.scopes) == (staff_user, None, administrator, ["cases:read"])
    assert secret.startswith(f"ercot_{key.prefix}.") and key.secret_hash == services.hash_secret(secret.split(".")[1])
    event = AuditEvent.objects.get(verb=ApiEvent.STAFF_API_KEY_CREATED)
    assert (event.actor, event.target_object_id) == (administrator, str(key.pk))


@pytest.mark.parametrize(
    ("user_kwargs", "scopes", "code"),
    [
        ({}, [ApiScope.WRITE_CASES], ApiErrorCode.STAFF_SCOPE),
        ({}, [ApiScope.READ_CASES, ApiScope.ACKNOWLEDGE_NOTICES], ApiErrorCode.STAFF_SCOPE),
        ({"second_factor": False}, [ApiScope.READ_CASES], ApiErrorCode.SECOND_FACTOR_REQUIRED),
        ({"is_active": False}, [ApiScope.READ_CASES], ApiErrorCode.NOT_STAFF),
        ({"is_staff": False}, [ApiScope.READ_CASES], ApiErrorCode.NOT_STAFF),
    ],
    ids=["write scope", "acknowledge scope", "no second factor", "inactive", "not staff"],
)
def test_a_staff_key_is_refused_for_a_write_scope_or_a_user_who_is_not_active_staff_with_a_second_factor(
    administrator, user_kwargs, scopes, code
):
    user = StaffFactory(**user_kwargs) if user_kwargs.get("is_staff", True) else UserFactory()
    with pytest.raises(DomainError) as refused:
        services.staff_api_key_create(actor=administrator, user=user, name="QA", scopes=scopes)
    assert refused.value.code == code
    assert not ApiKey.objects.exists()


def test_only_an_administrator_issues_and_revokes_staff_keys(staff_user, lead, administrator):
    with pytest.raises(ActionNotAllowed):
        services.staff_api_key_create(actor=lead, user=staff_user, name="QA", scopes=[ApiScope.READ_CASES])
    key = ApiKeyFactory(staff=True)
    with pytest.raises(ActionNotAllowed):
        services.api_key_revoke(actor=lead, api_key=key)
    assert services.api_key_revoke(actor=administrator, api_key=key).revoked_at is not None


def test_the_admin_issues_a_staff_key_shown_once_and_revokes_it(client, administrator, staff_user, participant):
    client.force_login(administrator)
    add_url = reverse("admin:api_apikey_add")
    assert client.get(add_url).status_code == 200
    refused = client.post(
        add_url, {"user": staff_user.pk, "name": "QA", "scopes": ["cases:read"], "expires_on": "2001-01-01"}
    )
    assert refused.status_code == 400 and "must be in the future" in refused.content.decode()
    response = client.post(add_url, {"user": staff_user.pk, "name": "QA", "scopes": ["cases:read"]})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    secret = (
        response.content.decode().split('id="api-key-secret" type="text" readonly size="70" value="')[1].split('"')[0]
    )
    key = ApiKey.objects.get(user=staff_user)
    assert secret.startswith(f"ercot_{key.prefix}.")
    headers = {"Authorization": f"Bearer {secret}", "X-Participant": participant.short_name}
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    mp_key = ApiKeyFactory(participant=participant)
    changelist = reverse("admin:api_apikey_changelist")
    client.post(changelist, {"action": "revoke_staff_keys", "_selected_action": [key.pk, mp_key.pk]})
    key.refresh_from_db()
    mp_key.refresh_from_db()
    assert key.revoked_at is not None and mp_key.revoked_at is None  # the MP's key is its USA's to revoke
    assert client.get("/api/v1/cases", headers=headers).status_code == 401


def test_staff_without_the_permission_cannot_issue_staff_keys_in_the_admin(client, lead):
    lead.user_permissions.add(Permission.objects.get(codename="view_apikey"))
    client.force_login(lead)
    assert client.get(reverse("admin:api_apikey_add")).status_code == 403
