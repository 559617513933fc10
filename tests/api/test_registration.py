"""The registration endpoints: the key's MP's applications with their status and requirement checklist, marked as
the portal's application page marks it (required, missing); what the reviewer asked or decided; no staff data;
filters, pages, isolation and bounded queries."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiScope
from registration.models import ApplicationKind, ApplicationStatus
from registration.services import application_update, document_upload
from tests.registration.conftest import line, pdf

from .conftest import api_get, assert_problem
from .factories import ApiKeyFactory

pytestmark = pytest.mark.django_db

APPLICATIONS = "/api/v1/registration/applications"


@pytest.fixture
def prospect_key(prospect):
    return ApiKeyFactory(participant=prospect, scopes=[ApiScope.READ_REGISTRATION])


@pytest.fixture
def key(participant):
    return ApiKeyFactory(participant=participant, scopes=[ApiScope.READ_REGISTRATION])


@pytest.fixture
def changed_roles(kit, prospect, prospect_ar):
    """A draft that asked for REP (Form B provided), then for QSE: Form B stays with its document, no longer
    required; Form G and the SFA are missing."""
    application = kit.start(prospect, prospect_ar, roles=["REP"])
    document_upload(actor=prospect_ar, line=line(application, "form-b"), upload=pdf("form-b.pdf"))
    application_update(actor=prospect_ar, application=application, role_codes=["QSE"])
    return application


def test_the_checklist_is_marked_as_the_portals_application_page_marks_it(
    client, prospect_key, prospect_ar, changed_roles
):
    body = api_get(client, f"{APPLICATIONS}/{changed_roles.reference}", prospect_key).json()
    assert (body["reference"], body["kind"], body["status"]) == (changed_roles.reference, "initial", "draft")
    assert body["roles"] == ["QSE"]
    assert body["missing"] == ["form-g", "sfa"]

    client.force_login(prospect_ar)
    portal = client.get(reverse("portal:application-detail", args=[changed_roles.reference])).context
    assert [(row["requirement"], row["required"], row["missing"], row["status"]) for row in body["checklist"]] == [
        (line.requirement.code, line.required, line.is_missing, line.status) for line in portal["lines"]
    ]
    form_b = next(row for row in body["checklist"] if row["requirement"] == "form-b")
    assert (form_b["required"], form_b["missing"], form_b["status"]) == (False, False, "provided")
    assert [(document["version"], document["name"]) for document in form_b["documents"]] == [(1, "form-b.pdf")]


def test_the_list_shows_each_application_with_its_checklist_as_the_detail_does(client, prospect_key, changed_roles):
    listed = api_get(client, APPLICATIONS, prospect_key).json()["results"]
    assert listed == [api_get(client, f"{APPLICATIONS}/{changed_roles.reference}", prospect_key).json()]


def test_what_the_reviewer_asked_and_decided_shows_and_no_staff_data(client, key, kit, participant, ar, reviewer):
    asked = kit.build(participant, ar, ApplicationStatus.INFO_REQUESTED, kind=ApplicationKind.REVISION)
    rejected = kit.build(participant, ar, ApplicationStatus.REJECTED, kind=ApplicationKind.REVISION, changes=["name"])
    by_reference = {row["reference"]: row for row in api_get(client, APPLICATIONS, key).json()["results"]}
    assert by_reference[asked.reference]["info_request"] == "Send the signed page 4 of the SFA."
    assert by_reference[asked.reference]["review_paused"] is True
    assert by_reference[rejected.reference]["decision_reason"] == "Incomplete Form G"
    assert by_reference[rejected.reference]["info_request"] == ""
    body = api_get(client, APPLICATIONS, key).content.decode()
    for staff_data in (reviewer.full_name, reviewer.email, "attest"):
        assert staff_data not in body


def test_the_list_filters_by_status_kind_and_updated_since(client, key, kit, participant, ar):
    draft = kit.build(participant, ar, ApplicationStatus.DRAFT, kind=ApplicationKind.REVISION)
    submitted = kit.build(participant, ar, ApplicationStatus.SUBMITTED, kind=ApplicationKind.REVISION, changes=["name"])

    def references(**params):
        return {row["reference"] for row in api_get(client, APPLICATIONS, key, **params).json()["results"]}

    assert references() == {draft.reference, submitted.reference}
    assert references(status="submitted") == {submitted.reference}
    assert references(kind="initial") == set()
    assert references(updated_since=(timezone.now() + datetime.timedelta(hours=1)).isoformat()) == set()
    body = assert_problem(api_get(client, APPLICATIONS, key, status="lost", stauts="draft"), 400, "invalid")
    assert set(body["errors"]) == {"status"}


def test_another_mps_application_is_a_404_and_never_listed(client, key, changed_roles):
    assert_problem(api_get(client, f"{APPLICATIONS}/{changed_roles.reference}", key), 404, "not_found")
    assert_problem(api_get(client, f"{APPLICATIONS}/REG-NOPE", key), 404, "not_found")
    assert api_get(client, APPLICATIONS, key).json()["results"] == []


def test_the_list_pages_with_a_cursor_newest_first(client, key, kit, participant, ar):
    made = [
        kit.start(participant, ar, kind=ApplicationKind.REVISION, changes=[change]).reference
        for change in ("name", "contacts", "banking")
    ]
    first = api_get(client, APPLICATIONS, key, page_size=2).json()
    seen = [row["reference"] for row in first["results"]]
    second = client.get(first["next"], headers={"Authorization": f"Bearer {key.raw}"}).json()
    seen += [row["reference"] for row in second["results"]]
    assert seen == made[::-1]
    assert second["next"] is None


def test_the_list_costs_the_same_queries_for_a_few_and_for_many_applications(
    client, prospect_key, kit, prospect, prospect_ar, django_assert_max_num_queries
):
    def add():
        application = kit.start(prospect, prospect_ar, roles=["REP", "QSE"])
        document_upload(actor=prospect_ar, line=line(application, "sfa"), upload=pdf("sfa.pdf"))

    add()
    # the key (and its last use), the page, the roles, the lines with requirements, their documents, the roles'
    # requirements, Form E, the call log
    with django_assert_max_num_queries(9):
        assert len(api_get(client, APPLICATIONS, prospect_key).json()["results"]) == 1
    for _ in range(15):
        add()
    with django_assert_max_num_queries(9):
        assert len(api_get(client, APPLICATIONS, prospect_key).json()["results"]) == 16


@pytest.mark.parametrize("url", [APPLICATIONS, APPLICATIONS + "/{reference}"])
def test_no_key_an_expired_or_a_revoked_key_is_a_401(client, prospect, changed_roles, url):
    url = url.format(reference=changed_roles.reference)
    scopes = [ApiScope.READ_REGISTRATION]
    expired = ApiKeyFactory(
        participant=prospect, scopes=scopes, expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    revoked = ApiKeyFactory(participant=prospect, scopes=scopes, revoked_at=timezone.now())
    for key in (None, expired, revoked):
        assert_problem(api_get(client, url, key), 401, "not_authenticated")


@pytest.mark.parametrize("url", [APPLICATIONS, APPLICATIONS + "/{reference}"])
def test_a_key_without_the_registration_scope_gets_403(client, prospect, changed_roles, url):
    key = ApiKeyFactory(participant=prospect, scopes=[ApiScope.READ_QUALIFICATION, ApiScope.READ_CASES])
    body = assert_problem(api_get(client, url.format(reference=changed_roles.reference), key), 403, "scope_missing")
    assert "registration:read" in body["detail"]
