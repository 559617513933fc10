"""The staff side of qualification through its pages (seed 004): flights and the board, enrolling
(deadline refusals and the Flight Administrator's override), recording and handing over results,
the criteria gate, issuing and sending letters, records without a letter, resends, the Retail
Operations queue and the letter delivery report.

Data is built through the services, as the Flight Administrator, Retail Operations and Legal would.
"""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import ContactRole, MarketParticipant, ServiceTerritory
from accounts.roles import StaffGroup
from qualification import services
from qualification.models import (
    BusinessFunction,
    ChangeKind,
    Enrollment,
    EnrollmentStatus,
    Flight,
    LetterDelivery,
    ParticipantKind,
    QualificationLetter,
)
from registration import services as registration_services
from tests.accounts.factories import ParticipantFactory, StaffFactory
from tests.qualification.conftest import add_contacts

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LETTER_SUBJECT = "ERCOT qualification letter"


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _plain(response) -> str:
    """The page's text without tags."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _letter_mails(mailoutbox):
    return [m for m in mailoutbox if m.subject.startswith(LETTER_SUBJECT)]


# --- people and MPs ------------------------------------------------------------------------------------------------


@pytest.fixture
def flight_admin(db):
    return StaffFactory(full_name="Angela Brooks", groups=[StaffGroup.FLIGHT_ADMINISTRATOR])


@pytest.fixture
def retail_ops(db):
    return StaffFactory(
        full_name="Tomas Herrera", groups=[StaffGroup.RETAIL_OPERATIONS], job_title="Retail Market Operations"
    )


@pytest.fixture
def territories(db):
    return list(ServiceTerritory.objects.order_by("code")[:2])


@pytest.fixture
def tdsps(account_manager, territories):
    return [
        ParticipantFactory(
            name="WIRESCO",
            role_codes=["TDSP"],
            account_manager=account_manager,
            territories=territories[:1],
            contacts=["ar", "bar"],
        ),
        ParticipantFactory(
            name="POLELINE",
            role_codes=["TDSP"],
            account_manager=account_manager,
            territories=territories[1:2],
            contacts=["ar", "bar"],
        ),
    ]


@pytest.fixture
def other_tdsp(account_manager):
    return ParticipantFactory(
        name="FARWIRE", role_codes=["TDSP"], account_manager=account_manager, contacts=["ar", "bar"]
    )


@pytest.fixture
def rep(account_manager, territories):
    return ParticipantFactory(
        name="SUNRETAIL",
        role_codes=["REP"],
        account_manager=account_manager,
        territories=territories,
        contacts=["ar", "bar"],
    )


@pytest.fixture
def qse(account_manager):
    return ParticipantFactory(name="SCHEDCO", role_codes=["QSE"], account_manager=account_manager)


@pytest.fixture
def flight(flight_admin):
    return services.flight_create(
        actor=flight_admin,
        start_date=TODAY + datetime.timedelta(days=30),
        end_date=TODAY + datetime.timedelta(days=60),
        application_deadline=TODAY + datetime.timedelta(days=10),
        registration_deadline=TODAY + datetime.timedelta(days=10),
    )


@pytest.fixture
def closed_flight(flight_admin):
    """A flight whose application deadline passed yesterday (it starts in five days)."""
    return services.flight_create(
        actor=flight_admin,
        start_date=TODAY + datetime.timedelta(days=5),
        end_date=TODAY + datetime.timedelta(days=40),
        application_deadline=TODAY - datetime.timedelta(days=1),
        registration_deadline=TODAY - datetime.timedelta(days=1),
    )


def functions(*codes):
    qs = BusinessFunction.objects.all()
    return list(qs.filter(code__in=codes) if codes else qs[:3])


def enroll(flight, participant, actor, *, kind=ParticipantKind.CURRENT, change=ChangeKind.NEW_TERRITORY):
    return services.enrollment_create(
        actor=actor, flight=flight, participant=participant, participant_kind=kind, change_kind=change
    )


def complete(enrollment, flight_admin, partners, *, hand_over=True):
    services.result_record(
        actor=flight_admin,
        enrollment=enrollment,
        completed=True,
        trading_partners=partners,
        business_functions=functions(),
        tested_on=TODAY,
    )
    if hand_over:
        services.result_hand_over(actor=flight_admin, enrollment=enrollment)
    return Enrollment.objects.get(pk=enrollment.pk)


def facts(participant, actor, qse, *, sfa=True, puct=True, ack_processed=True, qse_qualified=True):
    """Registration facts as Legal processed them (through the registration services)."""
    registration_services.sfa_record(
        actor=actor, participant=participant, signed_on=TODAY - datetime.timedelta(days=40), processed_by_legal=sfa
    )
    if puct:
        registration_services.puct_record(
            actor=actor,
            participant=participant,
            certificate_number=f"PUCT-{participant.pk:05d}",
            issued_on=TODAY - datetime.timedelta(days=30),
        )
    registration_services.qse_load_qualification_record(
        actor=actor, qse=qse, qualified=qse_qualified, reason="As tested."
    )
    registration_services.qse_acknowledgement_record(
        actor=actor, participant=participant, qse=qse, processed_by_legal=ack_processed
    )


def action(enrollment, name):
    return reverse("workspace:enrollment-action", args=[enrollment.pk, name])


# --- who may open what -------------------------------------------------------------------------------------------------


@pytest.fixture
def issued(rep, tdsps, flight, flight_admin, retail_ops, django_capture_on_commit_callbacks):
    enrollment = complete(enroll(flight, rep, flight_admin), flight_admin, tdsps)
    with django_capture_on_commit_callbacks(execute=True):
        letter = services.letter_issue(actor=retail_ops, enrollment=enrollment)
    return letter


def _all_urls(flight, enrollment, letter, delivery):
    return {
        "get": [
            reverse("workspace:flights"),
            reverse("workspace:flight-new"),
            reverse("workspace:flight-detail", args=[flight.name]),
            reverse("workspace:enrollment-new") + f"?flight={flight.name}",
            reverse("workspace:enrollment-detail", args=[enrollment.pk]),
            reverse("workspace:retail-ops-queue"),
            reverse("workspace:letters"),
            reverse("workspace:letters") + "?format=csv",
            reverse("workspace:letter-download", args=[letter.pk]),
        ],
        "post": [
            reverse("workspace:flight-new"),
            reverse("workspace:enrollment-new"),
            *[
                action(enrollment, name)
                for name in ("start-testing", "result", "hand-over", "issue-letter", "record-no-letter", "withdraw")
            ],
            reverse("workspace:delivery-resend", args=[delivery.pk]),
            reverse("workspace:certificate-advance", args=[1]),
            reverse("workspace:connectivity-record", args=[1]),
        ],
    }


def test_anonymous_users_are_sent_to_sign_in_everywhere(client, issued):
    enrollment, delivery = issued.enrollment, issued.deliveries.first()
    urls = _all_urls(enrollment.flight, enrollment, issued, delivery)
    for url in urls["get"]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], url
    for url in urls["post"]:
        response = client.post(url, {})
        assert response.status_code == 302 and reverse("login") in response["Location"], url


def test_participant_users_get_403_everywhere(client, issued, mp_user):
    enrollment, delivery = issued.enrollment, issued.deliveries.first()
    # Even an AR of the letter's own MP: the workspace is for staff (the portal has its own download).
    ar = enrollment.participant.memberships.first().user
    for user in (mp_user, ar):
        client.force_login(user)
        urls = _all_urls(enrollment.flight, enrollment, issued, delivery)
        for url in urls["get"]:
            assert client.get(url).status_code == 403, url
        for url in urls["post"]:
            assert client.post(url, {}).status_code == 403, url


def test_unknown_action_is_404(client, flight_admin, flight, rep):
    enrollment = enroll(flight, rep, flight_admin)
    client.force_login(flight_admin)
    assert client.post(action(enrollment, "approve-everything")).status_code == 404


def test_flight_create_is_for_flight_administrators(client, flight_admin, staff_user, retail_ops):
    start = TODAY.replace(day=1) + datetime.timedelta(days=400)
    data = {
        "start_date": start.isoformat(),
        "end_date": (start + datetime.timedelta(days=30)).isoformat(),
        "application_deadline": (start - datetime.timedelta(days=20)).isoformat(),
        "registration_deadline": (start - datetime.timedelta(days=10)).isoformat(),
        "notes": "",
    }
    for user in (staff_user, retail_ops):
        client.force_login(user)
        assert client.get(reverse("workspace:flight-new")).status_code == 403
        assert client.post(reverse("workspace:flight-new"), data).status_code == 403
    assert not Flight.objects.exists()

    client.force_login(flight_admin)
    response = client.post(reverse("workspace:flight-new"), data)
    flight = Flight.objects.get()
    assert flight.name == f"{start:%m%y}"
    assert response.status_code == 302 and response["Location"] == flight.get_absolute_url()

    # A second flight in the same month: the service's refusal is shown, what was typed is kept.
    response = client.post(reverse("workspace:flight-new"), data)
    assert response.status_code == 400
    assert "already exists" in _text(response)
    assert f'value="{start.isoformat()}"' in response.content.decode()


def test_flight_list_counts_enrollments_by_status(
    client, staff_user, flight, flight_admin, rep, tdsps, account_manager
):
    complete(enroll(flight, rep, flight_admin), flight_admin, tdsps)
    enroll(
        flight,
        ParticipantFactory(name="ALPHA", role_codes=["REP"], account_manager=account_manager, contacts=["ar", "bar"]),
        flight_admin,
    )
    client.force_login(staff_user)
    response = client.get(reverse("workspace:flights"))
    assert response.status_code == 200
    listed = response.context["current"]
    assert [f.pk for f in listed] == [flight.pk]
    assert listed[0].total == 2 and listed[0].n_enrolled == 1 and listed[0].n_handed_over == 1
    text = _plain(response)
    assert "Ready for Retail Operations 1" in text and "Enrolled 1" in text
    assert "New flight" not in text  # only a Flight Administrator creates flights


# --- the flight board ---------------------------------------------------------------------------------------------------


def _board_queries(client, flight) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("workspace:flight-detail", args=[flight.name]))
    assert response.status_code == 200
    return len(queries), response


def _populate_board(flight, count, flight_admin, retail_ops, tdsps, account_manager, start=0):
    for i in range(start, start + count):
        mp = ParticipantFactory(
            name=f"BOARD{i:02d}", role_codes=["REP"], account_manager=account_manager, contacts=["ar"]
        )
        enrollment = enroll(flight, mp, flight_admin)
        if i % 3 == 1:
            complete(enrollment, flight_admin, tdsps, hand_over=False)
        elif i % 3 == 2:
            enrollment = complete(enrollment, flight_admin, tdsps)
            services.letter_issue(actor=retail_ops, enrollment=enrollment)


def test_board_groups_cards_by_status_with_bounded_queries(
    client, staff_user, flight, flight_admin, retail_ops, tdsps, account_manager
):
    _populate_board(flight, 3, flight_admin, retail_ops, tdsps, account_manager)
    client.force_login(staff_user)
    few, response = _board_queries(client, flight)
    columns = {c.status: c for c in response.context["columns"]}
    assert [c.label for c in response.context["columns"]] == [
        "Enrolled",
        "Testing",
        "Failed",
        "Ready for Retail Operations",
        "Letter sent",
        "Recorded",
        "Withdrawn",
    ]
    assert len(columns[EnrollmentStatus.ENROLLED].cards) == 1
    assert len(columns[EnrollmentStatus.TESTING].cards) == 1
    sent = columns[EnrollmentStatus.LETTER_SENT].cards
    assert len(sent) == 1 and sent[0].partners_count == 2
    text = _text(response)
    assert sent[0].letter.number in text and "2 partners" in text
    assert sent[0].get_absolute_url() in response.content.decode()

    _populate_board(flight, 27, flight_admin, retail_ops, tdsps, account_manager, start=3)
    many, response = _board_queries(client, flight)
    assert sum(len(c.cards) for c in response.context["columns"]) == 30
    assert many == few, f"the board ran {many} queries for 30 enrollments and {few} for 3"


def test_board_offers_enrolling_with_the_flight_preselected(client, flight_admin, flight):
    client.force_login(flight_admin)
    response = client.get(reverse("workspace:flight-detail", args=[flight.name]))
    link = reverse("workspace:enrollment-new") + f"?flight={flight.name}"
    assert link in response.content.decode()
    response = client.get(link)
    assert response.status_code == 200
    assert response.context["form"].initial["flight"] == flight.pk
    assert "override_reason" in response.context["form"].fields


# --- enrolling --------------------------------------------------------------------------------------------------------------


def test_enrollment_after_the_deadline_is_refused_with_the_deadline(client, retail_ops, closed_flight, rep):
    client.force_login(retail_ops)
    page = client.get(reverse("workspace:enrollment-new"))
    assert "override_reason" not in page.context["form"].fields  # only a Flight Administrator may override
    response = client.post(
        reverse("workspace:enrollment-new"),
        {
            "flight": closed_flight.pk,
            "participant": rep.pk,
            "participant_kind": "current",
            "change_kind": "new_territory",
            "override_reason": "Please",
        },
    )
    assert response.status_code == 400
    text = _text(response)
    assert "Enrollment is closed" in text
    assert f"{closed_flight.application_deadline:%B %d, %Y}" in text
    assert not Enrollment.objects.exists()
    assert response.context["form"]["participant"].value() == str(rep.pk)  # what was typed is kept


def test_flight_administrator_enrolls_late_with_a_reason(client, flight_admin, closed_flight, rep):
    client.force_login(flight_admin)
    data = {
        "flight": closed_flight.pk,
        "participant": rep.pk,
        "participant_kind": "current",
        "change_kind": "new_territory",
    }
    response = client.post(reverse("workspace:enrollment-new"), data)
    assert response.status_code == 400 and "A Flight Administrator can enroll late with a recorded reason" in _text(
        response
    )

    response = client.post(
        reverse("workspace:enrollment-new"), {**data, "override_reason": "TDSP asked to add them to this flight"}
    )
    enrollment = Enrollment.objects.get()
    assert response.status_code == 302 and response["Location"] == enrollment.get_absolute_url()
    assert enrollment.late_override_reason == "TDSP asked to add them to this flight"
    assert enrollment.enrolled_by == flight_admin
    page = client.get(enrollment.get_absolute_url())
    assert "TDSP asked to add them to this flight" in _text(page)


def test_new_mp_is_enrolled_as_a_new_entity(client, flight_admin, flight, account_manager):
    lse = ParticipantFactory(
        name="NEWLSE", role_codes=["LSE", "REP"], account_manager=account_manager, contacts=["ar", "bar"]
    )
    client.force_login(flight_admin)
    response = client.post(
        reverse("workspace:enrollment-new"), {"flight": flight.pk, "participant": lse.pk, "participant_kind": "new"}
    )
    assert response.status_code == 302
    enrollment = Enrollment.objects.get()
    assert (enrollment.participant_kind, enrollment.change_kind) == (ParticipantKind.NEW, ChangeKind.NEW_ENTITY)


def _approved_revision(participant, ar, reviewer, changes):
    """A Notice of Change of Information, approved: drafted, documented, submitted, reviewed (registration services)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ercot_services.core.uploads import PDF_AND_IMAGES, check_upload
    from registration.models import Application, ApplicationKind

    rs = registration_services
    application = rs.application_start(
        actor=ar, participant=participant, kind=ApplicationKind.REVISION, change_types=changes
    )
    for line in application.requirements.select_related("requirement"):
        if line.requirement.needs_document:
            upload = check_upload(
                SimpleUploadedFile(
                    f"{line.requirement.code}.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
                ),
                max_bytes=10 * 1024 * 1024,
                allowed=PDF_AND_IMAGES,
            )
            rs.document_upload(actor=ar, line=line, upload=upload)
    rs.application_submit(actor=ar, application=application, attest=True)
    rs.application_start_review(actor=reviewer, application=application)
    for line in application.requirements.all():
        latest = line.documents.order_by("-version").first()
        if latest is not None:
            rs.document_review(actor=reviewer, document=latest, accept=True)
    return rs.application_approve(actor=reviewer, application=Application.objects.get(pk=application.pk))


