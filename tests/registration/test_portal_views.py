"""The participant portal's registration pages: isolation, the checklist, uploads, attestation and emails."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ContactRank, ContactRole, MarketRole, ParticipantStatus, ServiceTerritory
from ercot_services.core.uploads import PDF_AND_IMAGES, check_upload
from registration.models import (
    Application,
    ApplicationKind,
    ApplicationRequirement,
    ApplicationStatus,
    ChangeType,
    ContactChange,
    Document,
    RequirementStatus,
    RequirementType,
    RoleRequirement,
)
from registration.services import (
    ATTESTATION,
    application_start,
    application_submit,
    application_update,
    application_withdraw,
    document_upload,
)
from tests.accounts.factories import MembershipFactory, ParticipantFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200
TEN_MB = 10 * 1024 * 1024

REP_LINES = {"form-b", "sfa", "puct-certification", "form-h"}
QSE_LINES = {"form-g", "sfa"}


def pdf(name="form.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def checked(upload):
    return check_upload(upload, max_bytes=TEN_MB, allowed=PDF_AND_IMAGES)


def line_of(application, code) -> ApplicationRequirement:
    return application.requirements.select_related("requirement").get(requirement__code=code)


def upload_all(application, actor):
    for line in application.requirements.select_related("requirement"):
        document_upload(actor=actor, line=line, upload=checked(pdf(f"{line.requirement.code}.pdf")))


def url(name, *args):
    return reverse(f"portal:{name}", args=args)


# --- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture
def prospect(db, account_manager):
    """A potential MP (prospective) with an AM, its AR, Backup AR and a settlement contact."""
    return ParticipantFactory(legal_name="Sundance Solar Retail LLC", prospective=True, account_manager=account_manager)


@pytest.fixture
def ar(prospect):
    return MembershipFactory(
        participant=prospect,
        user=UserFactory(full_name="Derek Gonzalez"),
        contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE,
        rank=ContactRank.PRIMARY,
    ).user


@pytest.fixture
def bar(prospect):
    return MembershipFactory(
        participant=prospect,
        user=UserFactory(full_name="Bea Backup"),
        contact_role=ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE,
        rank=ContactRank.SECONDARY,
    ).user


@pytest.fixture
def contact(prospect):
    return MembershipFactory(
        participant=prospect, user=UserFactory(full_name="Sam Settlement"), contact_role=ContactRole.SETTLEMENT
    ).user


@pytest.fixture
def draft(prospect, ar, bar):
    """An initial REP/LSE registration, as a draft, started through the service."""
    return application_start(actor=ar, participant=prospect, kind=ApplicationKind.INITIAL, role_codes=["REP", "LSE"])


@pytest.fixture
def foreign(other_participant, other_mp_user):
    """Another MP's Notice of Change of Information, with one uploaded document."""
    application = application_start(
        actor=other_mp_user,
        participant=other_participant,
        kind=ApplicationKind.REVISION,
        change_types=[ChangeType.CONTACTS],
    )
    document = document_upload(actor=other_mp_user, line=line_of(application, "form-e"), upload=checked(pdf("e.pdf")))
    return application, document


# --- access -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, name",
    [
        ("get", "application-detail"),
        ("get", "application-edit"),
        ("post", "application-edit"),
        ("post", "application-upload"),
        ("post", "application-contact-change"),
        ("post", "application-submit"),
        ("post", "application-withdraw"),
        ("get", "application-document"),
    ],
)
def test_another_mps_application_and_documents_are_404(client, ar, draft, foreign, method, name):
    application, document = foreign
    client.force_login(ar)
    if name == "application-document":
        target = url(name, document.pk)
    elif name == "application-upload":
        target = url(name, application.reference, document.line_id)
    else:
        target = url(name, application.reference)
    data = {"attest": "on", "file": pdf()} if method == "post" else None
    response = getattr(client, method)(target, data) if data else getattr(client, method)(target)
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert Document.objects.filter(line__application=application).count() == 1


def test_a_line_of_another_application_is_404_on_my_upload_url(client, ar, draft, foreign):
    application, document = foreign
    client.force_login(ar)
    response = client.post(url("application-upload", draft.reference, document.line_id), {"file": pdf()})
    assert response.status_code == 404
    assert not Document.objects.filter(line__application=draft).exists()


