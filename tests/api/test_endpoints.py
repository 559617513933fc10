"""The v1 endpoints: authentication (no key, a wrong, expired or revoked key, a key without the scope), isolation
between MPs, the case list's filters, cursor pagination and query bound, the case with its public conversation only,
the problem-details shape of every error, rate limits and the call log."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiCallLog, ApiKey, ApiScope
from cases.models import CaseKind, CaseStatus
from tests.accounts.factories import MembershipFactory
from tests.cases.factories import CaseFactory, CaseMessageFactory

from .conftest import api_get as _get
from .conftest import assert_problem as _assert_problem
from .factories import ApiKeyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(participant):
    return ApiKeyFactory(participant=participant)


ENDPOINTS = ["/api/v1/participant", "/api/v1/cases", "/api/v1/cases/{reference}"]


@pytest.fixture
def case(participant):
    return CaseFactory(participant=participant)


@pytest.mark.parametrize("url", ENDPOINTS)
def test_every_endpoint_needs_a_valid_key(client, participant, case, url):
    url = url.format(reference=case.reference)
    response = _get(client, url)
    _assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    for wrong in ("nonsense", "ercot_abcdefgh.wrong", "ercot_abc.short"):
        _assert_problem(_get(client, url, wrong), 401, "not_authenticated")
    good = ApiKeyFactory(participant=participant)
    _assert_problem(_get(client, url, good.raw[:-1] + "x"), 401, "not_authenticated")
    expired = ApiKeyFactory(participant=participant, expires_at=timezone.now() - datetime.timedelta(seconds=1))
    _assert_problem(_get(client, url, expired), 401, "not_authenticated")
    revoked = ApiKeyFactory(participant=participant, revoked_at=timezone.now())
    _assert_problem(_get(client, url, revoked), 401, "not_authenticated")
    assert _get(client, url, good).status_code == 200


@pytest.mark.parametrize("url", ENDPOINTS[1:])
def test_a_key_without_the_scope_gets_403(client, participant, case, url):
    key = ApiKeyFactory(participant=participant, scopes=[ApiScope.READ_NOTICES])
    body = _assert_problem(_get(client, url.format(reference=case.reference), key), 403, "scope_missing")
    assert "cases:read" in body["detail"]


def test_the_participant_is_the_keys_mp_with_roles_contacts_and_account_manager(client, participant, account_manager):
    MembershipFactory(participant=participant, usa=True)
    key = ApiKeyFactory(participant=participant, scopes=[ApiScope.READ_NOTICES])  # any scope reads the MP
    body = _get(client, "/api/v1/participant", key).json()
    assert body["short_name"] == participant.short_name
    assert body["roles"] == ["LSE", "REP"]
    assert body["account_manager"]["email"] == account_manager.email
    assert "usa" in {contact["role"] for contact in body["contacts"]}


def test_another_mps_case_is_not_found(client, key, other_participant):
    theirs = CaseFactory(participant=other_participant)
    _assert_problem(_get(client, f"/api/v1/cases/{theirs.reference}", key), 404, "not_found")
    _assert_problem(_get(client, "/api/v1/cases/NOPE-1", key), 404, "not_found")
    assert _get(client, "/api/v1/cases", key).json()["results"] == []


def test_a_case_shows_its_public_messages_and_never_internal_notes(client, key, case):
    CaseMessageFactory(case=case, body="We are looking into it.")
    CaseMessageFactory(case=case, body="Internal: call the TDSP first.", is_internal=True)
    body = _get(client, f"/api/v1/cases/{case.reference}", key).json()
    assert body["reference"] == case.reference
    assert [m["body"] for m in body["messages"]] == ["We are looking into it."]
    assert "Internal" not in str(body)


def test_the_list_filters_by_status_kind_and_updated_since(client, key, participant):
    inquiry = CaseFactory(participant=participant)
    dispute = CaseFactory(participant=participant, dispute=True, resolved=True)

    def refs(**params):
        return {row["reference"] for row in _get(client, "/api/v1/cases", key, **params).json()["results"]}

    assert refs() == {inquiry.reference, dispute.reference}
    assert refs(status=CaseStatus.RESOLVED) == {dispute.reference}
    assert refs(kind=CaseKind.INQUIRY) == {inquiry.reference}
    assert refs(updated_since=(timezone.now() + datetime.timedelta(hours=1)).isoformat()) == set()


def test_bad_filters_are_a_400_problem_with_field_errors(client, key):
    body = _assert_problem(_get(client, "/api/v1/cases", key, status="lost", updated_since="yesterday"), 400, "invalid")
    assert set(body["errors"]) == {"status", "updated_since"}


def test_an_unknown_or_empty_parameter_and_a_forged_cursor_are_refused_not_ignored(client, key):
    body = _assert_problem(_get(client, "/api/v1/cases", key, stauts="open", kind=""), 400, "invalid")
    assert set(body["errors"]) == {"stauts", "kind"}
    body = _assert_problem(_get(client, "/api/v1/cases", key, cursor="forged"), 400, "invalid")
    assert set(body["errors"]) == {"cursor"}


def test_a_control_character_in_the_path_is_a_400_problem(client, key):
    _assert_problem(_get(client, "/api/v1/cases/%1F", key), 400, "invalid")


def test_the_list_pages_with_a_cursor_newest_activity_first(client, key, participant):
    made = [CaseFactory(participant=participant) for _ in range(5)]
    first = _get(client, "/api/v1/cases", key, page_size=2).json()
    seen = [row["reference"] for row in first["results"]]
    next_url = first["next"]
    while next_url:
        page = client.get(next_url, headers={"Authorization": f"Bearer {key.raw}"}).json()
        seen += [row["reference"] for row in page["results"]]
        next_url = page["next"]
    assert sorted(seen) == sorted(case.reference for case in made) and len(seen) == 5


def test_the_list_costs_the_same_queries_for_2_and_for_40_cases(
    client, key, participant, django_assert_max_num_queries
):
    for _ in range(2):
        CaseFactory(participant=participant)
    # the key (with its MP), the page, the call log
    with django_assert_max_num_queries(4):
        assert _get(client, "/api/v1/cases", key).status_code == 200
    for _ in range(38):
        CaseFactory(participant=participant)
    with django_assert_max_num_queries(4):
        assert len(_get(client, "/api/v1/cases", key).json()["results"]) == 40


def test_last_used_is_written_at_most_once_a_minute_and_every_call_is_logged(client, key, participant):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _get(client, "/api/v1/cases", key)
        first = ApiKey.objects.get().last_used_at
        clock.shift(30)
        _get(client, "/api/v1/cases", key)
        assert ApiKey.objects.get().last_used_at == first
        clock.shift(31)
        _get(client, "/api/v1/participant", key)
        assert ApiKey.objects.get().last_used_at > first
    log = list(ApiCallLog.objects.order_by("id").values_list("key_name", "path", "status_code"))
    assert log == [(key.name, "/api/v1/cases", 200)] * 2 + [(key.name, "/api/v1/participant", 200)]


def test_an_unknown_address_under_api_is_a_404_problem(client):
    _assert_problem(client.get("/api/v2/cases"), 404, "not_found")


def test_a_write_method_is_a_405_problem(client, key):
    _assert_problem(
        client.post("/api/v1/cases", {}, headers={"Authorization": f"Bearer {key.raw}"}), 405, "method_not_allowed"
    )


@pytest.fixture
def tight_rates(monkeypatch):
    """Two calls a minute per key, three per address (the throttles read their rates when the class is loaded)."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"api_key": "2/min", "api_address": "3/min"})
    cache.clear()


def test_a_key_over_its_rate_gets_429_with_retry_after(client, participant, tight_rates):
    key = ApiKeyFactory(participant=participant)
    for _ in range(2):
        assert _get(client, "/api/v1/cases", key).status_code == 200
    response = _get(client, "/api/v1/cases", key)
    _assert_problem(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    # another key of the MP has its own allowance, until the address's runs out
    other = ApiKeyFactory(participant=participant)
    assert _get(client, "/api/v1/cases", other).status_code == 429  # the address: 3 a minute
    spoofed = client.get(
        "/api/v1/cases", headers={"Authorization": f"Bearer {other.raw}", "X-Forwarded-For": "203.0.113.9"}
    )
    assert spoofed.status_code == 429  # a forwarded-for header is no new address