def test_enrolling_from_an_approved_revision(client, flight_admin, retail_ops, flight, rep):
    ar = rep.memberships.get(contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE).user
    application = _approved_revision(rep, ar, retail_ops, ["banking", "new_functionality"])
    assert application.requires_testing
    client.force_login(flight_admin)
    page = client.get(reverse("workspace:enrollment-new") + f"?flight={flight.name}")
    assert application.reference in page.content.decode()
    response = client.post(reverse("workspace:enrollment-new"), {"flight": flight.pk, "application": application.pk})
    assert response.status_code == 302 and response["Location"] == flight.get_absolute_url()
    enrollments = Enrollment.objects.filter(application=application)
    assert {e.change_kind for e in enrollments} == {ChangeKind.BANKING, ChangeKind.NEW_FUNCTIONALITY}
    assert {e.participant_id for e in enrollments} == {rep.pk}
    # Enrolled applications are no longer offered.
    page = client.get(reverse("workspace:enrollment-new"))
    assert application.reference not in page.content.decode()


def test_account_manager_cannot_enroll(client, staff_user, flight, rep):
    client.force_login(staff_user)
    assert client.get(reverse("workspace:enrollment-new")).status_code == 403


# --- results and hand-over -------------------------------------------------------------------------------------------------


def test_flight_administrator_records_the_result_through_the_page(client, flight_admin, flight, rep, tdsps, other_tdsp):
    enrollment = enroll(flight, rep, flight_admin)
    client.force_login(flight_admin)
    page = client.get(enrollment.get_absolute_url())
    form = page.context["result_form"]
    # For a REP the TDSPs are checkboxes, labelled with their roles; those serving its territories are preselected.
    assert {pk for pk, _ in form.fields["tdsps"].choices} == {t.pk for t in [*tdsps, other_tdsp]}
    assert "WIRESCO — Wiresco Energy LLC (TDSP)" in page.content.decode()
    assert sorted(form.initial["tdsps"]) == sorted(t.pk for t in tdsps)
    # Any other MP through the picker, which renders only the chosen ones.
    assert 'data-participant-autocomplete="/workspace/' in page.content.decode()

    chosen = functions()
    response = client.post(
        action(enrollment, "result"),
        {
            "outcome": "completed",
            "trading_partners": [t.pk for t in tdsps],
            "business_functions": [f.pk for f in chosen],
            "tested_on": TODAY.isoformat(),
            "notes": "All scripts passed",
        },
    )
    assert response.status_code == 302
    enrollment.refresh_from_db()
    result = enrollment.result
    assert enrollment.status == EnrollmentStatus.TESTING and result.completed and result.recorded_by == flight_admin
    assert set(result.trading_partners.all()) == set(tdsps)
    assert set(result.business_functions.all()) == set(chosen)
    page = client.get(enrollment.get_absolute_url())
    assert "Hand over to Retail Operations" in _text(page)