def test_the_application_list_shows_only_the_current_mps(client, ar, draft, foreign):
    client.force_login(ar)
    response = client.get(url("applications"))
    assert response.status_code == 200
    assert draft.reference in response.content.decode()
    assert foreign[0].reference not in response.content.decode()


def test_staff_get_403_on_portal_registration_pages(client, draft, foreign):
    application, document = foreign
    client.force_login(StaffFactory(groups=["Account Manager"]))
    for target in (
        url("applications"),
        url("application-new", "initial"),
        url("application-detail", draft.reference),
        url("application-edit", draft.reference),
        url("application-document", document.pk),
    ):
        assert client.get(target).status_code == 403, target
    assert client.post(url("application-submit", draft.reference), {"attest": "on"}).status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client, draft):
    response = client.get(url("application-detail", draft.reference))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- starting ------------------------------------------------------------------------------------------


def test_a_prospective_mp_is_offered_to_start_and_the_checklist_follows_the_roles(client, prospect, ar):
    client.force_login(ar)
    home = client.get(reverse("portal:home")).content.decode()
    assert "Start registration" in home
    listing = client.get(url("applications")).content.decode()
    assert "Start initial registration" in listing
    assert "File a Notice of Change of Information" not in listing

    response = client.post(url("application-new", "initial"), {"roles": ["REP", "LSE"], "notes": "Retail in Oncor"})
    application = Application.objects.get(participant=prospect)
    assert response.status_code == 302
    assert response["Location"] == url("application-detail", application.reference)
    assert set(application.requirements.values_list("requirement__code", flat=True)) == REP_LINES
    page = client.get(response["Location"]).content.decode()
    for name in (
        "LSE application (Form B)",
        "Signed Standard Form Market Participant Agreement (SFA)",
        "PUCT certification (number and certificate)",
        "QSE Acknowledgement (Form H) naming a QSE",
    ):
        assert name in page
    assert "QSE application (Form G)" not in page
    assert "4 of 4 still missing" in page

    # Once one is under way, the home card shows it and what is missing; no second "start" button.
    home = client.get(reverse("portal:home")).content.decode()
    assert application.reference in home
    assert "Still missing" in home
    assert "Start registration" not in home
    again = client.get(url("application-new", "initial"))
    assert again.status_code == 302 and again["Location"] == url("application-detail", application.reference)


def test_the_qse_checklist(client, prospect, ar):
    client.force_login(ar)
    response = client.post(url("application-new", "initial"), {"roles": ["QSE"]})
    application = Application.objects.get(participant=prospect)
    assert set(application.requirements.values_list("requirement__code", flat=True)) == QSE_LINES
    page = client.get(response["Location"]).content.decode()
    assert "QSE application (Form G)" in page
    assert "Signed Standard Form Market Participant Agreement (SFA)" in page
    assert "LSE application (Form B)" not in page
    assert "PUCT certification" not in page


def test_an_initial_registration_needs_a_role(client, prospect, ar):
    client.force_login(ar)
    response = client.post(url("application-new", "initial"), {"notes": "typed notes are kept"})
    assert response.status_code == 400
    assert "Choose at least one market role." in response.content.decode()
    assert "typed notes are kept" in response.content.decode()
    assert not Application.objects.exists()


def test_unknown_kind_is_404_and_wrong_kind_for_the_status_is_explained(client, ar, mp_user):
    client.force_login(ar)
    assert client.get(url("application-new", "other")).status_code == 404
    response = client.get(url("application-new", "revision"), follow=True)
    assert "complete the initial registration first" in response.content.decode()
    client.force_login(mp_user)  # an active REP/LSE
    response = client.get(url("application-new", "initial"), follow=True)
    assert "already registered" in response.content.decode()
    listing = client.get(url("applications")).content.decode()
    assert "File a Notice of Change of Information" in listing
    assert "Start initial registration" not in listing


def test_a_territory_revision_is_flagged_for_market_testing(client, participant, mp_user):
    territory = ServiceTerritory.objects.order_by("code").first()
    client.force_login(mp_user)
    response = client.post(
        url("application-new", "revision"),
        {"change_types": [ChangeType.ADD_TERRITORY], "territories_to_add": [territory.code], "notes": "From June"},
    )
    assert response.status_code == 302
    application = Application.objects.get(participant=participant)
    assert application.kind == ApplicationKind.REVISION
    assert application.requires_testing is True
    assert list(application.territories_to_add.all()) == [territory]
    assert set(application.requirements.values_list("requirement__code", flat=True)) == {"form-e"}
    page = client.get(response["Location"]).content.decode()
    assert "requires market testing" in page
    assert territory.name in page


