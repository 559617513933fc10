"""The qualification endpoints: the key's MP's enrollments (status, the portal's headline, result, letter), its
letters and a letter's PDF (as the portal's download); isolation and bounded queries."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from api.models import ApiScope
from qualification.models import ChangeKind, EnrollmentStatus
from tests.accounts.factories import MembershipFactory, ParticipantFactory
from tests.qualification.factories import EnrollmentFactory, FlightResultFactory, QualificationLetterFactory

from .conftest import api_get, assert_problem
from .factories import ApiKeyFactory

pytestmark = pytest.mark.django_db

ENROLLMENTS = "/api/v1/qualification/enrollments"
LETTERS = "/api/v1/qualification/letters"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def key(participant):
    return ApiKeyFactory(participant=participant, scopes=[ApiScope.READ_QUALIFICATION])


def letter_for(participant, **enrollment):
    """A letter of an enrollment of ``participant`` that was tested and handed over, with its PDF stored."""
    result = FlightResultFactory(
        enrollment__participant=participant, enrollment__status=EnrollmentStatus.LETTER_SENT, **enrollment
    )
    result.trading_partners.set([ParticipantFactory(role_codes=["TDSP"], legal_name="Oncor Electric Delivery")])
    letter = QualificationLetterFactory(enrollment=result.enrollment)
    letter.pdf.save(f"{letter.number}.pdf", ContentFile(PDF), save=True)
    return letter


@pytest.fixture
def qualification(participant, other_participant):
    """The MP: a letter for a new territory, an enrollment in testing, a banking change recorded without a letter.
    Another MP has a letter too."""
    return {
        "letter": letter_for(
            participant,
            enrollment__participant_kind="current",
            enrollment__change_kind=ChangeKind.NEW_TERRITORY,
            notes="Tested with Oncor on two days.",
        ),
        "testing": EnrollmentFactory(participant=participant, status=EnrollmentStatus.TESTING),
        "recorded": EnrollmentFactory(
            participant=participant, current=True, change_kind=ChangeKind.BANKING, status=EnrollmentStatus.RECORDED
        ),
        "theirs": letter_for(other_participant),
    }


def test_enrollments_are_the_mps_with_the_portals_headline_result_and_letter(client, key, participant, qualification):
    body = api_get(client, ENROLLMENTS, key).json()
    by_id = {row["id"]: row for row in body["results"]}
    letter = qualification["letter"]
    assert set(by_id) == {letter.enrollment_id, qualification["testing"].pk, qualification["recorded"].pk}

    member = MembershipFactory(participant=participant).user
    client.force_login(member)
    portal_rows = client.get(reverse("portal:qualification")).context["rows"]
    assert {row.enrollment.pk: (row.headline, row.explanation) for row in portal_rows} == {
        pk: (row["headline"], row["explanation"]) for pk, row in by_id.items()
    }

    tested = by_id[letter.enrollment_id]
    assert tested["status"] == "letter_sent"
    assert tested["result"]["completed"] is True
    assert tested["result"]["trading_partners"] == ["Oncor Electric Delivery"]
    assert tested["result"]["notes"] == "Tested with Oncor on two days."
    assert tested["letter"]["number"] == letter.number
    assert by_id[qualification["recorded"].pk]["produces_letter"] is False
    assert by_id[qualification["testing"].pk]["result"] is None
    assert by_id[qualification["testing"].pk]["letter"] is None


def test_letters_are_the_mps_with_their_metadata(client, key, qualification):
    letter = qualification["letter"]
    body = api_get(client, LETTERS, key).json()
    assert [row["number"] for row in body["results"]] == [letter.number]
    row = body["results"][0]
    assert row["filename"] == letter.filename
    assert row["flight"] == letter.enrollment.flight.name
    assert row["change_kind"] == ChangeKind.NEW_TERRITORY
    assert row["pdf_url"].endswith(f"{LETTERS}/{letter.pk}/pdf")
    assert api_get(client, f"{LETTERS}/{letter.pk}", key).json() == row


def test_a_letters_pdf_downloads_as_the_portals_does(client, key, qualification):
    letter = qualification["letter"]
    response = api_get(client, f"{LETTERS}/{letter.pk}/pdf", key)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{letter.filename}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_another_mps_letter_is_a_404_and_never_listed(client, key, qualification):
    theirs = qualification["theirs"]
    for url in (f"{LETTERS}/{theirs.pk}", f"{LETTERS}/{theirs.pk}/pdf", f"{LETTERS}/{2**40}", f"{LETTERS}/0"):
        assert_problem(api_get(client, url, key), 404, "not_found")
    assert theirs.number not in api_get(client, LETTERS, key).content.decode()
    assert theirs.enrollment_id not in {row["id"] for row in api_get(client, ENROLLMENTS, key).json()["results"]}


def test_the_lists_page_with_a_cursor(client, key, participant):
    made = {EnrollmentFactory(participant=participant).pk for _ in range(5)}
    first = api_get(client, ENROLLMENTS, key, page_size=2).json()
    seen = [row["id"] for row in first["results"]]
    assert len(seen) == 2
    next_url = first["next"]
    while next_url:
        page = client.get(next_url, headers={"Authorization": f"Bearer {key.raw}"}).json()
        seen += [row["id"] for row in page["results"]]
        next_url = page["next"]
    assert sorted(seen) == sorted(made)
    assert_problem(api_get(client, LETTERS, key, cursor="forged"), 400, "invalid")
    assert set(assert_problem(api_get(client, ENROLLMENTS, key, status="x"), 400, "invalid")["errors"]) == {"status"}


def test_the_lists_cost_the_same_queries_for_a_few_and_for_many_enrollments(
    client, key, participant, django_assert_max_num_queries
):
    def add_letter():
        letter_for(participant)

    add_letter()
    # the key (and its last use), the enrollments with flight, result and letter, partners, functions, the MP's
    # roles, the criteria (roles, enrollments as a new MP, three facts), the call log
    with django_assert_max_num_queries(12) as few:
        assert len(api_get(client, ENROLLMENTS, key).json()["results"]) == 1
    with django_assert_max_num_queries(4):  # the key, the letters with enrollment, flight and MP, the call log
        assert len(api_get(client, LETTERS, key).json()["results"]) == 1
    for _ in range(20):
        add_letter()
    with django_assert_max_num_queries(len(few)):
        assert len(api_get(client, ENROLLMENTS, key).json()["results"]) == 21
    with django_assert_max_num_queries(4):
        assert len(api_get(client, LETTERS, key).json()["results"]) == 21


ENDPOINTS = [ENROLLMENTS, LETTERS, LETTERS + "/{pk}", LETTERS + "/{pk}/pdf"]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_no_key_an_expired_or_a_revoked_key_is_a_401(client, participant, qualification, url):
    url = url.format(pk=qualification["letter"].pk)
    scopes = [ApiScope.READ_QUALIFICATION]
    expired = ApiKeyFactory(
        participant=participant, scopes=scopes, expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    revoked = ApiKeyFactory(participant=participant, scopes=scopes, revoked_at=timezone.now())
    for key in (None, expired, revoked):
        assert_problem(api_get(client, url, key), 401, "not_authenticated")


@pytest.mark.parametrize("url", ENDPOINTS)
def test_a_key_without_the_qualification_scope_gets_403(client, participant, qualification, url):
    key = ApiKeyFactory(participant=participant, scopes=[ApiScope.READ_REGISTRATION, ApiScope.READ_NOTICES])
    body = assert_problem(api_get(client, url.format(pk=qualification["letter"].pk), key), 403, "scope_missing")
    assert "qualification:read" in body["detail"]