def _result_post(partners, **extra):
    return {
        "outcome": "completed",
        "trading_partners": partners,
        "business_functions": [f.pk for f in functions()],
        "tested_on": TODAY.isoformat(),
        **extra,
    }


def test_result_merges_the_tdsp_checkboxes_and_the_picker(client, flight_admin, flight, rep, tdsps, other_tdsp):
    enrollment = enroll(flight, rep, flight_admin)
    qse = ParticipantFactory(short_name="SOMEQSE", legal_name="Some QSE LLC", role_codes=["QSE"])
    client.force_login(flight_admin)
    response = client.post(action(enrollment, "result"), _result_post([qse.pk], tdsps=[tdsps[0].pk]))
    assert response.status_code == 302
    result = Enrollment.objects.get(pk=enrollment.pk).result
    assert set(result.trading_partners.all()) == {tdsps[0], qse}
    # Edited again: the TDSPs come back as ticked checkboxes, the other MP as the picker's only option.
    page = client.get(enrollment.get_absolute_url())
    form = page.context["result_form"]
    assert form.initial["tdsps"] == [tdsps[0].pk] and form.initial["trading_partners"] == [qse.pk]
    html = page.content.decode()
    assert f'<option value="{qse.pk}" selected>SOMEQSE — Some QSE LLC</option>' in html