def test_a_name_revision_needs_no_testing_and_details_of_unchosen_changes_are_dropped(client, participant, mp_user):
    client.force_login(mp_user)
    client.post(
        url("application-new", "revision"),
        {
            "change_types": [ChangeType.NAME],
            "new_legal_name": "Bright Power LLC",
            "service_provider_name": "Ignored Inc",
        },
    )
    application = Application.objects.get(participant=participant)
    assert application.requires_testing is False
    assert application.new_legal_name == "Bright Power LLC"
    assert application.service_provider_name == ""


def test_a_revision_form_refuses_account_numbers_and_keeps_what_was_typed(client, participant, mp_user):
    client.force_login(mp_user)
    response = client.post(
        url("application-new", "revision"),
        {"change_types": [ChangeType.BANKING], "banking_note": "New account 1234 5678 90", "notes": "keep me"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "account or routing number" in page
    assert "keep me" in page
    assert not Application.objects.exists()


def test_editing_a_draft_changes_the_checklist(client, ar, draft):
    client.force_login(ar)
    assert client.get(url("application-edit", draft.reference)).status_code == 200
    response = client.post(url("application-edit", draft.reference), {"roles": ["QSE"]})
    assert response.status_code == 302
    assert set(draft.requirements.values_list("requirement__code", flat=True)) == QSE_LINES


# --- documents ----------------------------------------------------------------------------------------


def test_uploads_create_versions_and_keep_the_old_ones(client, contact, draft):
    client.force_login(contact)  # any MP user may draft
    line = line_of(draft, "sfa")
    target = url("application-upload", draft.reference, line.pk)
    first = client.post(target, {"file": pdf("sfa-draft.pdf")})
    assert first.status_code == 302
    assert first["Location"].endswith(f"#line-{line.pk}")
    second = client.post(target, {"file": SimpleUploadedFile("sfa-signed.png", PNG, content_type="image/png")})
    assert second.status_code == 302
    versions = list(line.documents.order_by("version"))
    assert [(d.version, d.original_name, d.content_type) for d in versions] == [
        (1, "sfa-draft.pdf", "application/pdf"),
        (2, "sfa-signed.png", "image/png"),
    ]
    line.refresh_from_db()
    assert line.status == RequirementStatus.PROVIDED
    page = client.get(url("application-detail", draft.reference)).content.decode()
    checklist = page[page.index('id="checklist"') :]
    assert checklist.index("sfa-signed.png") < checklist.index("sfa-draft.pdf")  # latest first
    for document in versions:
        response = client.get(url("application-document", document.pk))
        assert response.status_code == 200
        assert response["Content-Type"] == document.content_type
        assert document.original_name in response["Content-Disposition"]
        assert b"".join(response.streaming_content) in (PDF, PNG)


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("form.pdf", EXE, content_type="application/pdf"), "is not an accepted file type"),
        (SimpleUploadedFile("notes.txt", b"just some text", content_type="text/plain"), "is not an accepted file type"),
        (SimpleUploadedFile("big.pdf", PDF + b"0" * TEN_MB, content_type="application/pdf"), "the limit is 10"),
        (SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf"), "empty"),
    ],
    ids=["exe-named-pdf", "text", "too-large", "empty"],
)
def test_bad_uploads_are_refused_on_their_line(client, ar, draft, upload, message):
    client.force_login(ar)
    line = line_of(draft, "form-b")
    response = client.post(url("application-upload", draft.reference, line.pk), {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "Nothing was saved" in page
    # The error sits on the line that was posted to.
    start = page.index(f'id="line-{line.pk}"')
    assert message in page[start : page.index("</li>", start)]
    assert not Document.objects.exists()
    line.refresh_from_db()
    assert line.status == RequirementStatus.MISSING


def test_missing_file_is_a_clear_error(client, ar, draft):
    client.force_login(ar)
    line = line_of(draft, "form-b")
    response = client.post(url("application-upload", draft.reference, line.pk), {})
    assert response.status_code == 400
    assert "Choose a file to upload." in response.content.decode()


def test_no_uploads_once_submitted(client, ar, draft):
    upload_all(draft, ar)
    application_submit(actor=ar, application=draft, attest=True)
    client.force_login(ar)
    line = line_of(draft, "sfa")
    response = client.post(url("application-upload", draft.reference, line.pk), {"file": pdf()})
    assert response.status_code == 400
    assert "can only be changed while a draft" in response.content.decode()
    assert line.documents.count() == 1


# --- attestation and submission ------------------------------------------------------------------------


def test_a_contact_who_is_not_an_ar_cannot_submit(client, contact, ar, bar, draft):
    upload_all(draft, contact)
    client.force_login(contact)
    page = client.get(url("application-detail", draft.reference)).content.decode()
    assert "Only your Authorized Representative or Backup AR can submit" in page
    assert "Derek Gonzalez" in page and "Bea Backup" in page
    assert url("application-submit", draft.reference) not in page
    response = client.post(url("application-submit", draft.reference), {"attest": "on"})
    assert response.status_code == 400
    assert "Only an Authorized Representative or Backup Authorized Representative" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT
    assert draft.attested_by is None


def test_the_ar_attests_and_submits(client, ar, draft, prospect):
    upload_all(draft, ar)
    client.force_login(ar)
    page = client.get(url("application-detail", draft.reference)).content.decode()
    assert ATTESTATION.format(participant=prospect.legal_name) in page
    assert "Attest and submit" in page
    response = client.post(url("application-submit", draft.reference), {"attest": "on"}, follow=True)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED
    assert draft.attested_by == ar
    page = response.content.decode()
    assert "was submitted" in page
    assert "Client Services reviews within 10 Business Days: due by" in page
    assert "Business Days left" in page or "due today" in page
    assert "Attested and submitted by" in page and "Derek Gonzalez" in page
    prospect.refresh_from_db()
    assert prospect.status == ParticipantStatus.REGISTERING
    listing = client.get(url("applications")).content.decode()
    assert "due by" in listing


def test_the_attestation_box_must_be_ticked(client, ar, draft):
    upload_all(draft, ar)
    client.force_login(ar)
    response = client.post(url("application-submit", draft.reference), {})
    assert response.status_code == 400
    assert "Confirm the attestation to submit." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_submitting_with_missing_documents_lists_them(client, ar, draft):
    document_upload(actor=ar, line=line_of(draft, "form-b"), upload=checked(pdf()))
    client.force_login(ar)
    response = client.post(url("application-submit", draft.reference), {"attest": "on"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Still missing:" in page
    for name in (
        "Signed Standard Form Market Participant Agreement (SFA)",
        "PUCT certification (number and certificate)",
        "QSE Acknowledgement (Form H) naming a QSE",
    ):
        assert name in page[page.index("Still missing:") :]
    assert "Still missing: LSE application (Form B)" not in page
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_the_submission_email_goes_to_ar_and_bar_with_the_am_in_copy_once(
    client, ar, bar, contact, draft, account_manager, django_capture_on_commit_callbacks, mailoutbox
):
    upload_all(draft, ar)
    client.force_login(bar)  # the Backup AR may submit too
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("application-submit", draft.reference), {"attest": "on"})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url("application-submit", draft.reference), {"attest": "on"})
    assert again.status_code == 400
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert sorted(message.to) == sorted([ar.email, bar.email])
    assert contact.email not in message.to
    assert message.cc == [account_manager.email]
    assert draft.reference in message.subject


def test_answering_an_information_request_resubmits(client, ar, draft, reviewer):
    from registration.services import application_request_info, application_start_review

    upload_all(draft, ar)
    application_submit(actor=ar, application=draft, attest=True)
    application_start_review(actor=reviewer, application=draft)
    application_request_info(actor=reviewer, application=draft, message="Please send the countersigned SFA.")
    client.force_login(ar)
    page = client.get(url("application-detail", draft.reference)).content.decode()
    assert "Please send the countersigned SFA." in page
    assert "paused while information is requested" in page
    assert "Attest and resubmit" in page
    listing = client.get(url("applications")).content.decode()
    assert "paused while information is requested" in listing
    line = line_of(draft, "sfa")
    assert (
        client.post(url("application-upload", draft.reference, line.pk), {"file": pdf("countersigned.pdf")}).status_code
        == 302
    )
    response = client.post(url("application-submit", draft.reference), {"attest": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.RESUBMITTED


def test_a_decision_and_its_reason_are_shown(client, ar, draft, reviewer):
    from registration.services import application_reject, application_start_review, document_review

    upload_all(draft, ar)
    application_submit(actor=ar, application=draft, attest=True)
    application_start_review(actor=reviewer, application=draft)
    draft.refresh_from_db()
    document = line_of(draft, "puct-certification").documents.get()
    document_review(actor=reviewer, document=document, accept=False, reason="The certificate has expired.")
    client.force_login(ar)
    page = client.get(url("application-detail", draft.reference)).content.decode()
    assert "Rejected" in page and "The certificate has expired." in page
    application_reject(actor=reviewer, application=draft, reason="PUCT certification is not valid.")
    page = client.get(url("application-detail", draft.reference)).content.decode()
    assert "Decision: rejected" in page
    assert "PUCT certification is not valid." in page
    listing = client.get(url("applications")).content.decode()
    assert "PUCT certification is not valid." in listing


# --- contact changes and withdrawal --------------------------------------------------------------------


def test_contact_changes_are_added_and_bad_ones_keep_what_was_typed(client, ar, draft):
    client.force_login(ar)
    target = url("application-contact-change", draft.reference)
    data = {
        "action": "add",
        "contact_role": ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE,
        "rank": ContactRank.SECONDARY,
        "full_name": "Nora New",
        "email": "not-an-email",
        "phone": "512-555-0101",
    }
    response = client.post(target, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nora New" in page and "512-555-0101" in page
    assert not ContactChange.objects.exists()
    response = client.post(target, {**data, "email": "Nora.New@Example.com"})
    assert response.status_code == 302
    change = ContactChange.objects.get()
    assert (change.full_name, change.email, change.contact_role) == ("Nora New", "nora.new@example.com", "bar")
    assert "Nora New" in client.get(url("application-detail", draft.reference)).content.decode()


def test_withdraw_a_draft_with_a_reason(client, contact, draft):
    client.force_login(contact)
    response = client.post(url("application-withdraw", draft.reference), {"reason": "Filed by mistake"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.WITHDRAWN
    assert draft.decision_reason == "Filed by mistake"
    page = client.get(url("application-detail", draft.reference)).content.decode()
    assert "Filed by mistake" in page
    assert url("application-withdraw", draft.reference) not in page
    again = client.post(url("application-withdraw", draft.reference), {})
    assert again.status_code == 400
    assert "cannot become Withdrawn" in again.content.decode()


# --- query counts --------------------------------------------------------------------------------------


def _count(client, target) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(target)
    assert response.status_code == 200
    return len(queries)


def test_the_detail_page_costs_the_same_with_2_or_12_lines(client, ar, prospect):
    application = application_start(actor=ar, participant=prospect, kind=ApplicationKind.INITIAL, role_codes=["QSE"])
    upload_all(application, ar)
    client.force_login(ar)
    target = url("application-detail", application.reference)
    client.get(target)  # warm the session
    assert application.requirements.count() == 2
    few = _count(client, target)

    qse = MarketRole.objects.get(code="QSE")
    for n in range(10):
        requirement = RequirementType.objects.create(code=f"extra-{n}", name=f"Extra form {n}", sort_order=200 + n)
        RoleRequirement.objects.create(role=qse, requirement=requirement)
    application_update(actor=ar, application=application, role_codes=["QSE"])
    upload_all(application, ar)  # every line now has one or two versions
    assert application.requirements.count() == 12
    assert _count(client, target) == few


def test_the_list_costs_the_same_with_2_or_12_applications(client, ar, prospect):
    def start():
        return application_start(
            actor=ar, participant=prospect, kind=ApplicationKind.INITIAL, role_codes=["QSE", "REP"]
        )

    for _ in range(2):
        start()
    client.force_login(ar)
    target = url("applications")
    client.get(target)
    few = _count(client, target)
    for n in range(10):
        application = start()
        if n % 3 == 0:
            application_withdraw(actor=ar, application=application, reason="duplicate")
    assert Application.objects.filter(participant=prospect).count() == 12
    assert _count(client, target) == few


def test_the_home_card_costs_the_same_with_more_applications(client, ar, prospect):
    client.force_login(ar)
    application_start(actor=ar, participant=prospect, kind=ApplicationKind.INITIAL, role_codes=["QSE"])
    target = reverse("portal:home")
    client.get(target)
    few = _count(client, target)
    for _ in range(5):
        application_start(actor=ar, participant=prospect, kind=ApplicationKind.INITIAL, role_codes=["REP"])
    assert _count(client, target) == few
