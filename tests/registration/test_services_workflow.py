"""The review workflow: every transition allowed and refused, documents and their versions, editing rules."""

import itertools

import pytest

from accounts.models import ContactRole
from ercot_services.core.models import AuditEvent, DomainError
from registration.models import (
    APPLICATION_TRANSITIONS,
    Application,
    ApplicationKind,
    ApplicationStatus,
    Document,
    RequirementStatus,
)
from registration.services import (
    application_approve,
    application_reject,
    application_request_info,
    application_start,
    application_start_review,
    application_submit,
    application_update,
    application_withdraw,
    contact_change_add,
    document_review,
    document_upload,
)
from registration.services.common import _move as _guarded_move

from .conftest import ct, line, pdf

pytestmark = pytest.mark.django_db

S = ApplicationStatus
PAIRS = list(itertools.product(S.values, S.values))


def _move(kit, application, to_status, *, ar):
    """Ask for ``to_status`` through the service that produces it."""
    if to_status == S.DRAFT:
        # No service moves an application back to draft; the guard every service uses refuses it.
        return _guarded_move(Application.objects.get(pk=application.pk), to_status)
    if to_status in (S.SUBMITTED, S.RESUBMITTED):
        return application_submit(actor=ar, application=application, attest=True)
    if to_status == S.UNDER_REVIEW:
        return application_start_review(actor=kit.reviewer, application=application)
    if to_status == S.INFO_REQUESTED:
        return application_request_info(actor=kit.reviewer, application=application, message="Send page 2.")
    if to_status == S.APPROVED:
        return application_approve(actor=kit.reviewer, application=application)
    if to_status == S.REJECTED:
        return application_reject(actor=kit.reviewer, application=application, reason="Form E is unsigned.")
    if to_status == S.WITHDRAWN:
        return application_withdraw(actor=ar, application=application, reason="Filed twice")
    raise AssertionError(to_status)