@pytest.mark.parametrize("outside", ["itself", "missing"])
def test_result_refuses_a_partner_outside_the_scope(client, flight_admin, flight, rep, tdsps, outside):
    enrollment = enroll(flight, rep, flight_admin)
    client.force_login(flight_admin)
    pk = rep.pk if outside == "itself" else 999_999
    for field in ("trading_partners", "tdsps"):
        data = _result_post([tdsps[0].pk])
        data[field] = [*data.get(field, []), pk]
        response = client.post(action(enrollment, "result"), data)
        assert response.status_code == 400
        assert response.context["result_form"].errors[field]
    assert not hasattr(Enrollment.objects.get(pk=enrollment.pk), "result")


def test_a_non_rep_chooses_every_partner_through_the_picker(client, flight_admin, flight, tdsps):
    qse = ParticipantFactory(short_name="QSEONLY", legal_name="QSE Only LLC", role_codes=["QSE"])
    add_contacts(qse, "qseonly.example", ar="Quinn Q", bar="Bea B")
    enrollment = enroll(flight, qse, flight_admin)
    client.force_login(flight_admin)
    page = client.get(enrollment.get_absolute_url())
    form = page.context["result_form"]
    assert "tdsps" not in form.fields
    assert tdsps[0].short_name not in page.content.decode()  # no MP is listed until chosen


