"""Qualification letters (seed 004): who receives them, the changes that produce none, numbering, the PDF, and
what follows a new MP's letter (certificate, connectivity specifications, Service Desk request, activation)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from accounts.models import ContactRank, ContactRole, ParticipantStatus
from cases.models import Case
from ercot_services.core.models import AuditEvent, DomainError
from qualification.models import (
    CertificateRequest,
    CertificateStatus,
    ChangeKind,
    ConnectivitySpec,
    ConnectivityTest,
    EnrollmentStatus,
    LetterDelivery,
    QualificationLetter,
)
from qualification.services import (
    certificate_advance,
    connectivity_spec_update,
    connectivity_test_record,
    enrollment_record_without_letter,
    letter_blockers,
    letter_recipients,
)
from tests.accounts.factories import MembershipFactory

from .conftest import pdf_text

pytestmark = pytest.mark.django_db

TO, COPY = LetterDelivery.Kind.TO, LetterDelivery.Kind.COPY


def people(mp, *keys):
    return {mp.people[key].email for key in keys}


def deliveries(letter):
    return {(d.email, d.kind) for d in letter.deliveries.all()}


# --- recipients ---------------------------------------------------------------------------------------


def test_a_rep_letter_goes_to_its_ar_and_bar_with_copies_to_each_tdsp_partners_ar_and_bar(
    q, rep, oncor, centerpoint, tnmp, qse
):
    # Tested with two TDSPs and with a QSE (not a TDSP: no copy); TNMP was not a partner.
    enrollment = q.ready(rep, [oncor, centerpoint, qse])

    rows = letter_recipients(enrollment)

    assert {(r["email"], r["kind"]) for r in rows} == (
        {(email, TO) for email in people(rep, "ar", "bar")}
        | {(email, COPY) for email in people(oncor, "ar", "bar") | people(centerpoint, "ar", "bar")}
    )
    assert len(rows) == 6
    by_email = {r["email"]: r for r in rows}
    assert by_email[rep.people["ar"].email]["capacity"] == "Authorized Representative of BLUEBONNET"
    assert by_email[rep.people["bar"].email]["capacity"] == "Backup Authorized Representative of BLUEBONNET"
    assert (
        by_email[oncor.people["bar"].email]["capacity"] == "Backup Authorized Representative of trading partner ONCOR"
    )
    assert by_email[centerpoint.people["ar"].email]["name"] == "Carla Cruz"
    # The MP's own recipients come first.
    assert [r["kind"] for r in rows] == [TO, TO, COPY, COPY, COPY, COPY]

    letter = q.issue(enrollment)
    assert deliveries(letter) == {(r["email"], r["kind"]) for r in rows}
    # Written pending; the task sends them after commit (test_services_sending.py).
    assert set(letter.deliveries.values_list("status", flat=True)) == {LetterDelivery.Status.PENDING}


def test_no_one_receives_the_letter_twice(q, rep, oncor, centerpoint):
    # Olivia is Oncor's AR and also CenterPoint's Backup AR; Ben is the REP's BAR and also Oncor's (second) BAR.
    MembershipFactory(
        participant=centerpoint,
        user=oncor.people["ar"],
        contact_role=ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE,
        rank=ContactRank.SECONDARY,
    )
    MembershipFactory(
        participant=oncor,
        user=rep.people["bar"],
        contact_role=ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE,
        rank=ContactRank.SECONDARY,
    )
    enrollment = q.ready(rep, [oncor, centerpoint])

    rows = letter_recipients(enrollment)

    emails = [r["email"] for r in rows]
    assert len(emails) == len(set(emails)) == 6
    kinds = {r["email"]: r["kind"] for r in rows}
    assert kinds[rep.people["bar"].email] == TO  # the letter itself, not a copy
    assert kinds[oncor.people["ar"].email] == COPY
    letter = q.issue(enrollment)
    assert letter.deliveries.count() == 6


def test_former_contacts_and_other_roles_receive_nothing(q, rep, oncor):
    oncor_bar = oncor.memberships.get(contact_role=ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE)
    oncor_bar.is_active = False
    oncor_bar.save(update_fields=["is_active"])
    enrollment = q.ready(rep, [oncor])

    emails = {r["email"] for r in letter_recipients(enrollment)}

    assert emails == people(rep, "ar", "bar") | people(oncor, "ar")
    assert rep.people["technical"].email not in emails


@pytest.mark.parametrize("role", ["QSE", "RE", "TDSP"])
def test_a_non_rep_letter_goes_to_its_own_ar_and_bar_only(q, qse, oncor, centerpoint, role):
    qse.roles.set(qse.roles.model.objects.filter(code=role))
    enrollment = q.ready(qse, [oncor, centerpoint], change=ChangeKind.NEW_FUNCTIONALITY)

    letter = q.issue(enrollment)

    assert deliveries(letter) == {(email, TO) for email in people(qse, "ar", "bar")}


def test_no_letter_without_an_authorized_representative(q, rep, oncor):
    rep.memberships.filter(
        contact_role__in=[ContactRole.AUTHORIZED_REPRESENTATIVE, ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE]
    ).update(is_active=False)
    enrollment = q.ready(rep, [oncor])
    with pytest.raises(DomainError, match="has no active Authorized Representative"):
        q.issue(enrollment)
    assert not QualificationLetter.objects.exists()


# --- changes that produce no letter ------------------------------------------------------------------


def test_a_banking_change_is_recorded_only(q, rep, oncor):
    enrollment = q.ready(rep, [oncor], change=ChangeKind.BANKING)
    assert letter_blockers(enrollment) == ["A banking change is recorded only: it produces no qualification letter."]

    with pytest.raises(DomainError, match="A banking change is recorded only: it produces no qualification letter"):
        q.issue(enrollment)

    recorded = enrollment_record_without_letter(actor=q.retail_ops, enrollment=enrollment)
    assert recorded.status == EnrollmentStatus.RECORDED
    event = AuditEvent.objects.for_object(enrollment).get(verb="enrollment.recorded_without_letter")
    assert event.reason.startswith("A banking change is recorded only")
    assert not QualificationLetter.objects.exists()
    assert not ConnectivitySpec.objects.exists()
    assert not ConnectivityTest.objects.exists()
    assert not CertificateRequest.objects.exists()
    assert not Case.objects.filter(participant=rep).exists()


def test_a_service_provider_change_asks_for_connectivity_specs_and_a_connectivity_test(q, rep, oncor):
    enrollment = q.ready(rep, [oncor], change=ChangeKind.SERVICE_PROVIDER)

    with pytest.raises(DomainError) as refused:
        q.issue(enrollment)
    assert "A service provider change produces no qualification letter" in str(refused.value)
    assert "update its production connectivity specifications" in str(refused.value)

    enrollment_record_without_letter(actor=q.retail_ops, enrollment=enrollment)

    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.RECORDED
    assert not QualificationLetter.objects.exists()
    assert not CertificateRequest.objects.exists()
    spec = ConnectivitySpec.objects.get(participant=rep)
    assert spec.status == ConnectivitySpec.Status.REQUESTED
    assert spec.requested_reason == "Service provider change"
    test = ConnectivityTest.objects.get(participant=rep)
    assert (test.enrollment, test.status) == (enrollment, ConnectivityTest.Status.REQUESTED)
    assert test.reason == "Service provider change"
    # The AR or BAR submits the Service Desk ticket once the specifications are updated (test_connectivity_ticket.py).
    assert test.service_request is None
    assert not Case.objects.filter(participant=rep).exists()


def test_a_change_that_produces_a_letter_is_not_recorded_without_one(q, rep, oncor):
    enrollment = q.ready(rep, [oncor])
    with pytest.raises(DomainError, match="This change produces a qualification letter: issue the letter instead"):
        enrollment_record_without_letter(actor=q.retail_ops, enrollment=enrollment)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.HANDED_OVER


# --- blockers -------------------------------------------------------------------------------------------


def test_no_letter_before_the_hand_over_or_twice(q, rep, oncor):
    enrollment = q.enroll(rep)
    with pytest.raises(DomainError, match="Testing is not recorded as completed"):
        q.issue(enrollment)
    q.complete(enrollment, [oncor])
    with pytest.raises(DomainError, match="has not handed the result to Retail Operations yet"):
        q.issue(enrollment)
    q.hand_over(enrollment)
    letter = q.issue(enrollment)
    with pytest.raises(DomainError, match=f"Letter {letter.number} was already issued"):
        q.issue(enrollment)
    assert QualificationLetter.objects.count() == 1


# --- numbering and the PDF ---------------------------------------------------------------------------------


def test_letter_numbers_follow_the_year_and_increase(q, rep, qse, oncor, centerpoint):
    first = q.issue(q.ready(rep, [oncor]))
    second = q.issue(q.ready(qse, [centerpoint], change=ChangeKind.NEW_FUNCTIONALITY))
    third = q.issue(q.ready(rep, [centerpoint], change=ChangeKind.NEW_FUNCTIONALITY))

    year = timezone.localdate().year
    numbers = [first.number, second.number, third.number]
    assert all(re.fullmatch(rf"QL-{year}-\d{{4}}", n) for n in numbers)
    values = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert values == [values[0], values[0] + 1, values[0] + 2]


def test_a_new_year_starts_a_new_sequence(q, rep, qse, oncor):
    first = q.issue(q.ready(rep, [oncor]), today=datetime.date(2031, 12, 31))
    second = q.issue(q.ready(qse, [oncor], change=ChangeKind.NEW_FUNCTIONALITY), today=datetime.date(2032, 1, 2))
    assert (first.number, second.number) == ("QL-2031-0001", "QL-2032-0001")
    assert first.issued_on == first.effective_date == datetime.date(2031, 12, 31)


def test_the_pdf_opens_and_names_the_mp_the_flight_the_partners_and_the_functions(
    q, rep, oncor, centerpoint, functions
):
    enrollment = q.ready(rep, [oncor, centerpoint])
    effective = timezone.localdate() + datetime.timedelta(days=10)

    letter = q.issue(enrollment, effective_date=effective)

    letter = QualificationLetter.objects.get(pk=letter.pk)
    with letter.pdf.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected in [
        "Bluebonnet Retail Energy LLC",
        f"Flight {q.flight.name}",
        "Oncor Electric Delivery Company LLC",
        "CenterPoint Energy Houston Electric LLC",
        *[f.name for f in functions],
        letter.number,
        "Market roles: LSE, REP",
        f"{effective:%B %d, %Y}",
        "New territory",
        "Rita Ramirez",
    ]:
        assert expected in text, expected
    assert "Gulf Coast" not in text
    assert letter.filename == f"{letter.number}-BLUEBONNET.pdf"
    assert letter.effective_date == effective
    assert letter.generated_by == q.retail_ops
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.LETTER_SENT
    event = AuditEvent.objects.for_object(enrollment).get(verb="letter.issued")
    assert event.changes["letter"] == [None, letter.number]


# --- after a new MP's letter --------------------------------------------------------------------------------


@pytest.fixture
def new_mp_letter(q, ready_lse, oncor):
    enrollment = q.ready(ready_lse, [oncor], change=ChangeKind.NEW_ENTITY)
    return q.issue(enrollment)


def test_after_a_new_mps_letter_a_certificate_and_a_connectivity_test_awaiting_the_specs(new_mp_letter, new_lse):
    enrollment = new_mp_letter.enrollment

    certificate = CertificateRequest.objects.get(participant=new_lse)
    assert certificate.security_administrator == new_lse.people["usa"]
    assert certificate.status == CertificateStatus.REQUESTED
    assert certificate.enrollment == enrollment
    assert AuditEvent.objects.for_object(certificate).get(verb="certificate.requested").changes[
        "security_administrator"
    ] == [None, str(new_lse.people["usa"])]

    spec = ConnectivitySpec.objects.get(participant=new_lse)
    assert spec.status == ConnectivitySpec.Status.REQUESTED
    assert spec.protocol == "NAESB EDM"

    test = ConnectivityTest.objects.get(participant=new_lse)
    assert (test.enrollment, test.reason) == (enrollment, "New Market Participant qualified")
    assert test.service_request is None  # the AR or BAR submits the ticket after updating the specifications
    assert not Case.objects.filter(participant=new_lse).exists()
    new_lse.refresh_from_db()
    assert new_lse.status == ParticipantStatus.QUALIFYING


def test_a_current_mps_letter_requests_no_certificate_or_connectivity(q, rep, oncor):
    q.issue(q.ready(rep, [oncor]))
    assert not CertificateRequest.objects.exists()
    assert not ConnectivitySpec.objects.exists()
    assert not ConnectivityTest.objects.exists()


def test_the_certificate_goes_requested_issued_installed(new_mp_letter, new_lse, retail_ops):
    certificate = CertificateRequest.objects.get(participant=new_lse)

    certificate = certificate_advance(actor=retail_ops, request=certificate, to_status=CertificateStatus.ISSUED)
    assert certificate.status == CertificateStatus.ISSUED and certificate.issued_at is not None
    assert certificate.installed_at is None
    certificate = certificate_advance(actor=retail_ops, request=certificate, to_status=CertificateStatus.INSTALLED)
    assert certificate.status == CertificateStatus.INSTALLED and certificate.installed_at is not None
    changes = [
        e.changes["status"]
        for e in AuditEvent.objects.for_object(certificate).filter(verb="certificate.status_changed").order_by("id")
    ]
    assert changes == [["requested", "issued"], ["issued", "installed"]]


@pytest.mark.parametrize(
    "path, refused",
    [
        pytest.param([], CertificateStatus.INSTALLED, id="requested->installed"),
        pytest.param([], CertificateStatus.REQUESTED, id="requested->requested"),
        pytest.param([CertificateStatus.ISSUED], CertificateStatus.REQUESTED, id="issued->requested"),
        pytest.param(
            [CertificateStatus.ISSUED, CertificateStatus.INSTALLED], CertificateStatus.ISSUED, id="installed->issued"
        ),
        pytest.param(
            [CertificateStatus.ISSUED, CertificateStatus.INSTALLED],
            CertificateStatus.REQUESTED,
            id="installed->requested",
        ),
    ],
)
def test_certificate_refusals(new_mp_letter, new_lse, retail_ops, path, refused):
    certificate = CertificateRequest.objects.get(participant=new_lse)
    for status in path:
        certificate = certificate_advance(actor=retail_ops, request=certificate, to_status=status)

    with pytest.raises(DomainError, match=f"cannot become {CertificateStatus(refused).label.lower()}"):
        certificate_advance(actor=retail_ops, request=certificate, to_status=refused)
    assert CertificateRequest.objects.get(pk=certificate.pk).status == (
        path[-1] if path else CertificateStatus.REQUESTED
    )


def test_the_mp_updates_its_connectivity_specifications(new_mp_letter, new_lse):
    ar = new_lse.people["ar"]
    spec = connectivity_spec_update(
        actor=ar,
        participant=new_lse,
        endpoint_url="https://edi.sundance.example/naesb",
        certificate_fingerprint="AB:CD:EF",
        contact_name="Hannah Ortiz",
        contact_email="hannah.ortiz@sundance.example",
    )
    assert spec.status == ConnectivitySpec.Status.SUBMITTED
    assert spec.updated_by == ar
    with pytest.raises(DomainError, match="Cannot change status here"):
        connectivity_spec_update(actor=ar, participant=new_lse, status="requested")


def test_a_passed_connectivity_test_activates_the_qualifying_mp(new_mp_letter, new_lse, service_desk_user):
    test = ConnectivityTest.objects.get(participant=new_lse)

    test = connectivity_test_record(actor=service_desk_user, test=test, passed=True, notes="EDM round trip OK.")

    assert test.status == ConnectivityTest.Status.PASSED and test.completed_at is not None
    new_lse.refresh_from_db()
    assert new_lse.status == ParticipantStatus.ACTIVE
    event = AuditEvent.objects.for_object(new_lse).get(verb="participant.status_changed")
    assert event.changes["status"] == [ParticipantStatus.QUALIFYING, ParticipantStatus.ACTIVE]
    assert event.reason == "Production connectivity testing passed"
    assert event.actor == service_desk_user
    with pytest.raises(DomainError, match="already passed"):
        connectivity_test_record(actor=service_desk_user, test=test, passed=False)


def test_a_failed_connectivity_test_leaves_the_mp_qualifying(new_mp_letter, new_lse, service_desk_user):
    test = ConnectivityTest.objects.get(participant=new_lse)

    test = connectivity_test_record(actor=service_desk_user, test=test, passed=False, notes="TLS handshake failed.")

    assert test.status == ConnectivityTest.Status.FAILED
    new_lse.refresh_from_db()
    assert new_lse.status == ParticipantStatus.QUALIFYING
    assert not AuditEvent.objects.for_object(new_lse).filter(verb="participant.status_changed").exists()
    # Re-tested, passed.
    connectivity_test_record(actor=service_desk_user, test=test, passed=True)
    new_lse.refresh_from_db()
    assert new_lse.status == ParticipantStatus.ACTIVE


def test_a_passed_test_of_an_active_mp_changes_nothing(q, rep, oncor, service_desk_user):
    enrollment = q.ready(rep, [oncor], change=ChangeKind.SERVICE_PROVIDER)
    enrollment_record_without_letter(actor=q.retail_ops, enrollment=enrollment)
    test = ConnectivityTest.objects.get(participant=rep)

    connectivity_test_record(actor=service_desk_user, test=test, passed=True)

    rep.refresh_from_db()
    assert rep.status == ParticipantStatus.ACTIVE
    assert not AuditEvent.objects.for_object(rep).filter(verb="participant.status_changed").exists()


def test_only_retail_operations_issues_letters_and_only_flight_administrators_hand_over(
    q, rep, oncor, flight_admin, service_desk_user
):
    from ercot_services.core.models import DomainError
    from qualification.services import letter_issue, result_hand_over

    enrollment = q.enroll(rep)
    q.complete(enrollment, [oncor])
    with pytest.raises(DomainError, match="Flight Administrator"):
        result_hand_over(actor=service_desk_user, enrollment=enrollment)
    q.hand_over(enrollment)
    for outsider in (flight_admin, service_desk_user):
        with pytest.raises(DomainError, match="Retail Operations"):
            letter_issue(actor=outsider, enrollment=enrollment)
    letter = q.issue(enrollment)
    assert letter.generated_by == q.retail_ops
