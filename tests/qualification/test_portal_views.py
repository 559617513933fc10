"""The participant portal's qualification pages: isolation, criteria, letters, tasks, the connectivity form,
and bounded queries on the page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qualification.models import (
    ChangeKind,
    ConnectivitySpec,
    ConnectivityTest,
    EnrollmentStatus,
    QualificationLetter,
)
from qualification.services import enrollment_record_without_letter, enrollment_start_testing, flight_create

from .conftest import first_of_month, pdf_text

pytestmark = pytest.mark.django_db

HOME = reverse("portal:qualification")
SPEC = reverse("portal:connectivity-spec")
FINGERPRINT = "ab" * 32
VALID_SPEC = {
    "endpoint_url": "https://edi.sundance.example/naesb",
    "protocol": "NAESB EDM",
    "certificate_fingerprint": FINGERPRINT,
    "contact_name": "Tina Tech",
    "contact_email": "tina.tech@sundance.example",
    "contact_phone": "(512) 555-0142",
}


def letter_url(letter) -> str:
    return reverse("portal:letter-download", args=[letter.pk])


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def rep_letter(q, rep, oncor, centerpoint):
    """The current REP's new-territory letter (tested with two TDSPs)."""
    return q.issue(q.ready(rep, [oncor, centerpoint]))


@pytest.fixture
def lse_letter(q, ready_lse, oncor):
    """The new LSE's letter: it starts the certificate, specifications and connectivity tasks."""
    return q.issue(q.ready(ready_lse, [oncor], change=ChangeKind.NEW_ENTITY))