@pytest.mark.usefixtures("no_queries_while_rendering")
def test_result_page_queries_do_not_grow_with_the_market(client, flight_admin, flight, rep, tdsps):
    enrollment = enroll(flight, rep, flight_admin)
    client.force_login(flight_admin)
    url = enrollment.get_absolute_url()
    client.get(url)  # warm per-session caches

    def count():
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url)
        assert page.status_code == 200 and page.context["result_form"] is not None
        return len(captured.captured_queries), len(page.content)

    small, small_size = count()
    existing = MarketParticipant.objects.count()
    MarketParticipant.objects.bulk_create(
        [
            MarketParticipant(short_name=f"MP{n:05d}", legal_name=f"Market Participant {n} LLC")
            for n in range(1000 - existing)
        ],
        batch_size=500,
    )
    large, large_size = count()
    assert large == small, f"{small} queries with {existing} MPs, {large} with 1,000"
    assert large <= 15, f"{large} queries"
    assert large_size - small_size < 2000, "the page grew with the number of MPs"
    assert "MP00001" not in client.get(url).content.decode()


def test_result_refusal_keeps_what_was_typed(client, flight_admin, flight, rep, tdsps):
    enrollment = enroll(flight, rep, flight_admin)
    client.force_login(flight_admin)
    response = client.post(
        action(enrollment, "result"),
        {
            "outcome": "completed",
            "trading_partners": [t.pk for t in tdsps],
            "tested_on": TODAY.isoformat(),
            "notes": "typed",
        },
    )
    assert response.status_code == 400
    assert "Name the business functions that were tested." in _text(response)
    assert response.context["result_form"]["notes"].value() == "typed"
    assert not hasattr(Enrollment.objects.get(pk=enrollment.pk), "result")


def test_failed_result(client, flight_admin, flight, rep):
    enrollment = enroll(flight, rep, flight_admin)
    client.force_login(flight_admin)
    response = client.post(action(enrollment, "result"), {"outcome": "failed", "tested_on": TODAY.isoformat()})
    assert response.status_code == 302
    assert Enrollment.objects.get(pk=enrollment.pk).status == EnrollmentStatus.FAILED


def test_only_the_flight_administrator_records_and_hands_over(
    client, retail_ops, staff_user, flight, flight_admin, rep, tdsps
):
    enrollment = enroll(flight, rep, flight_admin)
    for user in (retail_ops, staff_user):
        client.force_login(user)
        page = client.get(enrollment.get_absolute_url())
        assert page.context["result_form"] is None
        assert "The Flight Administrator records the result" in _text(page)
        response = client.post(action(enrollment, "result"), {"outcome": "failed", "tested_on": TODAY.isoformat()})
        assert response.status_code == 403
        assert client.post(action(enrollment, "hand-over")).status_code == 403
    assert not hasattr(Enrollment.objects.get(pk=enrollment.pk), "result")


def test_hand_over_through_the_page(
    client, flight_admin, flight, rep, tdsps, retail_ops, mailoutbox, django_capture_on_commit_callbacks
):
    enrollment = complete(enroll(flight, rep, flight_admin), flight_admin, tdsps, hand_over=False)
    client.force_login(flight_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action(enrollment, "hand-over"))
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.HANDED_OVER and enrollment.result.handed_over_at
    assert any(retail_ops.email in m.to and "Ready for a qualification letter" in m.subject for m in mailoutbox)
    # Handing over twice is refused with the reason, on the page.
    response = client.post(action(enrollment, "hand-over"))
    assert response.status_code == 400 and "cannot become" in _text(response)


def test_hand_over_needs_a_completed_result(client, flight_admin, flight, rep):
    enrollment = enroll(flight, rep, flight_admin)
    client.force_login(flight_admin)
    response = client.post(action(enrollment, "hand-over"))
    assert response.status_code == 400
    assert "Record a completed testing result before handing over" in _text(response)


# --- letters -------------------------------------------------------------------------------------------------------------------