@pytest.mark.parametrize(("from_status", "to_status"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_transition(kit, participant, ar, from_status, to_status):
    application = kit.build(participant, ar, from_status, kind=ApplicationKind.REVISION)
    assert application.status == from_status
    allowed = APPLICATION_TRANSITIONS[from_status]
    # Submitting picks its target from where the application is: a resubmission after an information request.
    submit_target = S.RESUBMITTED if from_status == S.INFO_REQUESTED else S.SUBMITTED
    if to_status in (S.SUBMITTED, S.RESUBMITTED) and to_status != submit_target and submit_target in allowed:
        assert to_status not in allowed
        _move(kit, application, to_status, ar=ar)
        assert Application.objects.get(pk=application.pk).status == submit_target != to_status
        return

    if to_status in allowed:
        _move(kit, application, to_status, ar=ar)
        assert Application.objects.get(pk=application.pk).status == to_status
        return

    events_before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        _move(kit, application, to_status, ar=ar)
    message = str(refused.value)
    assert application.reference in message
    assert f"is {S(from_status).label}" in message
    if allowed:
        assert "Allowed next: " in message
        for status in allowed:
            assert S(status).label in message.split("Allowed next: ")[1], (status, message)
    else:
        assert "Allowed next: none (final)" in message
    assert Application.objects.get(pk=application.pk).status == from_status
    assert AuditEvent.objects.count() == events_before


def test_transitions_are_audited_with_old_and_new_status(kit, participant, ar):
    application = kit.build(participant, ar, S.APPROVED, kind=ApplicationKind.REVISION)

    moves = [
        (e.verb, e.changes["status"])
        for e in AuditEvent.objects.for_object(application)
        .filter(changes__has_key="status")
        .order_by("created_at", "id")
    ]
    assert moves == [
        ("application.submitted", ["draft", "submitted"]),
        ("application.review_started", ["submitted", "under_review"]),
        ("application.approved", ["under_review", "approved"]),
    ]
    assert set(AuditEvent.objects.for_object(application).values_list("participant", flat=True)) == {participant.pk}


def test_submit_refuses_missing_documents_and_lists_them(kit, prospect, prospect_ar):
    application = kit.start(prospect, prospect_ar, roles=["REP"])
    document_upload(actor=prospect_ar, line=line(application, "form-b"), upload=pdf())

    with pytest.raises(DomainError) as refused:
        application_submit(actor=prospect_ar, application=application, attest=True)

    message = str(refused.value)
    assert message.startswith("Still missing: ")
    assert "Signed Standard Form Market Participant Agreement (SFA)" in message
    assert "PUCT certification (number and certificate)" in message
    assert "QSE Acknowledgement (Form H) naming a QSE" in message
    assert "Form B" not in message
    application.refresh_from_db()
    assert application.status == S.DRAFT
    prospect.refresh_from_db()
    assert prospect.status == "prospective"


def test_a_withdrawn_application_says_so_rather_than_what_is_missing(kit, prospect, prospect_ar):
    application = kit.start(prospect, prospect_ar, roles=["REP"])
    application_withdraw(actor=prospect_ar, application=application)

    with pytest.raises(DomainError, match=r"is Withdrawn: it cannot become Submitted\. Allowed next: none \(final\)"):
        application_submit(actor=prospect_ar, application=application, attest=True)


def test_an_initial_registration_needs_a_role_and_a_revision_a_change(kit, prospect, prospect_ar, participant, ar):
    initial = kit.start(prospect, prospect_ar)
    with pytest.raises(DomainError, match="Choose at least one market role"):
        application_submit(actor=prospect_ar, application=initial, attest=True)

    revision = kit.start(participant, ar, kind=ApplicationKind.REVISION, roles=["QSE"])
    kit.provide_all(revision, ar)
    with pytest.raises(DomainError, match="Choose what changes"):
        application_submit(actor=ar, application=revision, attest=True)
    assert Application.objects.get(pk=revision.pk).status == S.DRAFT


def test_the_kind_must_fit_the_mp(prospect, prospect_ar, participant, ar):
    with pytest.raises(DomainError, match="already registered: file a Notice of Change of Information"):
        application_start(actor=ar, participant=participant, kind=ApplicationKind.INITIAL)
    with pytest.raises(DomainError, match="start an initial registration"):
        application_start(actor=prospect_ar, participant=prospect, kind=ApplicationKind.REVISION)
    assert not Application.objects.exists()


def test_unknown_change_types_are_refused(kit, participant, ar):
    application = kit.start(participant, ar, kind=ApplicationKind.REVISION, changes=["name"])
    with pytest.raises(DomainError, match="Unknown change type"):
        application_update(actor=ar, application=application, change_types=["name", "new_ceo"])
    with pytest.raises(DomainError, match="cannot be changed here"):
        application_update(actor=ar, application=application, status="approved")


def test_references_are_numbered_per_year(participant, ar):
    first = application_start(actor=ar, participant=participant, kind="revision", now=ct(2025, 12, 31, 12))
    second = application_start(actor=ar, participant=participant, kind="revision", now=ct(2026, 1, 2, 9))
    third = application_start(actor=ar, participant=participant, kind="revision", now=ct(2026, 1, 2, 10))

    assert [first.reference, second.reference, third.reference] == [
        "REG-2025-00001",
        "REG-2026-00001",
        "REG-2026-00002",
    ]
    assert first.created_at == ct(2025, 12, 31, 12)


def test_approve_refuses_while_a_document_is_not_accepted(kit, prospect, prospect_ar):
    application = kit.start(prospect, prospect_ar, roles=["QSE"])
    kit.provide_all(application, prospect_ar)
    kit.submit(application, prospect_ar)
    kit.review(application)
    sfa = line(application, "sfa").documents.get()
    document_review(actor=kit.reviewer, document=sfa, accept=True)

    with pytest.raises(DomainError) as refused:
        application_approve(actor=kit.reviewer, application=application)

    assert "Not yet accepted: QSE application (Form G)" in str(refused.value)
    assert "SFA" not in str(refused.value)
    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW
    prospect.refresh_from_db()
    assert prospect.role_codes() == []

    document_review(actor=kit.reviewer, document=line(application, "form-g").documents.get(), accept=True)
    application_approve(actor=kit.reviewer, application=application)
    assert Application.objects.get(pk=application.pk).status == S.APPROVED


def test_reject_needs_a_reason(kit, participant, ar):
    application = kit.build(participant, ar, S.UNDER_REVIEW, kind=ApplicationKind.REVISION)

    for reason in ("", "   "):
        with pytest.raises(DomainError, match="Give the reason for rejecting"):
            application_reject(actor=kit.reviewer, application=application, reason=reason)
    assert Application.objects.get(pk=application.pk).status == S.UNDER_REVIEW

    application_reject(actor=kit.reviewer, application=application, reason="  The SFA is not signed.  ")
    application.refresh_from_db()
    assert (application.status, application.decision_reason, application.decided_by) == (
        S.REJECTED,
        "The SFA is not signed.",
        kit.reviewer,
    )
    assert application.decided_at is not None
    assert (
        AuditEvent.objects.for_object(application).get(verb="application.rejected").reason.strip()
        == "The SFA is not signed."
    )


def test_request_info_needs_a_message(kit, participant, ar):
    application = kit.build(participant, ar, S.UNDER_REVIEW, kind=ApplicationKind.REVISION)
    with pytest.raises(DomainError, match="Say what information is needed"):
        application_request_info(actor=kit.reviewer, application=application, message=" ")
    assert Application.objects.get(pk=application.pk).status == S.UNDER_REVIEW


def test_rejecting_a_document_needs_a_reason_and_happens_during_review(kit, participant, ar):
    draft = kit.build(participant, ar, S.DRAFT, kind=ApplicationKind.REVISION)
    with pytest.raises(DomainError, match="Start the review"):
        document_review(actor=kit.reviewer, document=Document.objects.get(line__application=draft), accept=True)

    application = kit.build(participant, ar, S.SUBMITTED, kind=ApplicationKind.REVISION)
    kit.review(application)
    document = Document.objects.get(line__application=application)
    with pytest.raises(DomainError, match="Give the reason for rejecting the document"):
        document_review(actor=kit.reviewer, document=document, accept=False, reason="")
    with pytest.raises(DomainError, match="Only Client Services staff"):
        document_review(actor=ar, document=document, accept=True)
    document.refresh_from_db()
    assert document.review_status == RequirementStatus.PROVIDED


def test_versions_increase_and_old_versions_are_kept(kit, participant, ar):
    application = kit.start(participant, ar, kind=ApplicationKind.REVISION, changes=["name"])
    form_e = line(application, "form-e")

    for index in range(3):
        document_upload(
            actor=ar,
            line=form_e,
            upload=pdf(f"Form E v{index + 1}.pdf", content=b"%PDF-1.4\n%" + bytes([65 + index]) + b"\n%%EOF\n"),
        )

    documents = list(form_e.documents.all())
    assert [d.version for d in documents] == [3, 2, 1]
    assert [d.original_name for d in documents] == ["Form E v3.pdf", "Form E v2.pdf", "Form E v1.pdf"]
    assert len({d.file.name for d in documents}) == 3
    for document in documents:
        assert document.content_type == "application/pdf"
        with document.file.open("rb") as stored:
            assert stored.read().startswith(b"%PDF-1.4")
    assert AuditEvent.objects.for_object(application).filter(verb="application.document_uploaded").count() == 3


def test_a_rejected_document_rejects_its_line_until_a_new_upload(kit, participant, ar):
    application = kit.build(participant, ar, S.SUBMITTED, kind=ApplicationKind.REVISION)
    kit.review(application)
    first = Document.objects.get(line__application=application)

    document_review(actor=kit.reviewer, document=first, accept=False, reason="Page 2 is missing")

    form_e = line(application, "form-e")
    assert (form_e.status, form_e.review_reason) == (RequirementStatus.REJECTED, "Page 2 is missing")
    first.refresh_from_db()
    assert (first.review_status, first.reviewed_by) == (RequirementStatus.REJECTED, kit.reviewer)

    kit.request_info(application, message="Upload Form E with page 2.")
    # A rejected line counts as missing again.
    with pytest.raises(DomainError, match=r"Still missing: Notice of Change of Information \(Form E\)"):
        application_submit(actor=ar, application=application, attest=True)

    second = document_upload(actor=ar, line=form_e, upload=pdf("form-e-complete.pdf"))

    form_e.refresh_from_db()
    assert (form_e.status, form_e.review_reason) == (RequirementStatus.PROVIDED, "")
    assert second.version == 2
    first.refresh_from_db()
    assert first.review_status == RequirementStatus.REJECTED  # the old version keeps its review

    kit.submit(application, ar)
    kit.review(application)
    # Reviewing the old version again does not change the line: the newest version decides.
    document_review(actor=kit.reviewer, document=first, accept=True)
    assert line(application, "form-e").status == RequirementStatus.PROVIDED
    document_review(actor=kit.reviewer, document=second, accept=True)
    assert line(application, "form-e").status == RequirementStatus.ACCEPTED


def test_a_document_review_reads_the_current_status_not_a_stale_copy(kit, participant, ar):
    application = kit.build(participant, ar, S.UNDER_REVIEW, kind=ApplicationKind.REVISION)
    stale = Application.objects.get(pk=application.pk)
    document = stale.requirements.get().documents.get()  # document.line.application is this copy: under review
    kit.request_info(application)  # meanwhile, another reviewer asks for information

    with pytest.raises(DomainError, match="Start the review"):
        document_review(actor=kit.reviewer, document=document, accept=False, reason="Unsigned")

    assert Document.objects.get(pk=document.pk).review_status == RequirementStatus.ACCEPTED


CLOSED_TO_EDITS = [S.SUBMITTED, S.UNDER_REVIEW, S.RESUBMITTED, S.APPROVED, S.REJECTED, S.WITHDRAWN]


@pytest.mark.parametrize("status", CLOSED_TO_EDITS)
def test_editing_is_refused_outside_draft_and_information_requested(kit, participant, ar, status):
    application = kit.build(participant, ar, status, kind=ApplicationKind.REVISION)
    form_e = line(application, "form-e")
    documents = form_e.documents.count()

    edits = [
        lambda: application_update(actor=ar, application=application, notes="One more thing"),
        lambda: document_upload(actor=ar, line=form_e, upload=pdf()),
        lambda: contact_change_add(
            actor=ar,
            application=application,
            action="add",
            contact_role=ContactRole.TECHNICAL,
            full_name="Tess Tech",
            email="tess@example.com",
        ),
    ]
    for edit in edits:
        with pytest.raises(DomainError, match="can only be changed while a draft or while information is requested"):
            edit()

    application.refresh_from_db()
    assert application.notes == ""
    assert form_e.documents.count() == documents
    assert not application.contact_changes.exists()


@pytest.mark.parametrize("status", [S.DRAFT, S.INFO_REQUESTED])
def test_editing_is_allowed_while_drafting_or_answering(kit, participant, ar, status):
    application = kit.build(participant, ar, status, kind=ApplicationKind.REVISION)

    application_update(actor=ar, application=application, notes="Updated page 2")
    document_upload(actor=ar, line=line(application, "form-e"), upload=pdf())
    contact_change_add(
        actor=ar,
        application=application,
        action="add",
        contact_role=ContactRole.TECHNICAL,
        full_name="Tess Tech",
        email=" Tess@Example.com ",
    )

    application.refresh_from_db()
    assert application.notes == "Updated page 2"
    assert line(application, "form-e").documents.count() == 2
    assert application.contact_changes.get().email == "tess@example.com"


def test_withdrawing_records_who_and_why(kit, participant, ar):
    application = kit.build(participant, ar, S.INFO_REQUESTED, kind=ApplicationKind.REVISION)

    application_withdraw(actor=ar, application=application, reason="We will file again next month")

    application.refresh_from_db()
    assert (application.status, application.decided_by, application.decision_reason) == (
        S.WITHDRAWN,
        ar,
        "We will file again next month",
    )