# --- access ---------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client, rep_letter):
    for url in (HOME, SPEC, letter_url(rep_letter)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_staff_get_403_on_portal_pages(client, retail_ops, rep_letter):
    signed_in(client, retail_ops)
    for url in (HOME, SPEC, letter_url(rep_letter)):
        assert client.get(url).status_code == 403, url
    assert client.post(SPEC, VALID_SPEC).status_code == 403


def test_another_mps_letter_is_a_404_and_never_listed(client, rep, rep_letter, lse_letter, ready_lse):
    signed_in(client, rep.people["ar"])

    assert client.get(letter_url(lse_letter)).status_code == 404
    assert client.get(letter_url(rep_letter)).status_code == 200

    page = client.get(HOME).content.decode()
    assert rep_letter.number in page
    assert lse_letter.number not in page
    assert ready_lse.legal_name not in page
    assert "Production digital certificate" not in page  # the LSE's task, not the REP's

    # And the other way round.
    client.force_login(ready_lse.people["ar"])
    assert client.get(letter_url(rep_letter)).status_code == 404
    page = client.get(HOME).content.decode()
    assert lse_letter.number in page and rep_letter.number not in page


def test_connectivity_form_shows_only_the_users_own_specifications(client, rep, lse_letter, ready_lse):
    signed_in(client, ready_lse.people["ar"])
    client.post(SPEC, VALID_SPEC)

    signed_in(client, rep.people["ar"])
    page = client.get(SPEC).content.decode()
    assert VALID_SPEC["endpoint_url"] not in page
    assert not ConnectivitySpec.objects.filter(participant=rep).exists()


# --- the page -----------------------------------------------------------------------------------------


def test_empty_state_for_an_mp_with_no_flights(client, mp_user):
    response = signed_in(client, mp_user).get(HOME)
    assert response.status_code == 200
    assert "You are not enrolled in a testing flight" in response.content.decode()


def test_flights_results_and_plain_words(client, q, rep, oncor, centerpoint, rep_letter, flight_admin):
    # A banking change, recorded without a letter, next to the letter already sent.
    banking = q.ready(rep, [oncor], change=ChangeKind.BANKING)
    enrollment_record_without_letter(actor=q.retail_ops, enrollment=banking)
    functionality = q.enroll(rep, change=ChangeKind.NEW_FUNCTIONALITY)

    page = signed_in(client, rep.people["ar"]).get(HOME).content.decode()

    flight = q.flight
    assert str(flight) in page
    assert (
        f"Letter {rep_letter.number} sent on {rep_letter.issued_on:%b} {rep_letter.issued_on.day}, {rep_letter.issued_on.year}"
        in page
    )
    assert "Banking change recorded: no letter is issued" in page
    assert f"Enrolled in {flight} — testing starts {flight.start_date:%b} {flight.start_date.day}" in page
    assert "Current Market Participant" in page
    assert oncor.legal_name in page and centerpoint.legal_name in page  # partners of the result
    assert "Enrollment / switch" in page  # business functions tested
    assert "and 4 contacts of your TDSP trading partners" in page  # copies: AR + BAR of two TDSPs
    assert functionality.status == EnrollmentStatus.ENROLLED


def test_criteria_met_and_missing_for_a_new_lse(client, q, new_lse, facts, oncor):
    facts.sfa(new_lse, processed=False)  # signed, not yet processed by Legal
    facts.puct(new_lse)
    facts.qse_ack(new_lse)
    q.ready(new_lse, [oncor], change=ChangeKind.NEW_ENTITY)

    page = signed_in(client, new_lse.people["ar"]).get(HOME).content.decode()

    assert "Registration criteria for your letter" in page
    assert "Letter on hold" in page
    assert "Testing completed — your letter waits for the registration criteria" in page
    assert "Your SFA is signed but not yet processed by ERCOT Legal" in page
    sfa_item = page.split('id="criterion-sfa"')[1].split("</li>")[0]
    puct_item = page.split('id="criterion-puct"')[1].split("</li>")[0]
    ack_item = page.split('id="criterion-qse_ack"')[1].split("</li>")[0]
    assert "Missing" in sfa_item
    assert "Met" in puct_item and "Missing" not in puct_item
    assert "Met" in ack_item and "Missing" not in ack_item
    assert "Source: Registration: SFA" in page
    home = client.get(reverse("portal:home")).content.decode()
    assert "Testing completed — your letter waits for the registration criteria" in home
    assert "See what is missing" in home

    # Legal processes the SFA: every criterion is met and Retail Operations prepares the letter.
    facts.sfa(new_lse, processed=True)
    page = client.get(HOME).content.decode()
    assert "All met" in page and "Letter on hold" not in page
    assert "ERCOT Retail Operations is preparing your letter" in page


def test_criteria_say_what_to_do_when_nothing_is_on_file(client, q, new_lse):
    q.enroll(new_lse, change=ChangeKind.NEW_ENTITY)
    page = signed_in(client, new_lse.people["ar"]).get(HOME).content.decode()
    assert "Sign the Standard Form Market Participant Agreement" in page
    assert "Send ERCOT your PUCT certification" in page
    assert "Submit the QSE Acknowledgement (Form H)" in page


def test_no_criteria_for_a_current_mp(client, rep, rep_letter):
    page = signed_in(client, rep.people["ar"]).get(HOME).content.decode()
    assert "Registration criteria for your letter" not in page


# --- letters ---------------------------------------------------------------------------------------------


def test_letter_downloads_as_a_pdf_with_the_mps_name(client, lse_letter, ready_lse):
    response = signed_in(client, ready_lse.people["bar"]).get(letter_url(lse_letter))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{lse_letter.filename}"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    text = pdf_text(b"".join(response.streaming_content))
    assert ready_lse.legal_name in text
    assert lse_letter.number in text


# --- tasks -------------------------------------------------------------------------------------------------


def test_tasks_after_a_new_mps_letter(client, lse_letter, ready_lse):
    ar = ready_lse.people["ar"]
    page = signed_in(client, ar).get(HOME).content.decode()

    # The certificate request, for the User Security Administrator.
    assert "Production digital certificate" in page
    assert ready_lse.people["usa"].full_name in page
    assert "Requested" in page
    # The specifications task links to the form.
    assert "Update your production connectivity specifications" in page
    assert f'href="{SPEC}"' in page
    # The connectivity test waits for the specifications; then the AR submits its Service Desk ticket.
    test = ConnectivityTest.objects.get(participant=ready_lse)
    assert test.service_request is None
    assert "Update your production connectivity specifications first" in page

    # The form: submitted, the task is done, the page says so.
    response = client.get(SPEC)
    assert response.status_code == 200
    assert 'value="NAESB EDM"' in response.content.decode()
    response = client.post(SPEC, VALID_SPEC, follow=True)
    assert response.redirect_chain[-1][0] == HOME
    page = response.content.decode()
    assert "Your production connectivity specifications were saved" in page
    assert "Update your production connectivity specifications" not in page
    assert "Review or change them" in page

    spec = ConnectivitySpec.objects.get(participant=ready_lse)
    assert spec.status == ConnectivitySpec.Status.SUBMITTED
    assert spec.endpoint_url == VALID_SPEC["endpoint_url"]
    assert spec.certificate_fingerprint == ":".join(["AB"] * 32)
    assert spec.updated_by == ar

    # Coming back shows what was saved.
    page = client.get(SPEC).content.decode()
    assert VALID_SPEC["endpoint_url"] in page and spec.certificate_fingerprint in page


def test_a_fingerprint_with_colons_is_accepted(client, lse_letter, ready_lse):
    signed_in(client, ready_lse.people["ar"])
    colons = ":".join(["9f"] * 32)
    response = client.post(SPEC, {**VALID_SPEC, "certificate_fingerprint": colons})
    assert response.status_code == 302
    assert ConnectivitySpec.objects.get(participant=ready_lse).certificate_fingerprint == colons.upper()


def test_bad_connectivity_input_keeps_what_was_typed(client, lse_letter, ready_lse):
    signed_in(client, ready_lse.people["ar"])
    typed = {
        **VALID_SPEC,
        "endpoint_url": "http://edi.sundance.example/naesb",
        "certificate_fingerprint": "not-a-fingerprint-12",
        "contact_name": "Tina Tech the Second",
    }
    response = client.post(SPEC, typed)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a full https:// URL" in page
    assert "SHA-256 fingerprint" in page and "64 hexadecimal digits" in page
    for value in (
        "http://edi.sundance.example/naesb",
        "not-a-fingerprint-12",
        "Tina Tech the Second",
        "tina.tech@sundance.example",
    ):
        assert f'value="{value}"' in page, value
    spec = ConnectivitySpec.objects.get(participant=ready_lse)
    assert spec.status == ConnectivitySpec.Status.REQUESTED
    assert spec.endpoint_url == ""


def test_a_short_fingerprint_is_refused(client, lse_letter, ready_lse):
    signed_in(client, ready_lse.people["ar"])
    response = client.post(SPEC, {**VALID_SPEC, "certificate_fingerprint": "ab" * 20})
    assert response.status_code == 400
    assert ConnectivitySpec.objects.get(participant=ready_lse).status == ConnectivitySpec.Status.REQUESTED


# --- the home card --------------------------------------------------------------------------------------------


def test_home_card_shows_flight_letters_and_tasks(client, lse_letter, ready_lse):
    page = signed_in(client, ready_lse.people["ar"]).get(reverse("portal:home")).content.decode()
    assert "Qualification to production" in page
    assert str(lse_letter.enrollment.flight) in page
    assert f"Letter {lse_letter.number} sent on" in page
    assert "qualification letter" in page
    assert "3</span><span" in page.replace("\n", "")  # certificate, specifications, connectivity test
    assert f'href="{HOME}#tasks"' in page


def test_home_card_is_absent_without_qualification(client, mp_user):
    page = signed_in(client, mp_user).get(reverse("portal:home")).content.decode()
    assert "Qualification to production" not in page


# --- bounded queries --------------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_one_and_six_enrollments(client, q, rep, oncor, centerpoint, flight_admin):
    signed_in(client, rep.people["ar"])
    q.issue(q.ready(rep, [oncor, centerpoint]))
    client.get(HOME)  # warm the session
    client.get(reverse("portal:home"))  # and the caches the home's cards read (the holiday calendar)
    one = _queries(client, HOME)
    one_home = _queries(client, reverse("portal:home"))

    q.issue(q.ready(rep, [oncor], change=ChangeKind.NEW_FUNCTIONALITY))
    enrollment_record_without_letter(
        actor=q.retail_ops, enrollment=q.ready(rep, [centerpoint], change=ChangeKind.BANKING)
    )
    enrollment_record_without_letter(
        actor=q.retail_ops, enrollment=q.ready(rep, [oncor], change=ChangeKind.SERVICE_PROVIDER)
    )
    start = first_of_month(timezone.localdate(), 3)
    later = flight_create(
        actor=flight_admin,
        start_date=start,
        end_date=start + datetime.timedelta(days=27),
        application_deadline=start - datetime.timedelta(days=14),
        registration_deadline=start - datetime.timedelta(days=30),
    )
    enrollment_start_testing(actor=flight_admin, enrollment=q.enroll(rep, flight=later))
    q.fail(q.enroll(rep, change=ChangeKind.NEW_FUNCTIONALITY, flight=later), [oncor])
    assert rep.enrollments.count() == 6
    assert QualificationLetter.objects.filter(enrollment__participant=rep).count() == 2
    assert ConnectivityTest.objects.filter(participant=rep, service_request__isnull=True).count() == 1  # ticket due

    six = _queries(client, HOME)
    page = client.get(HOME).content.decode()
    assert len(re.findall(r'id="enrollment-\d+"', page)) == 6
    assert six == one, (one, six)
    assert _queries(client, reverse("portal:home")) == one_home