def test_issuing_a_letter_for_a_rep_emails_its_ars_and_copies_each_tdsps(
    client, retail_ops, flight_admin, flight, rep, tdsps, mailoutbox, django_capture_on_commit_callbacks
):
    enrollment = complete(enroll(flight, rep, flight_admin), flight_admin, tdsps)
    client.force_login(retail_ops)
    page = client.get(enrollment.get_absolute_url())
    assert page.context["can_issue"] and not page.context["blockers"]
    text = _text(page)
    assert "Generate and send letter" in text
    for address in ("ar@sunretail.example", "bar@sunretail.example", "ar@wiresco.example", "bar@poleline.example"):
        assert address in text  # the recipients it will go to, before it is sent

    effective = TODAY + datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action(enrollment, "issue-letter"), {"effective_date": effective.isoformat()})
    assert response.status_code == 302
    letter = QualificationLetter.objects.get(enrollment=enrollment)
    assert letter.effective_date == effective and letter.generated_by == retail_ops
    assert f"Letter {letter.number} generated and queued to 6 recipients." in _messages(
        client.get(response["Location"])
    )

    deliveries = {d.email: d for d in letter.deliveries.all()}
    assert {e for e, d in deliveries.items() if d.kind == LetterDelivery.Kind.TO} == {
        "ar@sunretail.example",
        "bar@sunretail.example",
    }
    assert {e for e, d in deliveries.items() if d.kind == LetterDelivery.Kind.COPY} == {
        "ar@wiresco.example",
        "bar@wiresco.example",
        "ar@poleline.example",
        "bar@poleline.example",
    }
    assert all(d.status == LetterDelivery.Status.SENT and d.message_id for d in deliveries.values())

    mails = _letter_mails(mailoutbox)
    assert sorted(address for m in mails for address in m.to) == sorted(deliveries)
    for mail in mails:
        assert len(mail.to) == 1
        ((filename, content, mimetype),) = mail.attachments
        assert filename == letter.filename and mimetype == "application/pdf" and content.startswith(b"%PDF")

    # The page now shows the letter, its deliveries and a resend per delivery; the letter action is gone.
    page = client.get(enrollment.get_absolute_url())
    body = page.content.decode()
    assert reverse("workspace:letter-download", args=[letter.pk]) in body
    for delivery in deliveries.values():
        assert reverse("workspace:delivery-resend", args=[delivery.pk]) in body
        assert delivery.message_id.replace("<", "&lt;").replace(">", "&gt;") in body
    assert "Generate and send letter" not in _text(page)

    # A second issue is refused, nobody gets a second email.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action(enrollment, "issue-letter"))
    assert response.status_code == 400
    assert len(_letter_mails(mailoutbox)) == 6


def test_flight_administrator_cannot_issue_letters(client, flight_admin, flight, rep, tdsps):
    enrollment = complete(enroll(flight, rep, flight_admin), flight_admin, tdsps)
    client.force_login(flight_admin)
    page = client.get(enrollment.get_absolute_url())
    assert "Retail Operations generates and sends the letter" in _text(page)
    assert client.post(action(enrollment, "issue-letter")).status_code == 403
    assert not QualificationLetter.objects.exists()


def test_blocked_new_lse_shows_the_missing_criterion_and_the_letter_is_refused(
    client,
    retail_ops,
    lead,
    flight_admin,
    flight,
    tdsps,
    qse,
    account_manager,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    lse = ParticipantFactory(
        name="FRESHPOWER", role_codes=["LSE", "REP"], account_manager=account_manager, contacts=["ar", "bar"]
    )
    facts(lse, lead, qse, ack_processed=True, qse_qualified=False)
    enrollment = complete(
        enroll(flight, lse, flight_admin, kind=ParticipantKind.NEW, change=ChangeKind.NEW_ENTITY), flight_admin, tdsps
    )
    client.force_login(retail_ops)
    page = client.get(enrollment.get_absolute_url())
    criteria = {c.key: c for c in page.context["criteria"]}
    assert criteria["sfa"].met and criteria["puct"].met and not criteria["qse_ack"].met
    text = _text(page)
    assert "SCHEDCO is not qualified to serve load." in text
    assert "Registration: Form H" in text
    assert "No letter can be generated yet" in text
    assert "Generate and send letter" not in text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action(enrollment, "issue-letter"))
    assert response.status_code == 400
    assert "No letter can be generated" in _text(response) and "not qualified to serve load" in _text(response)
    assert not QualificationLetter.objects.exists() and not _letter_mails(mailoutbox)

    # The queue lists it as blocked with the reason.
    response = client.get(reverse("workspace:retail-ops-queue"))
    assert [row.enrollment.pk for row in response.context["blocked"]] == [enrollment.pk]
    assert "SCHEDCO is not qualified to serve load." in _text(response)

    # Once Legal's facts are in order the letter goes, and a new MP's onboarding starts.
    registration_services.qse_load_qualification_record(actor=lead, qse=qse, qualified=True, reason="Qualified now.")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action(enrollment, "issue-letter"))
    assert response.status_code == 302
    page = client.get(enrollment.get_absolute_url())
    assert page.context["certificates"] and page.context["connectivity_tests"]
    assert page.context["connectivity_tests"][0].ticket_due  # the MP's AR or BAR submits it


def test_banking_change_shows_why_no_letter_and_is_recorded(
    client, retail_ops, flight_admin, flight, rep, tdsps, mailoutbox
):
    enrollment = complete(enroll(flight, rep, flight_admin, change=ChangeKind.BANKING), flight_admin, tdsps)
    client.force_login(retail_ops)
    page = client.get(enrollment.get_absolute_url())
    text = _text(page)
    assert "A banking change is recorded only: it produces no qualification letter." in text
    assert "Record (no letter)" in text and "Generate and send letter" not in text

    queue = client.get(reverse("workspace:retail-ops-queue"))
    assert [row.enrollment.pk for row in queue.context["no_letter"]] == [enrollment.pk]

    response = client.post(action(enrollment, "issue-letter"))
    assert response.status_code == 400 and "banking change" in _text(response)

    response = client.post(action(enrollment, "record-no-letter"))
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.RECORDED
    assert not QualificationLetter.objects.exists() and not _letter_mails(mailoutbox)
    assert not client.get(reverse("workspace:retail-ops-queue")).context["no_letter"]


