"""The staff side of registration through its pages: the queue, the review page and its actions,
the registration facts, and inviting a potential MP from a Service Desk contact.

Applications are built with the registration services, as a participant's AR would through the portal
(``SubmittedApplicationFactory``, tests/registration/factories.py).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import ContactRank, ContactRole, MarketParticipant, MarketRole, Membership, ParticipantStatus, User
from accounts.roles import StaffGroup
from cases.models import CaseCategory, CaseKind, CaseStatus, Channel
from ercot_services.core.calendar import business_calendar
from ercot_services.core.models import AuditEvent, OutboundEmail
from registration import services
from registration.models import (
    ApplicationKind,
    ApplicationStatus,
    ChangeType,
    ContactChange,
    Document,
    PuctCertification,
    QseAcknowledgement,
    QseLoadQualification,
    RequirementStatus,
    SfaRecord,
)
from tests.accounts.factories import AssignmentFactory, MembershipFactory, ParticipantFactory, StaffFactory
from tests.case_inputs import submit_case
from tests.registration.factories import PDF, SubmittedApplicationFactory, upload_all

pytestmark = pytest.mark.django_db


# Absolute ceilings; the "same count for few and many" tests catch N+1 regressions below them.
MAX_QUERIES_QUEUE = 14
MAX_QUERIES_REVIEW_PAGE = 26


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _verbs(obj) -> list[str]:
    return [event.verb for event in AuditEvent.objects.for_object(obj)]


# --- prospects (applications: SubmittedApplicationFactory, through the services) ---------------------------


def new_prospect(account_manager=None, **kwargs):
    """A prospective MP with a primary AR, a Backup AR and (optionally) an Account Manager."""
    mp = ParticipantFactory(prospective=True, account_manager=account_manager, **kwargs)
    return mp, MembershipFactory(participant=mp, ar=True).user, MembershipFactory(participant=mp, bar=True).user


@pytest.fixture
def prospect(account_manager):
    return new_prospect(account_manager)


@pytest.fixture
def submitted(prospect):
    mp, ar, _bar = prospect
    return SubmittedApplicationFactory(participant=mp, actor=ar)


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


def _start_review(client, application):
    response = client.post(reverse("workspace:application-start-review", args=[application.reference]))
    assert response.status_code == 302, _text(response)
    application.refresh_from_db()
    return application


def _accept_all(client, application):
    for document in Document.objects.filter(line__application=application):
        response = client.post(
            reverse("workspace:application-document-review", args=[document.pk]), {"decision": "accept"}
        )
        assert response.status_code == 302, _text(response)


# --- who may open the pages ------------------------------------------------------------------------------


def _urls(application, document, participant, case):
    ref = application.reference
    return [
        ("get", reverse("workspace:applications")),
        ("get", reverse("workspace:application-detail", args=[ref])),
        ("get", reverse("workspace:application-document", args=[document.pk])),
        ("post", reverse("workspace:application-document-review", args=[document.pk])),
        ("post", reverse("workspace:application-start-review", args=[ref])),
        ("post", reverse("workspace:application-request-info", args=[ref])),
        ("post", reverse("workspace:application-approve", args=[ref])),
        ("post", reverse("workspace:application-reject", args=[ref])),
        ("get", reverse("workspace:participant-facts", args=[participant.pk])),
        ("post", reverse("workspace:participant-facts", args=[participant.pk])),
        ("get", reverse("workspace:case-invite", args=[case.reference])),
        ("post", reverse("workspace:case-invite", args=[case.reference])),
    ]


@pytest.fixture
def potential_case(db):
    category = CaseCategory.objects.filter(code="registration").first() or CaseCategory.objects.first()
    return submit_case(
        actor=None,
        kind=CaseKind.POTENTIAL_MP,
        category=category,
        subject="We want to become a REP",
        description="Sundance Solar Retail would like to serve residential load in Oncor territory.",
        channel=Channel.WEB_FORM,
        contact={
            "name": "Nina Solis",
            "email": "Nina.Solis@sundancesolar.example",
            "company": "Sundance Solar Retail LLC",
            "phone": "(915) 555-0101",
        },
    )


def test_participant_users_get_403_and_anonymous_users_sign_in_on_every_staff_registration_url(
    client, submitted, prospect, potential_case
):
    mp, ar, _ = prospect
    document = Document.objects.filter(line__application=submitted).first()
    urls = _urls(submitted, document, mp, potential_case)

    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url

    client.force_login(ar)  # the MP's own Authorized Representative
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 403, url

    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED
    assert not MarketParticipant.objects.filter(legal_name="Sundance Solar Retail LLC").exists()


# --- the queue ---------------------------------------------------------------------------------------------


def test_queue_shows_open_applications_by_due_date_and_filters(
    business_day_morning, lead_client, lead, account_manager
):
    calendar = business_calendar()
    today = timezone.localdate()
    mp1, ar1, _ = new_prospect(account_manager)
    mp2, ar2, _ = new_prospect(account_manager)
    mp3, ar3, _ = new_prospect(account_manager)
    mp4, ar4, _ = new_prospect(account_manager)
    # Submitted 9 Business Days ago: due tomorrow (at risk). Submitted today: due in 10 BD.
    old_day = calendar.add_business_days(today, -9)
    late = SubmittedApplicationFactory(
        participant=mp1, actor=ar1, now=timezone.make_aware(datetime.datetime.combine(old_day, datetime.time(10)))
    )
    fresh = SubmittedApplicationFactory(participant=mp2, actor=ar2, role_codes=("TDSP",))
    draft = SubmittedApplicationFactory(participant=mp3, actor=ar3, draft=True)
    decided = SubmittedApplicationFactory(participant=mp4, actor=ar4, role_codes=("RE",))
    services.application_start_review(actor=lead, application=decided)
    services.application_reject(actor=lead, application=decided, reason="Not eligible")
    assert late.due_on < fresh.due_on

    response = lead_client.get(reverse("workspace:applications"))
    assert response.status_code == 200
    listed = [a.reference for a in response.context["page_obj"]]
    assert listed == [late.reference, fresh.reference]  # open only, soonest due first
    page = _text(response)
    assert draft.reference not in page and decided.reference not in page
    assert "1 BD left" in page and "text-bg-danger" in page  # at risk shows red
    assert "10 BD left" in page
    assert "QSE" in page and "TDSP" in page

    def refs(**params):
        return [a.reference for a in lead_client.get(reverse("workspace:applications"), params).context["page_obj"]]

    assert refs(status="rejected") == [decided.reference]
    assert refs(status="any") == [late.reference, fresh.reference, decided.reference]
    assert refs(participant=mp2.pk) == [fresh.reference]
    assert refs(kind="revision") == []
    assert refs(q=mp1.short_name) == [late.reference]
    assert refs(reviewer="me") == []
    services.application_start_review(actor=lead, application=fresh)
    assert refs(reviewer="me") == [fresh.reference]
    assert refs(reviewer="unassigned") == [late.reference]


def test_queue_shows_a_paused_clock_while_information_is_requested(lead_client, lead, submitted):
    services.application_start_review(actor=lead, application=submitted)
    services.application_request_info(actor=lead, application=submitted, message="Send the signed SFA page 4.")
    page = _text(lead_client.get(reverse("workspace:applications")))
    assert submitted.reference in page
    assert "paused" in page
    assert "BD left" not in page


def _grow_queue(account_manager, count):
    for i in range(count):
        mp, ar, _ = new_prospect(account_manager)
        SubmittedApplicationFactory(participant=mp, actor=ar, role_codes=("QSE",) if i % 2 else ("REP", "LSE"))


def test_queue_costs_the_same_queries_for_5_and_40_applications(
    lead_client, account_manager, django_assert_max_num_queries
):
    url = reverse("workspace:applications")
    lead_client.get(url)  # warm caches (content types, session)
    _grow_queue(account_manager, 5)
    with CaptureQueriesContext(connection) as small:
        assert lead_client.get(url).status_code == 200
    _grow_queue(account_manager, 35)
    with CaptureQueriesContext(connection) as large:
        response = lead_client.get(url)
    assert len(response.context["page_obj"]) == 25
    assert response.context["page_obj"].paginator.count == 40
    assert len(small.captured_queries) == len(large.captured_queries)
    with django_assert_max_num_queries(MAX_QUERIES_QUEUE):
        lead_client.get(url + "?page=2")


# --- the review page ---------------------------------------------------------------------------------------


def test_review_page_shows_header_checklist_documents_and_timeline(lead_client, submitted, prospect, account_manager):
    mp, ar, bar = prospect
    response = lead_client.get(submitted.get_absolute_url())
    assert response.status_code == 200
    page = _text(response)
    assert submitted.reference in page and "Submitted" in page
    assert mp.get_absolute_url() in page  # MP links to its page
    assert ar.full_name in page  # who attested
    assert submitted.due_on.strftime("%b") in page and "10 BD left" in page
    assert "Start review" in page
    for document in Document.objects.filter(line__application=submitted):
        assert reverse("workspace:application-document", args=[document.pk]) in page
        assert document.line.requirement.name in page
    assert "QSE application (Form G)" in page
    assert bar.email in page and account_manager.email in page  # who gets the emails
    timeline = [event.verb for event in response.context["timeline"]]
    assert timeline[0] == "application.submitted" and "application.started" in timeline
    assert "Application document uploaded" in page


def test_staff_download_a_document(lead_client, submitted):
    document = Document.objects.filter(line__application=submitted).first()
    response = lead_client.get(reverse("workspace:application-document", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert lead_client.get(reverse("workspace:application-document", args=[999999])).status_code == 404


def test_review_page_query_count_does_not_grow_with_documents_and_history(
    lead_client, lead, account_manager, django_assert_max_num_queries
):
    mp, ar, _ = new_prospect(account_manager)
    small_app = SubmittedApplicationFactory(participant=mp, actor=ar, role_codes=("QSE",))
    url = reverse("workspace:application-detail", args=[small_app.reference])
    lead_client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert lead_client.get(url).status_code == 200

    # A bigger application: more lines, more versions, a round of information requests, more history.
    mp2, ar2, _ = new_prospect(account_manager)
    big = SubmittedApplicationFactory(participant=mp2, actor=ar2, role_codes=("REP", "LSE", "QSE", "TDSP"))
    services.application_start_review(actor=lead, application=big)
    services.application_request_info(actor=lead, application=big, message="New versions, please.")
    upload_all(big, ar2)
    big.refresh_from_db()
    services.contact_change_add(
        actor=ar2,
        application=big,
        action="add",
        contact_role=ContactRole.TECHNICAL,
        full_name="Tech Person",
        email="tech@example.com",
    )
    services.application_submit(actor=ar2, application=big, attest=True)
    big_url = reverse("workspace:application-detail", args=[big.reference])
    lead_client.get(big_url)
    with CaptureQueriesContext(connection) as large:
        response = lead_client.get(big_url)
    assert sum(len(line.versions) for line in response.context["lines"]) > 2 * len(response.context["lines"]) - 1
    assert len(small.captured_queries) == len(large.captured_queries)
    with django_assert_max_num_queries(MAX_QUERIES_REVIEW_PAGE):
        lead_client.get(big_url)


def test_unknown_reference_is_404(lead_client):
    assert lead_client.get(reverse("workspace:application-detail", args=["REG-1999-00001"])).status_code == 404


# --- review actions through the pages --------------------------------------------------------------------


def test_start_review_through_the_page(lead_client, lead, submitted):
    response = lead_client.post(reverse("workspace:application-start-review", args=[submitted.reference]), follow=True)
    assert response.status_code == 200
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.UNDER_REVIEW
    assert submitted.reviewer == lead
    assert "application.review_started" in _verbs(submitted)
    assert any("started the review" in m for m in _messages(response))

    # Starting again is refused with a clear error, not a crash.
    again = lead_client.post(reverse("workspace:application-start-review", args=[submitted.reference]))
    assert again.status_code == 400
    assert "cannot become Under Review" in _text(again)


def test_documents_cannot_be_reviewed_before_the_review_starts(lead_client, submitted):
    document = Document.objects.filter(line__application=submitted).first()
    response = lead_client.post(
        reverse("workspace:application-document-review", args=[document.pk]), {"decision": "accept"}
    )
    assert response.status_code == 400
    assert "Start the review" in _text(response)
    document.refresh_from_db()
    assert document.review_status == RequirementStatus.PROVIDED


def test_accept_and_reject_a_document(lead_client, lead, submitted):
    _start_review(lead_client, submitted)
    first, second = list(Document.objects.filter(line__application=submitted).order_by("pk"))[:2]
    url_first = reverse("workspace:application-document-review", args=[first.pk])
    url_second = reverse("workspace:application-document-review", args=[second.pk])

    response = lead_client.post(url_first, {"decision": "accept"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.review_status == RequirementStatus.ACCEPTED and first.reviewed_by == lead
    assert first.line.status == RequirementStatus.ACCEPTED

    # Rejecting needs a reason: refused, the page says why, nothing changes.
    refused = lead_client.post(url_second, {"decision": "reject", "reason": "  "})
    assert refused.status_code == 400
    assert "reason" in _text(refused).lower()
    second.refresh_from_db()
    assert second.review_status == RequirementStatus.PROVIDED

    response = lead_client.post(url_second, {"decision": "reject", "reason": "The signature page is missing."})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.review_status == RequirementStatus.REJECTED
    assert second.line.status == RequirementStatus.REJECTED
    assert second.line.review_reason == "The signature page is missing."
    page = _text(lead_client.get(submitted.get_absolute_url()))
    assert "The signature page is missing." in page
    assert _verbs(submitted).count("application.document_reviewed") == 2


def _document_lookups(captured, document) -> int:
    """SELECTs that find the document by its id (the view's scoped lookup), not by its line."""
    needle = f'"registration_document"."id" = {document.pk}'
    return sum(1 for q in captured.captured_queries if q["sql"].startswith("SELECT") and needle in q["sql"])


def test_a_document_review_post_looks_the_document_up_once(lead_client, submitted):
    _start_review(lead_client, submitted)
    first, second = list(Document.objects.filter(line__application=submitted).order_by("pk"))[:2]

    with CaptureQueriesContext(connection) as accepted:
        response = lead_client.post(
            reverse("workspace:application-document-review", args=[first.pk]), {"decision": "accept"}
        )
    assert response.status_code == 302
    assert _document_lookups(accepted, first) == 1

    with CaptureQueriesContext(connection) as refused:
        response = lead_client.post(
            reverse("workspace:application-document-review", args=[second.pk]), {"decision": "reject", "reason": ""}
        )
    assert response.status_code == 400
    assert _document_lookups(refused, second) == 1


def test_request_information_emails_ar_and_bar_with_the_am_in_copy_once_and_pauses_the_clock(
    lead_client, submitted, prospect, account_manager, django_capture_on_commit_callbacks, mailoutbox
):
    _mp, ar, bar = prospect
    _start_review(lead_client, submitted)
    mailoutbox.clear()
    url = reverse("workspace:application-request-info", args=[submitted.reference])

    empty = lead_client.post(url, {"message": ""})
    assert empty.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(url, {"message": "Please upload the signed SFA, page 4 is missing."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.INFO_REQUESTED
    assert submitted.paused_on == timezone.localdate()
    assert submitted.info_request == "Please upload the signed SFA, page 4 is missing."

    sent = [m for m in mailoutbox if "Information needed" in m.subject]
    assert len(sent) == 1
    assert sorted(sent[0].to) == sorted([ar.email, bar.email])
    assert sent[0].cc == [account_manager.email]
    assert "page 4 is missing" in sent[0].body
    assert (
        OutboundEmail.objects.filter(key__startswith=f"registration:{submitted.reference}:info_requested").count() == 1
    )

    page = _text(lead_client.get(submitted.get_absolute_url()))
    assert "paused" in page and "page 4 is missing" in page

    # A second request while one is open is refused (the participant must answer first); no second email.
    with django_capture_on_commit_callbacks(execute=True):
        again = lead_client.post(url, {"message": "Also the PUCT certificate."})
    assert again.status_code == 400
    assert len([m for m in mailoutbox if "Information needed" in m.subject]) == 1


def test_approve_is_refused_while_a_document_is_not_accepted(lead_client, submitted):
    _start_review(lead_client, submitted)
    sfa_doc = Document.objects.get(line__application=submitted, line__requirement__code="sfa")
    lead_client.post(reverse("workspace:application-document-review", args=[sfa_doc.pk]), {"decision": "accept"})

    response = lead_client.post(reverse("workspace:application-approve", args=[submitted.reference]), {"note": ""})
    assert response.status_code == 400
    page = _text(response)
    assert "Accept every document before approving" in page
    assert "QSE application (Form G)" in page
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.UNDER_REVIEW
    assert submitted.participant.status == ParticipantStatus.REGISTERING


def test_approving_an_initial_registration_applies_roles_and_moves_the_mp_to_qualifying(
    lead_client, submitted, prospect, django_capture_on_commit_callbacks, mailoutbox
):
    mp, ar, bar = prospect
    assert mp.status == ParticipantStatus.PROSPECTIVE
    mp.refresh_from_db()
    assert mp.status == ParticipantStatus.REGISTERING  # on submission
    _start_review(lead_client, submitted)
    _accept_all(lead_client, submitted)
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(
            reverse("workspace:application-approve", args=[submitted.reference]), {"note": "All in order."}, follow=True
        )
    assert response.status_code == 200
    assert any("approved" in m for m in _messages(response))
    submitted.refresh_from_db()
    mp.refresh_from_db()
    assert submitted.status == ApplicationStatus.APPROVED
    assert submitted.decision_reason == "All in order."
    assert mp.role_codes() == ["QSE"]
    assert mp.status == ParticipantStatus.QUALIFYING
    decision = [m for m in mailoutbox if m.to and ar.email in m.to and submitted.reference in m.subject]
    assert decision


def test_approving_a_revision_applies_names_roles_ar_change_and_flags_testing(lead_client, lead, account_manager):
    mp = ParticipantFactory(status=ParticipantStatus.ACTIVE, role_codes=["REP", "LSE"], legal_name="Old Name LLC")
    AssignmentFactory(participant=mp, account_manager=account_manager)
    old_ar_membership = MembershipFactory(participant=mp, contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE)
    old_ar = old_ar_membership.user
    MembershipFactory(
        participant=mp, contact_role=ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE, rank=ContactRank.SECONDARY
    )
    assert not User.objects.filter(email="new.ar@example.com").exists()

    revision = SubmittedApplicationFactory(
        participant=mp,
        actor=old_ar,
        kind=ApplicationKind.REVISION,
        role_codes=("QSE",),
        change_types=[
            ChangeType.NAME,
            ChangeType.ADD_ROLE,
            ChangeType.REMOVE_ROLE,
            ChangeType.AUTHORIZED_REPS,
            ChangeType.ADD_TERRITORY,
        ],
        remove_role_codes=["LSE"],
        territory_codes=["ONCOR"],
        new_legal_name="New Name Energy LLC",
        contact_changes=[
            {
                "action": ContactChange.Action.ADD,
                "contact_role": ContactRole.AUTHORIZED_REPRESENTATIVE,
                "rank": ContactRank.PRIMARY,
                "full_name": "New Representative",
                "email": "New.AR@example.com",
            }
        ],
    )
    assert revision.status == ApplicationStatus.SUBMITTED
    assert revision.requires_testing  # adding a territory means market testing

    review = _text(lead_client.get(revision.get_absolute_url()))
    assert "New Name Energy LLC" in review and "New Representative" in review and "Requires market testing" in review

    _start_review(lead_client, revision)
    _accept_all(lead_client, revision)
    response = lead_client.post(reverse("workspace:application-approve", args=[revision.reference]), {"note": ""})
    assert response.status_code == 302, _text(response)

    mp.refresh_from_db()
    revision.refresh_from_db()
    assert revision.status == ApplicationStatus.APPROVED
    assert revision.requires_testing
    assert mp.legal_name == "New Name Energy LLC"
    assert mp.role_codes() == ["QSE", "REP"]
    assert list(mp.service_territories.values_list("code", flat=True)) == ["ONCOR"]
    assert mp.status == ParticipantStatus.ACTIVE  # a revision does not move the lifecycle

    old_ar_membership.refresh_from_db()
    assert not old_ar_membership.is_active
    new_user = User.objects.get(email="new.ar@example.com")
    assert new_user.full_name == "New Representative" and not new_user.has_usable_password()
    assert (
        Membership.objects.active()
        .get(participant=mp, contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE, rank=ContactRank.PRIMARY)
        .user
        == new_user
    )
    assert Membership.objects.filter(user=old_ar, participant=mp, is_active=True).count() == 0


def test_reject_needs_a_reason(lead_client, submitted, django_capture_on_commit_callbacks, mailoutbox):
    _start_review(lead_client, submitted)
    url = reverse("workspace:application-reject", args=[submitted.reference])
    refused = lead_client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "Enter the reason for rejecting." in _text(refused)
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.UNDER_REVIEW

    reason = {"reason": "The applicant is not a Texas entity."}
    asked = lead_client.post(url, reason)  # a rejection is final: it is confirmed first
    assert asked.status_code == 200
    assert f"Rejecting {submitted.reference} is final" in _text(asked)
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.UNDER_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(url, {**reason, "confirmed": "yes"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.REJECTED
    assert submitted.decision_reason == "The applicant is not a Texas entity."
    assert any("not a Texas entity" in m.body for m in mailoutbox)
    page = _text(lead_client.get(submitted.get_absolute_url()))
    assert "this application is closed" in page and "Start review" not in page


def test_approving_before_the_review_starts_is_a_clear_error(lead_client, submitted):
    response = lead_client.post(reverse("workspace:application-approve", args=[submitted.reference]), {"note": ""})
    assert response.status_code == 400
    page = _text(response)
    assert "Accept every document" in page or "cannot become Approved" in page
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED


# --- registration facts ------------------------------------------------------------------------------------


@pytest.fixture
def qse_mp(account_manager):
    mp = ParticipantFactory(role_codes=["QSE"], short_name="GCSSX")
    AssignmentFactory(participant=mp, account_manager=account_manager)
    return mp


def test_lead_records_sfa_puct_and_qse_acknowledgement(lead_client, lead, participant, qse_mp, other_participant):
    assert lead.has_perm("registration.change_sfarecord")
    url = reverse("workspace:participant-facts", args=[participant.pk])
    page = lead_client.get(url)
    assert page.status_code == 200
    assert page.context["can_edit"]

    response = lead_client.post(url, {"form": "sfa", "sfa-signed_on": "2025-03-03", "sfa-processed_by_legal": "on"})
    assert response.status_code == 302, _text(response)
    sfa = SfaRecord.objects.get(participant=participant)
    assert sfa.signed_on == datetime.date(2025, 3, 3) and sfa.processed_by_legal and sfa.processed_by == lead
    assert "registration.sfa_recorded" in _verbs(sfa)

    bad = lead_client.post(
        url,
        {
            "form": "puct",
            "puct-certificate_number": "10123",
            "puct-issued_on": "2025-03-01",
            "puct-expires_on": "2024-01-01",
        },
    )
    assert bad.status_code == 400
    assert "cannot expire before" in _text(bad)
    assert 'value="10123"' in _text(bad)  # what was typed is kept
    response = lead_client.post(
        url,
        {
            "form": "puct",
            "puct-certificate_number": "10123",
            "puct-issued_on": "2025-03-01",
            "puct-expires_on": "2027-03-01",
            "puct-received": "on",
        },
    )
    assert response.status_code == 302
    puct = PuctCertification.objects.get(participant=participant)
    assert puct.certificate_number == "10123" and puct.received_at is not None
    assert "registration.puct_recorded" in _verbs(puct)

    response = lead_client.post(url, {"form": "qse_ack", "qse-qse": qse_mp.pk, "qse-processed_by_legal": "on"})
    assert response.status_code == 302
    ack = QseAcknowledgement.objects.get(participant=participant)
    assert ack.qse == qse_mp and ack.processed_by_legal
    assert "registration.qse_acknowledgement_recorded" in _verbs(ack)

    page = _text(lead_client.get(url))
    assert "10123" in page and qse_mp.short_name in page
    # The 360° page's Registration section (loaded into it from its own URL).
    detail = _text(lead_client.get(reverse("workspace:participant-section", args=[participant.pk, "registration"])))
    assert "Registration facts" in detail and "10123" in detail and "processed by Legal" in detail


def test_qse_acknowledgement_refuses_an_mp_that_is_not_a_qse(lead_client, participant, account_manager):
    not_a_qse = ParticipantFactory(role_codes=["REP"])
    url = reverse("workspace:participant-facts", args=[participant.pk])
    response = lead_client.post(url, {"form": "qse_ack", "qse-qse": not_a_qse.pk, "qse-processed_by_legal": "on"})
    assert response.status_code == 400
    assert "Select a valid choice" in _text(response)
    assert not QseAcknowledgement.objects.filter(participant=participant).exists()
    # Nor may an MP name itself, even if it holds the QSE role.
    participant.roles.add(MarketRole.objects.get(code="QSE"))
    self_qse = lead_client.post(url, {"form": "qse_ack", "qse-qse": participant.pk})
    assert self_qse.status_code == 400


def test_retail_operations_may_record_facts_and_an_account_manager_only_reads_them(
    client, participant, account_manager
):
    retail = StaffFactory(groups=[StaffGroup.RETAIL_OPERATIONS])
    assert retail.has_perm("registration.change_sfarecord")
    url = reverse("workspace:participant-facts", args=[participant.pk])

    client.force_login(account_manager.user)
    page = client.get(url)
    assert page.status_code == 200 and not page.context["can_edit"]
    assert "Read only" in _text(page) and "Save SFA" not in _text(page)
    assert client.post(url, {"form": "sfa", "sfa-processed_by_legal": "on"}).status_code == 403
    assert not SfaRecord.objects.filter(participant=participant).exists()

    client.force_login(retail)
    assert client.post(url, {"form": "sfa", "sfa-processed_by_legal": "on"}).status_code == 302
    assert SfaRecord.objects.get(participant=participant).processed_by_legal


# --- inviting a potential MP ---------------------------------------------------------------------------------


def test_invite_creates_the_prospective_mp_and_its_ar_emails_a_password_link_and_resolves_the_case(
    lead_client, lead, potential_case, django_capture_on_commit_callbacks, mailoutbox
):
    case_page = _text(lead_client.get(potential_case.get_absolute_url()))
    invite_url = reverse("workspace:case-invite", args=[potential_case.reference])
    assert invite_url in case_page and "Invite to register" in case_page

    form = lead_client.get(invite_url)
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["legal_name"] == "Sundance Solar Retail LLC"
    assert initial["short_name"] == "SUNDANCE"
    assert initial["contact_name"] == "Nina Solis"
    assert initial["contact_email"].lower() == "nina.solis@sundancesolar.example"

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(
            invite_url,
            {
                "legal_name": "Sundance Solar Retail LLC",
                "short_name": "sundance",
                "contact_name": "Nina Solis",
                "contact_email": "nina.solis@sundancesolar.example",
            },
        )
    mp = MarketParticipant.objects.get(short_name="SUNDANCE")
    assert response.status_code == 302 and response["Location"] == mp.get_absolute_url()
    assert mp.status == ParticipantStatus.PROSPECTIVE
    user = User.objects.get(email="nina.solis@sundancesolar.example")
    assert not user.is_staff and not user.has_usable_password()
    assert (
        Membership.objects.active()
        .filter(user=user, participant=mp, contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE)
        .exists()
    )
    invitations = [m for m in mailoutbox if m.subject.startswith("Register with ERCOT")]
    assert len(invitations) == 1
    assert invitations[0].to == [user.email]
    assert "/accounts/reset/" in invitations[0].body
    potential_case.refresh_from_db()
    assert potential_case.participant == mp
    assert potential_case.status == CaseStatus.RESOLVED

    # The case page no longer offers the invitation; a second invitation is refused.
    assert "Invite to register" not in _text(lead_client.get(potential_case.get_absolute_url()))
    again = lead_client.post(
        invite_url,
        {"legal_name": "Other", "short_name": "OTHER", "contact_name": "X", "contact_email": "x@example.com"},
    )
    assert again.status_code == 400
    assert "already linked" in _text(again)


def test_invite_refuses_a_taken_short_name_and_keeps_what_was_typed(lead_client, potential_case, participant):
    response = lead_client.post(
        reverse("workspace:case-invite", args=[potential_case.reference]),
        {
            "legal_name": "Sundance Solar Retail LLC",
            "short_name": participant.short_name,
            "contact_name": "Nina Solis",
            "contact_email": "nina@sundancesolar.example",
        },
    )
    assert response.status_code == 400
    assert "already exists" in _text(response)
    assert 'value="nina@sundancesolar.example"' in _text(response)
    assert not MarketParticipant.objects.filter(legal_name="Sundance Solar Retail LLC").exists()


def test_invite_is_404_for_other_case_kinds_and_needs_the_add_mp_permission(
    client, lead_client, potential_case, participant, mp_user
):
    category = CaseCategory.objects.first()
    inquiry = submit_case(
        actor=mp_user,
        kind=CaseKind.INQUIRY,
        category=category,
        subject="A question",
        description="Hello",
        participant=participant,
    )
    assert lead_client.get(reverse("workspace:case-invite", args=[inquiry.reference])).status_code == 404
    assert "Invite to register" not in _text(lead_client.get(inquiry.get_absolute_url()))

    flight_admin = StaffFactory(groups=[StaffGroup.FLIGHT_ADMINISTRATOR])
    client.force_login(flight_admin)
    assert client.get(reverse("workspace:case-invite", args=[potential_case.reference])).status_code == 403
    assert "Invite to register" not in _text(client.get(potential_case.get_absolute_url()))


# --- the MP page card and the admin ----------------------------------------------------------------------------


def test_participant_page_shows_the_registration_card(lead_client, submitted, prospect):
    mp, _ar, _bar = prospect
    page = _text(lead_client.get(mp.get_absolute_url()))
    registration_url = reverse("workspace:participant-section", args=[mp.pk, "registration"])
    assert registration_url in page  # the page loads its Registration section from there
    page = _text(lead_client.get(registration_url))
    assert "Registration" in page
    assert submitted.reference in page
    assert reverse("workspace:participant-facts", args=[mp.pk]) in page


def test_admin_pages_for_registration_models_load(client, submitted, participant, qse_mp, lead):
    admin_user = StaffFactory(is_superuser=True)
    services.sfa_record(actor=lead, participant=participant, signed_on=None, processed_by_legal=True)
    services.puct_record(
        actor=lead, participant=participant, certificate_number="1", issued_on=datetime.date(2025, 1, 1)
    )
    services.qse_acknowledgement_record(actor=lead, participant=participant, qse=qse_mp, processed_by_legal=True)
    services.qse_load_qualification_record(actor=lead, qse=qse_mp, qualified=True, reason="Qualified.")
    client.force_login(admin_user)
    document = Document.objects.filter(line__application=submitted).first()
    for name, obj in [
        ("requirementtype", submitted.requirements.first().requirement),
        ("application", submitted),
        ("document", document),
        ("sfarecord", SfaRecord.objects.get()),
        ("puctcertification", PuctCertification.objects.get()),
        ("qseacknowledgement", QseAcknowledgement.objects.get()),
        ("qseloadqualification", QseLoadQualification.objects.get()),
    ]:
        assert client.get(reverse(f"admin:registration_{name}_changelist")).status_code == 200, name
        response = client.get(reverse(f"admin:registration_{name}_change", args=[obj.pk]))
        assert response.status_code == 200, name
    page = _text(client.get(reverse("admin:registration_application_change", args=[submitted.pk])))
    assert document.original_name in page and "checklist line" in page.lower()
    assert (
        client.get(
            reverse("admin:registration_application_changelist"), {"status": "submitted", "q": submitted.reference}
        ).status_code
        == 200
    )


def test_every_staff_group_may_view_registration_records(db):
    for group in StaffGroup.ALL:
        user = StaffFactory(groups=[group])
        assert user.has_perm("registration.view_application"), group
        assert user.has_perm("registration.view_sfarecord"), group
        allowed = group in (StaffGroup.CLIENT_SERVICES_LEAD, StaffGroup.RETAIL_OPERATIONS)
        assert user.has_perm("registration.change_qseacknowledgement") is allowed, group


# --- "qualified to serve load" on the QSE's own facts page (issue 11, item 10) ------------------------------------


def test_qualified_to_serve_load_is_recorded_on_the_qse_and_read_by_every_lse_naming_it(
    lead_client, lead, participant, qse_mp
):
    other_lse = ParticipantFactory(short_name="PECOS", role_codes=["LSE"])
    for lse in (participant, other_lse):
        services.qse_acknowledgement_record(actor=lead, participant=lse, qse=qse_mp, processed_by_legal=True)
    lse_page = reverse("workspace:participant-facts", args=[participant.pk])
    assert "qse-qse_qualified_to_serve_load" not in _text(lead_client.get(lse_page))  # no per-acknowledgement answer
    assert "not qualified to serve load" in _text(lead_client.get(lse_page))

    qse_page = reverse("workspace:participant-facts", args=[qse_mp.pk])
    missing_reason = lead_client.post(qse_page, {"form": "qse_load", "load-qualified": "on", "load-reason": ""})
    assert missing_reason.status_code == 400 and "checked" in _text(missing_reason)
    response = lead_client.post(
        qse_page, {"form": "qse_load", "load-qualified": "on", "load-reason": "QSE qualification tests passed."}
    )
    assert response.status_code == 302, _text(response)

    for lse in (participant, other_lse):
        page = _text(lead_client.get(reverse("workspace:participant-facts", args=[lse.pk])))
        assert "QSE qualified to serve load" in page and "not qualified to serve load" not in page

    response = lead_client.post(qse_page, {"form": "qse_load", "load-reason": "Suspended by Credit."})
    assert response.status_code == 302
    history = _text(lead_client.get(qse_page))
    assert "QSE qualification tests passed." in history and "Suspended by Credit." in history
    assert lead.full_name in history
    for lse in (participant, other_lse):
        assert "not qualified to serve load" in _text(
            lead_client.get(reverse("workspace:participant-facts", args=[lse.pk]))
        )