def test_service_provider_change_opens_a_connectivity_test(client, retail_ops, flight_admin, flight, rep, tdsps):
    enrollment = complete(enroll(flight, rep, flight_admin, change=ChangeKind.SERVICE_PROVIDER), flight_admin, tdsps)
    client.force_login(retail_ops)
    assert "production connectivity" in _text(client.get(enrollment.get_absolute_url()))
    response = client.post(action(enrollment, "record-no-letter"))
    assert response.status_code == 302
    page = client.get(enrollment.get_absolute_url())
    (test,) = page.context["connectivity_tests"]
    assert test.service_request is None and test.ticket_due
    assert "no Service Desk ticket yet" in _text(page)
    assert reverse("workspace:connectivity-ticket", args=[test.pk]) in page.content.decode()

    response = client.post(
        reverse("workspace:connectivity-record", args=[test.pk]),
        {f"ct{test.pk}-outcome": "passed", f"ct{test.pk}-notes": "EDM OK"},
    )
    assert response.status_code == 302
    test.refresh_from_db()
    assert test.status == "passed" and test.notes == "EDM OK"


def test_resend_sends_one_more_email_to_that_recipient_only(
    client, retail_ops, issued, mailoutbox, django_capture_on_commit_callbacks
):
    before = len(_letter_mails(mailoutbox))
    assert before == 6
    delivery = issued.deliveries.get(email="bar@wiresco.example")
    client.force_login(retail_ops)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workspace:delivery-resend", args=[delivery.pk]))
    assert response.status_code == 302
    mails = _letter_mails(mailoutbox)
    assert len(mails) == before + 1
    assert mails[-1].to == ["bar@wiresco.example"]
    delivery.refresh_from_db()
    assert delivery.status == LetterDelivery.Status.SENT and delivery.attempts == 2


def test_resend_is_for_retail_operations(client, flight_admin, issued, mailoutbox):
    client.force_login(flight_admin)
    delivery = issued.deliveries.first()
    assert client.post(reverse("workspace:delivery-resend", args=[delivery.pk])).status_code == 403


def test_staff_download_the_letter(client, staff_user, issued):
    client.force_login(staff_user)
    response = client.get(reverse("workspace:letter-download", args=[issued.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert issued.filename in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


# --- the queue and the report -------------------------------------------------------------------------------------------------------


def _populate_queue(flight, count, flight_admin, lead, qse, tdsps, account_manager, start=0):
    """A mix of handed-over enrollments: ready current REPs, new LSEs blocked or ready, banking changes."""
    for i in range(start, start + count):
        kind = i % 4
        if kind == 0:
            mp = ParticipantFactory(
                name=f"Q{i:02d}", role_codes=["REP"], account_manager=account_manager, contacts=["ar"]
            )
            complete(enroll(flight, mp, flight_admin), flight_admin, tdsps)
        elif kind in (1, 2):
            mp = ParticipantFactory(
                name=f"Q{i:02d}", role_codes=["LSE", "REP"], account_manager=account_manager, contacts=["ar"]
            )
            facts(mp, lead, qse, puct=kind == 2)
            complete(
                enroll(flight, mp, flight_admin, kind=ParticipantKind.NEW, change=ChangeKind.NEW_ENTITY),
                flight_admin,
                tdsps,
            )
        else:
            mp = ParticipantFactory(
                name=f"Q{i:02d}", role_codes=["REP"], account_manager=account_manager, contacts=["ar"]
            )
            complete(enroll(flight, mp, flight_admin, change=ChangeKind.BANKING), flight_admin, tdsps)


def test_queue_splits_ready_blocked_and_record_only_with_bounded_queries(
    client, retail_ops, lead, flight, flight_admin, qse, tdsps, account_manager
):
    _populate_queue(flight, 4, flight_admin, lead, qse, tdsps, account_manager)
    client.force_login(retail_ops)
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("workspace:retail-ops-queue"))
    assert response.status_code == 200
    assert [r.enrollment.participant.short_name for r in response.context["ready"]] == ["Q00", "Q02"]
    (blocked,) = response.context["blocked"]
    assert blocked.enrollment.participant.short_name == "Q01"
    assert blocked.blockers == ["PUCT certification received and valid: No PUCT certification has been received."]
    assert [r.enrollment.participant.short_name for r in response.context["no_letter"]] == ["Q03"]
    assert "No PUCT certification has been received." in _text(response)

    _populate_queue(flight, 28, flight_admin, lead, qse, tdsps, account_manager, start=4)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("workspace:retail-ops-queue"))
    ctx = response.context
    assert len(ctx["ready"]) + len(ctx["blocked"]) + len(ctx["no_letter"]) == 32
    assert len(many) == len(few), f"{len(many)} queries for 32 rows, {len(few)} for 4"


def test_letter_report_counts_failures_filters_and_resends(
    client, retail_ops, issued, mailoutbox, django_capture_on_commit_callbacks
):
    failed = issued.deliveries.get(email="ar@poleline.example")
    LetterDelivery.objects.filter(pk=failed.pk).update(
        status=LetterDelivery.Status.FAILED, last_error="550 mailbox unavailable", attempts=5
    )
    client.force_login(retail_ops)
    response = client.get(reverse("workspace:letters"))
    (letter,) = response.context["letters"]
    assert (letter.n_sent, letter.n_pending, letter.n_failed) == (5, 0, 1)
    assert [d.pk for d in letter.failures] == [failed.pk]
    text = _text(response)
    assert "550 mailbox unavailable" in text
    assert reverse("workspace:delivery-resend", args=[failed.pk]) in response.content.decode()

    assert len(client.get(reverse("workspace:letters") + "?failed=1").context["letters"]) == 1
    LetterDelivery.objects.filter(pk=failed.pk).update(status=LetterDelivery.Status.SENT)
    assert client.get(reverse("workspace:letters") + "?failed=1").context["letters"] == []
    LetterDelivery.objects.filter(pk=failed.pk).update(status=LetterDelivery.Status.FAILED)

    before = len(_letter_mails(mailoutbox))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("workspace:delivery-resend", args=[failed.pk]), {"next": reverse("workspace:letters") + "?failed=1"}
        )
    assert response["Location"] == reverse("workspace:letters") + "?failed=1"
    assert len(_letter_mails(mailoutbox)) == before + 1 and _letter_mails(mailoutbox)[-1].to == ["ar@poleline.example"]


def test_resend_ignores_an_offsite_next(client, retail_ops, issued, django_capture_on_commit_callbacks):
    client.force_login(retail_ops)
    delivery = issued.deliveries.first()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("workspace:delivery-resend", args=[delivery.pk]), {"next": "https://evil.example/"}
        )
    assert response["Location"].startswith(issued.enrollment.get_absolute_url())


def test_csv_export_of_deliveries(client, staff_user, issued):
    client.force_login(staff_user)
    response = client.get(reverse("workspace:letters") + "?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 6
    assert {r["recipient_email"] for r in rows} == set(issued.deliveries.values_list("email", flat=True))
    assert {r["letter"] for r in rows} == {issued.number}
    assert {r["kind"] for r in rows} == {"Recipient", "Copy"}
    assert all(r["status"] == "Sent" and r["message_id"] for r in rows)


def test_csv_export_neutralises_a_name_a_spreadsheet_would_run_as_a_formula(client, staff_user, issued):
    issued.deliveries.filter(pk=issued.deliveries.first().pk).update(name="@SUM(1+1)*cmd|' /C calc'!A0")
    client.force_login(staff_user)
    response = client.get(reverse("workspace:letters") + "?format=csv")
    names = {r["recipient_name"] for r in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))}
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in names
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names)


# --- certificates -----------------------------------------------------------------------------------------------------------------


def test_certificate_advances_through_the_page(
    client, retail_ops, flight_admin, lead, flight, tdsps, qse, account_manager, django_capture_on_commit_callbacks
):
    lse = ParticipantFactory(
        name="NEWCO", role_codes=["LSE", "REP"], account_manager=account_manager, contacts=["ar", "bar"]
    )
    facts(lse, lead, qse)
    enrollment = complete(
        enroll(flight, lse, flight_admin, kind=ParticipantKind.NEW, change=ChangeKind.NEW_ENTITY), flight_admin, tdsps
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_issue(actor=retail_ops, enrollment=enrollment)
    client.force_login(retail_ops)
    (certificate,) = client.get(enrollment.get_absolute_url()).context["certificates"]
    url = reverse("workspace:certificate-advance", args=[certificate.pk])
    assert client.post(url, {"to_status": "installed"}).status_code == 302  # refused: shown as a message
    certificate.refresh_from_db()
    assert certificate.status == "requested"
    client.post(url, {"to_status": "issued"})
    certificate.refresh_from_db()
    assert certificate.status == "issued" and certificate.issued_at

    client.force_login(flight_admin)
    assert client.post(url, {"to_status": "installed"}).status_code == 403


# --- the admin --------------------------------------------------------------------------------------------------------------------


def test_admin_resend_failed_deliveries_action(
    client, retail_ops, flight_admin, issued, mailoutbox, django_capture_on_commit_callbacks
):
    failed = issued.deliveries.get(email="ar@wiresco.example")
    LetterDelivery.objects.filter(pk=failed.pk).update(
        status=LetterDelivery.Status.FAILED, last_error="timeout", attempts=5
    )
    url = reverse("admin:qualification_qualificationletter_changelist")

    client.force_login(flight_admin)  # may look, may not resend
    assert b"resend_failed_deliveries" not in client.get(url).content

    client.force_login(retail_ops)
    assert client.get(reverse("admin:qualification_qualificationletter_change", args=[issued.pk])).status_code == 200
    before = len(_letter_mails(mailoutbox))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "resend_failed_deliveries", "_selected_action": [issued.pk]})
    assert response.status_code == 302
    mails = _letter_mails(mailoutbox)
    assert len(mails) == before + 1 and mails[-1].to == ["ar@wiresco.example"]
    failed.refresh_from_db()
    assert failed.status == LetterDelivery.Status.SENT


# --- a new REP without the LSE role (issue 11, item 8) -------------------------------------------------------------


def test_a_new_rep_without_the_lse_role_is_blocked_until_its_registration_facts_are_in(
    client, retail_ops, lead, flight_admin, flight, tdsps, qse, account_manager
):
    new_rep = ParticipantFactory(
        name="PECANST", role_codes=["REP"], account_manager=account_manager, contacts=["ar", "bar"]
    )
    new_entity = enroll(flight, new_rep, flight_admin, kind=ParticipantKind.NEW, change=ChangeKind.NEW_ENTITY)
    enrollment = complete(new_entity, flight_admin, tdsps)
    client.force_login(retail_ops)
    page = client.get(enrollment.get_absolute_url())
    text = _text(page)
    assert not page.context["can_issue"]
    assert "Generate and send letter" not in text
    for missing in (
        "No signed Standard Form Agreement is on file.",
        "No PUCT certification has been received.",
        "No QSE Acknowledgement (Form H) is on file.",
    ):
        assert missing in text

    facts(new_rep, lead, qse)
    page = client.get(enrollment.get_absolute_url())
    assert page.context["can_issue"] and "Generate and send letter" in _text(page)
