"""Qualification services (seed 004 as software): enrollment, results, the criteria gate, letters and
their delivery, and what follows a new MP's letter (certificate, connectivity specs and testing).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import ContactRole, MarketParticipant, Membership, ParticipantStatus, User
from accounts.roles import StaffGroup
from accounts.services import participant_set_status
from cases.models import Case, CaseCategory, Channel
from cases.services import ServiceRequestInput, service_request_submit
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError
from ercot_services.core.outbox import email_queue
from ercot_services.core.sequences import next_in_sequence
from ercot_services.core.workflow import move_status
from registration.models import Application, ApplicationKind, ApplicationStatus, ChangeType

from . import policies
from .error_codes import QualificationErrorCode
from .events import QualificationEvent
from .models import (
    CERTIFICATE_TRANSITIONS,
    ENROLLMENT_TRANSITIONS,
    NO_LETTER_REASONS,
    BusinessFunction,
    CertificateRequest,
    CertificateStatus,
    ChangeKind,
    ConnectivitySpec,
    ConnectivityTest,
    Enrollment,
    EnrollmentStatus,
    Flight,
    FlightResult,
    LetterDelivery,
    LetterSequence,
    ParticipantKind,
    QualificationLetter,
)
from .pdf import render_letter

# --- flights and enrollment ---------------------------------------------------------------


@transaction.atomic
def flight_create(
    *,
    actor: User,
    start_date: datetime.date,
    end_date: datetime.date,
    application_deadline: datetime.date,
    registration_deadline: datetime.date,
    notes: str = "",
) -> Flight:
    policies.check_create_flight(actor)
    if not (application_deadline <= start_date and registration_deadline <= start_date and start_date <= end_date):
        raise DomainError(
            "Deadlines must fall on or before the start date, and the flight must end after it starts.",
            code=QualificationErrorCode.INVALID_FLIGHT_DATES,
        )
    name = f"{start_date:%m%y}"
    if Flight.objects.filter(name=name).exists():
        raise DomainError(
            f"Flight {name} already exists: one flight starts per month.", code=QualificationErrorCode.DUPLICATE_FLIGHT
        )
    flight = Flight.objects.create(
        start_date=start_date,
        end_date=end_date,
        application_deadline=application_deadline,
        registration_deadline=registration_deadline,
        notes=notes,
    )
    audit_record(
        actor=actor, verb=QualificationEvent.FLIGHT_CREATED, target=flight, changes={"start_date": (None, start_date)}
    )
    return flight


def _move(enrollment: Enrollment, to_status: str) -> str:
    return move_status(
        enrollment, to_status, transitions=ENROLLMENT_TRANSITIONS, statuses=EnrollmentStatus, subject="This enrollment"
    )


@transaction.atomic
def enrollment_create(
    *,
    actor: User,
    flight: Flight,
    participant: MarketParticipant,
    participant_kind: str,
    change_kind: str,
    application: Application | None = None,
    override_reason: str = "",
    today: datetime.date | None = None,
) -> Enrollment:
    """Enroll an MP in a flight; after the deadline only a Flight Administrator may, with a reason."""
    policies.check_enroll(actor)
    today = today or timezone.localdate()
    late_reasons = []
    if today > flight.application_deadline:
        late_reasons.append(f"the application deadline of {flight} was {flight.application_deadline:%B %d, %Y}")
    if participant_kind == ParticipantKind.NEW and today > flight.registration_deadline:
        late_reasons.append(f"the registration deadline was {flight.registration_deadline:%B %d, %Y}")
    if late_reasons:
        if not (policies.can_run_testing(actor) and override_reason.strip()):
            raise DomainError(
                "Enrollment is closed: " + " and ".join(late_reasons) + ". A Flight Administrator can enroll late "
                "with a recorded reason.",
                code=QualificationErrorCode.ENROLLMENT_CLOSED,
            )
    if Enrollment.objects.filter(flight=flight, participant=participant, change_kind=change_kind).exists():
        raise DomainError(
            f"{participant} is already enrolled in {flight} for {ChangeKind(change_kind).label.lower()}.",
            code=QualificationErrorCode.ALREADY_ENROLLED,
        )
    enrollment = Enrollment.objects.create(
        flight=flight,
        participant=participant,
        participant_kind=participant_kind,
        change_kind=change_kind,
        application=application,
        late_override_reason=override_reason.strip() if late_reasons else "",
        enrolled_by=actor,
    )
    audit_record(
        actor=actor,
        verb=QualificationEvent.ENROLLMENT_CREATED,
        target=enrollment,
        changes={"flight": (None, str(flight)), "change": (None, change_kind)},
        reason=override_reason if late_reasons else "",
    )
    return enrollment


# Registration change types that need testing → the flight change kind.
CHANGE_FROM_REGISTRATION = {
    ChangeType.ADD_TERRITORY: ChangeKind.NEW_TERRITORY,
    ChangeType.NEW_FUNCTIONALITY: ChangeKind.NEW_FUNCTIONALITY,
    ChangeType.SERVICE_PROVIDER: ChangeKind.SERVICE_PROVIDER,
    ChangeType.BANKING: ChangeKind.BANKING,
}


@transaction.atomic
def enrollment_from_application(
    *, actor: User, application: Application, flight: Flight, override_reason: str = ""
) -> list[Enrollment]:
    """Enroll from an approved initial registration (a new MP) or a revision that requires testing."""
    if application.status != ApplicationStatus.APPROVED:
        raise DomainError(
            f"{application.reference} is not approved yet.", code=QualificationErrorCode.APPLICATION_NOT_APPROVED
        )
    if application.kind == ApplicationKind.INITIAL:
        kinds = [(ParticipantKind.NEW, ChangeKind.NEW_ENTITY)]
    else:
        kinds = [
            (ParticipantKind.CURRENT, CHANGE_FROM_REGISTRATION[ChangeType(value)])
            for value in application.change_types
            if value in CHANGE_FROM_REGISTRATION
        ]
        if not kinds:
            raise DomainError(
                f"{application.reference} changes nothing that needs market testing.",
                code=QualificationErrorCode.NOTHING_TO_TEST,
            )
    return [
        enrollment_create(
            actor=actor,
            flight=flight,
            participant=application.participant,
            participant_kind=pk,
            change_kind=ck,
            application=application,
            override_reason=override_reason,
        )
        for pk, ck in kinds
    ]


@transaction.atomic
def enrollment_start_testing(*, actor: User, enrollment: Enrollment) -> Enrollment:
    policies.check_run_testing(actor)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    old = _move(enrollment, EnrollmentStatus.TESTING)
    enrollment.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        verb=QualificationEvent.ENROLLMENT_TESTING_STARTED,
        target=enrollment,
        changes={"status": (old, enrollment.status)},
    )
    return enrollment


@transaction.atomic
def enrollment_withdraw(*, actor: User, enrollment: Enrollment, reason: str) -> Enrollment:
    policies.check_run_testing(actor, "Only a Flight Administrator withdraws an enrollment.")
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    old = _move(enrollment, EnrollmentStatus.WITHDRAWN)
    enrollment.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        verb=QualificationEvent.ENROLLMENT_WITHDRAWN,
        target=enrollment,
        changes={"status": (old, enrollment.status)},
        reason=reason,
    )
    return enrollment


# --- results --------------------------------------------------------------------------------


@transaction.atomic
def result_record(
    *,
    actor: User,
    enrollment: Enrollment,
    completed: bool,
    trading_partners: Iterable[MarketParticipant],
    business_functions: Iterable[BusinessFunction],
    tested_on: datetime.date,
    notes: str = "",
) -> FlightResult:
    """The Flight Administrator records completed or not, the trading partners and the business functions."""
    policies.check_run_testing(actor, "Only a Flight Administrator records testing results.")
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status == EnrollmentStatus.ENROLLED:
        _move(enrollment, EnrollmentStatus.TESTING)
    if enrollment.status not in (EnrollmentStatus.TESTING, EnrollmentStatus.FAILED):
        raise DomainError(
            f"Results can no longer change: the enrollment is {enrollment.get_status_display().lower()}.",
            code=QualificationErrorCode.RESULTS_LOCKED,
        )
    partners = list(trading_partners)
    if any(p.pk == enrollment.participant_id for p in partners):
        raise DomainError(
            "An MP cannot be its own trading partner.", code=QualificationErrorCode.INVALID_TRADING_PARTNER
        )
    if completed and not partners:
        raise DomainError(
            "Name the trading partners the MP tested with.", code=QualificationErrorCode.INVALID_TRADING_PARTNER
        )
    functions = list(business_functions)
    if completed and not functions:
        raise DomainError(
            "Name the business functions that were tested.", code=QualificationErrorCode.FUNCTIONS_REQUIRED
        )
    result, _ = FlightResult.objects.update_or_create(
        enrollment=enrollment,
        defaults={"completed": completed, "tested_on": tested_on, "notes": notes, "recorded_by": actor},
    )
    result.trading_partners.set(partners)
    result.business_functions.set(functions)
    old = enrollment.status
    enrollment.status = EnrollmentStatus.TESTING if completed else EnrollmentStatus.FAILED
    enrollment.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        verb=QualificationEvent.ENROLLMENT_RESULT_RECORDED,
        target=enrollment,
        changes={
            "status": (old, enrollment.status),
            "completed": (None, completed),
            "trading_partners": (None, sorted(p.short_name for p in partners)),
            "business_functions": (None, sorted(f.name for f in functions)),
        },
    )
    return result


@transaction.atomic
def result_hand_over(*, actor: User, enrollment: Enrollment) -> Enrollment:
    """Hand a completed result to Retail Operations (status change plus an email to the group)."""
    policies.check_run_testing(actor, "Only a Flight Administrator hands testing results to Retail Operations.")
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",)).select_related("participant", "flight").get(pk=enrollment.pk)
    )
    result = getattr(enrollment, "result", None)
    if result is None or not result.completed:
        raise DomainError(
            "Record a completed testing result before handing over to Retail Operations.",
            code=QualificationErrorCode.TESTING_INCOMPLETE,
        )
    old = _move(enrollment, EnrollmentStatus.HANDED_OVER)
    enrollment.save(update_fields=["status", "updated_at"])
    result.handed_over_at = timezone.now()
    result.save(update_fields=["handed_over_at"])
    audit_record(
        actor=actor,
        verb=QualificationEvent.ENROLLMENT_HANDED_OVER,
        target=enrollment,
        changes={"status": (old, enrollment.status)},
    )
    retail_ops = list(
        User.objects.filter(groups__name=StaffGroup.RETAIL_OPERATIONS, is_active=True).values_list("email", flat=True)
    )
    email_queue(
        key=f"enrollment:{enrollment.pk}:handed_over",
        to=retail_ops,
        subject=f"Ready for a qualification letter: {enrollment.participant} ({enrollment.flight})",
        body=render_to_string(
            "emails/qualification/handed_over.txt",
            {"enrollment": enrollment, "link": settings.SITE_URL + enrollment.get_absolute_url()},
        ),
    )
    return enrollment


# --- criteria gate ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    met: bool
    detail: str
    source: str


def criteria_applies(enrollment: Enrollment) -> bool:
    """Seed 004: Retail Operations verifies the criteria for a new MP that serves load (an LSE or a REP)."""
    return enrollment.participant_kind == ParticipantKind.NEW and enrollment.participant.serves_load()


def criteria_facts(participant: MarketParticipant) -> tuple:
    """The MP's (SFA, PUCT certification, QSE Acknowledgement) as stored now, each None when missing.

    Lists of many MPs pass their own pre-fetched triples to :func:`criteria_evaluate` instead
    (see ``qualification.selectors.prefetched_criteria_facts``).
    """
    from registration.models import PuctCertification, QseAcknowledgement, SfaRecord

    return (
        SfaRecord.objects.filter(participant=participant).first(),
        PuctCertification.objects.filter(participant=participant).first(),
        QseAcknowledgement.objects.filter(participant=participant).select_related("qse__load_qualification").first(),
    )


def criteria_evaluate(
    participant: MarketParticipant, *, today: datetime.date | None = None, facts: tuple | None = None
) -> list[Criterion]:
    """The three criteria, each read from the registration facts, met or missing, with its source.

    ``facts`` is an optional pre-fetched (SFA, PUCT, QSE Acknowledgement) triple; by default
    :func:`criteria_facts` reads them.
    """
    today = today or timezone.localdate()
    sfa, puct, ack = facts if facts is not None else criteria_facts(participant)

    if sfa is None or not sfa.signed_on:
        sfa_c = Criterion(
            "sfa",
            "Signed SFA processed by Legal",
            False,
            "No signed Standard Form Agreement is on file.",
            "Registration: SFA",
        )
    elif not sfa.processed_by_legal:
        sfa_c = Criterion(
            "sfa",
            "Signed SFA processed by Legal",
            False,
            f"Signed {sfa.signed_on:%b %d, %Y} but not yet processed by Legal.",
            "Registration: SFA",
        )
    else:
        sfa_c = Criterion(
            "sfa",
            "Signed SFA processed by Legal",
            True,
            f"Signed {sfa.signed_on:%b %d, %Y}; processed by Legal {timezone.localtime(sfa.processed_at):%b %d, %Y}.",
            "Registration: SFA",
        )

    if puct is None or puct.received_at is None:
        puct_c = Criterion(
            "puct",
            "PUCT certification received and valid",
            False,
            "No PUCT certification has been received.",
            "Registration: PUCT certification",
        )
    elif not puct.is_valid_on(today):
        puct_c = Criterion(
            "puct",
            "PUCT certification received and valid",
            False,
            f"Certificate {puct.certificate_number} is not valid today (issued {puct.issued_on:%b %d, %Y}, expires {puct.expires_on:%b %d, %Y})."
            if puct.expires_on
            else f"Certificate {puct.certificate_number} is not valid yet.",
            "Registration: PUCT certification",
        )
    else:
        puct_c = Criterion(
            "puct",
            "PUCT certification received and valid",
            True,
            f"Certificate {puct.certificate_number}, issued {puct.issued_on:%b %d, %Y}.",
            "Registration: PUCT certification",
        )

    label = "QSE Acknowledgement processed, with a QSE qualified to serve load"
    if ack is None:
        ack_c = Criterion(
            "qse_ack", label, False, "No QSE Acknowledgement (Form H) is on file.", "Registration: Form H"
        )
    elif not ack.processed_by_legal:
        ack_c = Criterion(
            "qse_ack", label, False, f"Names {ack.qse} but is not yet processed by Legal.", "Registration: Form H"
        )
    elif not ack.qse_qualified_to_serve_load:
        ack_c = Criterion("qse_ack", label, False, f"{ack.qse} is not qualified to serve load.", "Registration: Form H")
    else:
        ack_c = Criterion(
            "qse_ack", label, True, f"Processed; QSE {ack.qse} is qualified to serve load.", "Registration: Form H"
        )
    return [sfa_c, puct_c, ack_c]


def letter_blockers(enrollment: Enrollment, *, facts: tuple | None = None) -> list[str]:
    """Why no letter can be generated now (empty when one can).

    ``facts``: optional pre-fetched criteria facts, passed on to :func:`criteria_evaluate`.
    """
    reasons = []
    if not enrollment.produces_letter:
        return [NO_LETTER_REASONS[enrollment.change_kind]]
    if hasattr(enrollment, "letter"):
        return [f"Letter {enrollment.letter.number} was already issued."]
    result = getattr(enrollment, "result", None)
    if result is None or not result.completed:
        reasons.append("Testing is not recorded as completed.")
    elif enrollment.status != EnrollmentStatus.HANDED_OVER:
        reasons.append("The Flight Administrator has not handed the result to Retail Operations yet.")
    if criteria_applies(enrollment):
        reasons += [
            f"{c.label}: {c.detail}" for c in criteria_evaluate(enrollment.participant, facts=facts) if not c.met
        ]
    return reasons


# --- letters -------------------------------------------------------------------------------------


def _authorized_reps(participant: MarketParticipant) -> list[Membership]:
    """The primary and secondary Authorized Representatives: the AR and the Backup AR."""
    return list(
        Membership.objects.active()
        .filter(
            participant=participant,
            contact_role__in=[ContactRole.AUTHORIZED_REPRESENTATIVE, ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE],
        )
        .select_related("user", "participant")
        .order_by("contact_role", "rank")
    )


def letter_recipients(enrollment: Enrollment) -> list[dict]:
    """Seed 004: the MP's primary and secondary AR; for a REP, copies to each TDSP partner's AR and BAR."""
    participant = enrollment.participant
    rows = [
        {
            "email": m.user.email,
            "name": m.user.full_name,
            "kind": LetterDelivery.Kind.TO,
            "capacity": f"{m.get_contact_role_display()} of {participant.short_name}",
        }
        for m in _authorized_reps(participant)
    ]
    if participant.has_role("REP"):
        partners = [p for p in enrollment.result.trading_partners.prefetch_related("roles") if p.has_role("TDSP")]
        for tdsp in sorted(partners, key=lambda p: p.short_name):
            rows += [
                {
                    "email": m.user.email,
                    "name": m.user.full_name,
                    "kind": LetterDelivery.Kind.COPY,
                    "capacity": f"{m.get_contact_role_display()} of trading partner {tdsp.short_name}",
                }
                for m in _authorized_reps(tdsp)
            ]
    seen, unique = set(), []
    for row in rows:
        if row["email"].lower() not in seen:
            seen.add(row["email"].lower())
            unique.append(row)
    return unique


def _next_letter_number(year: int) -> str:
    return f"QL-{year}-{next_in_sequence(LetterSequence, year=year):04d}"


@transaction.atomic
def letter_issue(
    *,
    actor: User,
    enrollment: Enrollment,
    effective_date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> QualificationLetter:
    """Generate the PDF letter, write one delivery per recipient, and send them after commit."""
    policies.check_issue_letter(actor)
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",)).select_related("participant", "flight").get(pk=enrollment.pk)
    )
    blockers = letter_blockers(enrollment)
    if blockers:
        raise DomainError(
            "No letter can be generated: " + " ".join(blockers), code=QualificationErrorCode.LETTER_BLOCKED
        )
    recipients = letter_recipients(enrollment)
    if not any(r["kind"] == LetterDelivery.Kind.TO for r in recipients):
        raise DomainError(
            f"{enrollment.participant} has no active Authorized Representative to send the letter to.",
            code=QualificationErrorCode.LETTER_BLOCKED,
        )
    today = today or timezone.localdate()
    effective_date = effective_date or today
    result = enrollment.result
    number = _next_letter_number(today.year)
    pdf = render_letter(
        number=number,
        issued_on=today,
        effective_date=effective_date,
        legal_name=enrollment.participant.legal_name,
        roles=enrollment.participant.role_codes(),
        flight=str(enrollment.flight),
        change=enrollment.get_change_kind_display(),
        trading_partners=[p.legal_name for p in result.trading_partners.order_by("legal_name")],
        business_functions=[f.name for f in result.business_functions.all()],
        signer_name=actor.full_name,
        signer_title=actor.job_title or "Retail Market Operations",
    )
    letter = QualificationLetter(
        enrollment=enrollment, number=number, issued_on=today, effective_date=effective_date, generated_by=actor
    )
    letter.pdf.save(f"{number}.pdf", ContentFile(pdf), save=False)
    letter.save()
    LetterDelivery.objects.bulk_create([LetterDelivery(letter=letter, **row) for row in recipients])
    old = _move(enrollment, EnrollmentStatus.LETTER_SENT)
    enrollment.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        verb=QualificationEvent.LETTER_ISSUED,
        target=enrollment,
        changes={
            "letter": (None, number),
            "status": (old, enrollment.status),
            "recipients": (None, [r["email"] for r in recipients]),
        },
    )
    from .tasks import send_letter_deliveries

    # robust: the letter is committed; a broker error, or a retry raised by the eagerly run task, must not turn
    # it into an error. Unsent deliveries stay pending, with the attempt and error shown, for the retry.
    transaction.on_commit(lambda: send_letter_deliveries.delay(letter_id=letter.pk), robust=True)
    if enrollment.participant_kind == ParticipantKind.NEW:
        production_onboarding_start(actor=actor, enrollment=enrollment)
    return letter


@transaction.atomic
def enrollment_record_without_letter(*, actor: User, enrollment: Enrollment) -> Enrollment:
    """Banking and service provider changes: recorded, no letter; a service provider change asks for
    updated connectivity specifications and a production connectivity test."""
    policies.check_issue_letter(actor)
    enrollment = Enrollment.objects.select_for_update(of=("self",)).select_related("participant").get(pk=enrollment.pk)
    if enrollment.produces_letter:
        raise DomainError(
            "This change produces a qualification letter: issue the letter instead.",
            code=QualificationErrorCode.LETTER_REQUIRED,
        )
    old = _move(enrollment, EnrollmentStatus.RECORDED)
    enrollment.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        verb=QualificationEvent.ENROLLMENT_RECORDED_WITHOUT_LETTER,
        target=enrollment,
        changes={"status": (old, enrollment.status)},
        reason=NO_LETTER_REASONS[enrollment.change_kind],
    )
    if enrollment.change_kind == ChangeKind.SERVICE_PROVIDER:
        _request_connectivity(actor=actor, enrollment=enrollment, reason="Service provider change")
    return enrollment


@transaction.atomic
def delivery_resend(*, actor: User, delivery: LetterDelivery) -> LetterDelivery:
    """Send the letter to this one recipient again (staff asked for it, or it failed)."""
    policies.check_resend_letter(actor)
    delivery = LetterDelivery.objects.select_for_update().get(pk=delivery.pk)
    delivery.status = LetterDelivery.Status.PENDING
    delivery.last_error = ""
    delivery.save(update_fields=["status", "last_error"])
    audit_record(
        actor=actor,
        verb=QualificationEvent.LETTER_RESEND_REQUESTED,
        target=delivery.letter.enrollment,
        changes={"recipient": (None, delivery.email)},
    )
    from .tasks import send_letter_deliveries

    transaction.on_commit(
        lambda: send_letter_deliveries.delay(letter_id=delivery.letter_id, delivery_ids=[delivery.pk]), robust=True
    )
    return delivery


# --- after the letter: certificate, connectivity -------------------------------------------------------


def _request_connectivity(*, actor: User, enrollment: Enrollment, reason: str) -> ConnectivityTest:
    """Ask the MP for updated production connectivity specifications and open the test they lead to.

    No Service Desk ticket yet: seed 004 has the MP's AR or BAR submit it once the specifications are updated
    (:func:`connectivity_ticket_submit`); the portal guides them with a pre-filled one.
    """
    participant = enrollment.participant
    spec, _ = ConnectivitySpec.objects.get_or_create(participant=participant)
    spec.status = ConnectivitySpec.Status.REQUESTED
    spec.requested_reason = reason
    spec.save(update_fields=["status", "requested_reason", "updated_at"])
    test = ConnectivityTest.objects.create(participant=participant, enrollment=enrollment, reason=reason)
    audit_record(
        actor=actor,
        verb=QualificationEvent.CONNECTIVITY_REQUESTED,
        target=test,
        participant=participant,
        changes={"specifications": (None, spec.get_status_display())},
        reason=reason,
    )
    return test


def production_onboarding_start(*, actor: User, enrollment: Enrollment) -> None:
    """For a new MP after its letter: certificate request, connectivity specs task, Service Desk request."""
    participant = enrollment.participant
    usa = (
        Membership.objects.active()
        .filter(participant=participant, contact_role=ContactRole.USER_SECURITY_ADMINISTRATOR)
        .select_related("user")
        .first()
    )
    certificate = CertificateRequest.objects.create(
        participant=participant, enrollment=enrollment, security_administrator=usa.user if usa else None
    )
    audit_record(
        actor=actor,
        verb=QualificationEvent.CERTIFICATE_REQUESTED,
        target=certificate,
        participant=participant,
        changes={"security_administrator": (None, str(usa.user) if usa else "none on file")},
    )
    _request_connectivity(actor=actor, enrollment=enrollment, reason="New Market Participant qualified")


@transaction.atomic
def certificate_advance(*, actor: User, request: CertificateRequest, to_status: str) -> CertificateRequest:
    policies.check_advance_certificate(actor)
    request = CertificateRequest.objects.select_for_update().get(pk=request.pk)
    if to_status not in CERTIFICATE_TRANSITIONS[request.status]:
        raise DomainError(
            f"The certificate is {request.get_status_display().lower()}: it cannot become {CertificateStatus(to_status).label.lower()}.",
            code=QualificationErrorCode.INVALID_TRANSITION,
        )
    old = request.status
    request.status = to_status
    if to_status == CertificateStatus.ISSUED:
        request.issued_at = timezone.now()
    if to_status == CertificateStatus.INSTALLED:
        request.installed_at = timezone.now()
    request.save()
    audit_record(
        actor=actor,
        verb=QualificationEvent.CERTIFICATE_STATUS_CHANGED,
        target=request,
        participant=request.participant,
        changes={"status": (old, to_status)},
    )
    return request


@transaction.atomic
def connectivity_spec_update(*, actor: User, participant: MarketParticipant, **fields) -> ConnectivitySpec:
    allowed = {"endpoint_url", "protocol", "certificate_fingerprint", "contact_name", "contact_email", "contact_phone"}
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(
            f"Cannot change {', '.join(sorted(unknown))} here.", code=QualificationErrorCode.UNKNOWN_FIELD
        )
    spec, _ = ConnectivitySpec.objects.get_or_create(participant=participant)
    changes = {name: (getattr(spec, name), value) for name, value in fields.items() if getattr(spec, name) != value}
    for name, value in fields.items():
        setattr(spec, name, value)
    spec.status = ConnectivitySpec.Status.SUBMITTED
    spec.updated_by = actor
    try:
        spec.full_clean()
    except ValidationError as error:
        raise DomainError.from_validation_error(error, code=QualificationErrorCode.INVALID) from error
    spec.save()
    audit_record(
        actor=actor,
        verb=QualificationEvent.CONNECTIVITY_SPEC_UPDATED,
        target=spec,
        participant=participant,
        changes=changes,
    )
    return spec


def connectivity_ticket_draft(test: ConnectivityTest, spec: ConnectivitySpec | None) -> tuple[str, str]:
    """The pre-filled subject and body of the production connectivity testing ticket (seed 004's wording)."""
    participant = test.participant
    subject = f"Schedule production connectivity testing for {participant.short_name}"
    lines = [
        f"{participant.legal_name} ({participant.short_name}) asks the Service Desk to schedule production "
        "connectivity testing.",
        f"Reason: {test.reason or 'production connectivity testing requested'}"
        + (f" ({test.enrollment.flight})." if test.enrollment_id else "."),
        "",
        "Our production connectivity specifications are updated:",
    ]
    if spec is not None:
        lines += [
            f"- Endpoint: {spec.endpoint_url}",
            f"- Protocol: {spec.protocol}",
            f"- Certificate fingerprint (SHA-256): {spec.certificate_fingerprint}",
            f"- Technical contact: {spec.contact_name} <{spec.contact_email}>"
            + (f", {spec.contact_phone}" if spec.contact_phone else ""),
        ]
    lines += [
        "",
        "Please assign this ticket to Market Application Support Services.",
        f"Copies: Flight Testing ({settings.FLIGHT_TESTING_EMAIL}) and MASS ({settings.MASS_EMAIL}).",
    ]
    return subject, "\n".join(lines)


def connectivity_ticket_copies() -> list[str]:
    """Who every production connectivity testing ticket copies: Flight Testing and MASS (settings)."""
    return [settings.FLIGHT_TESTING_EMAIL, settings.MASS_EMAIL]


def mass_queue() -> Group:
    """The Market Application Support Services queue the Service Desk assigns these tickets to."""
    return Group.objects.get_or_create(name=StaffGroup.MARKET_APPLICATION_SUPPORT)[0]


@transaction.atomic
def connectivity_ticket_submit(
    *,
    actor: User,
    test: ConnectivityTest,
    subject: str,
    description: str,
    requester: User | None = None,
    channel: str = Channel.PORTAL,
) -> Case:
    """Submit the Service Desk ticket that schedules production connectivity testing (seed 004).

    The MP's AR or BAR submits it from the portal; staff who follow connectivity may log it on the MP's behalf,
    naming the AR or BAR who asked (``requester``) and how (``channel``). The ticket copies Flight Testing and
    MASS and goes to the Market Application Support Services queue, not to the MP's Account Manager.
    """
    test = ConnectivityTest.objects.select_for_update(of=("self",)).select_related("participant").get(pk=test.pk)
    participant = test.participant
    on_behalf = actor.is_staff
    if on_behalf:
        policies.check_record_connectivity(actor)
    else:
        requester = actor
    if requester is None or not policies.is_authorized_representative(requester, participant):
        raise DomainError(
            f"The ticket is submitted by an Authorized Representative or Backup AR of {participant.short_name}.",
            code=QualificationErrorCode.PERMISSION_DENIED,
        )
    if test.service_request_id:
        raise DomainError(
            f"The ticket for this test is already open: {test.service_request.reference}.",
            code=QualificationErrorCode.TICKET_ALREADY_OPEN,
        )
    if test.status == ConnectivityTest.Status.PASSED:
        raise DomainError(
            "This production connectivity test already passed.", code=QualificationErrorCode.ALREADY_PASSED
        )
    spec = ConnectivitySpec.objects.filter(participant=participant).first()
    if spec is None or spec.status != ConnectivitySpec.Status.SUBMITTED:
        raise DomainError(
            "Update the production connectivity specifications first: the ticket asks the Service Desk to test them.",
            code=QualificationErrorCode.SPECIFICATIONS_REQUIRED,
        )
    category = CaseCategory.objects.filter(code="connectivity-certificates").first() or CaseCategory.objects.first()
    ticket = ServiceRequestInput(
        category=category,
        subject=subject,
        description=description,
        participant=participant,
        requester=requester,
        channel=channel,
        queue=mass_queue(),
        cc=connectivity_ticket_copies(),
    )
    case = service_request_submit(actor=actor, service_request=ticket)
    test.service_request = case
    test.save(update_fields=["service_request", "updated_at"])
    audit_record(
        actor=actor,
        verb=QualificationEvent.CONNECTIVITY_TICKET_SUBMITTED,
        target=test,
        participant=participant,
        changes={"service_request": (None, case.reference)},
        reason=f"Logged by {actor.full_name} on behalf of {requester.full_name}" if on_behalf else "",
    )
    return case


@transaction.atomic
def connectivity_test_record(
    *,
    actor: User,
    test: ConnectivityTest,
    passed: bool,
    notes: str = "",
    scheduled_for: datetime.datetime | None = None,
) -> ConnectivityTest:
    """Record the test; when it passes a qualifying MP becomes active."""
    policies.check_record_connectivity(actor)
    test = ConnectivityTest.objects.select_for_update(of=("self",)).select_related("participant").get(pk=test.pk)
    if test.status in (ConnectivityTest.Status.PASSED,):
        raise DomainError("This connectivity test already passed.", code=QualificationErrorCode.ALREADY_PASSED)
    old = test.status
    test.status = ConnectivityTest.Status.PASSED if passed else ConnectivityTest.Status.FAILED
    test.notes = notes
    test.completed_at = timezone.now()
    if scheduled_for:
        test.scheduled_for = scheduled_for
    test.save()
    audit_record(
        actor=actor,
        verb=QualificationEvent.CONNECTIVITY_TESTED,
        target=test,
        participant=test.participant,
        changes={"status": (old, test.status)},
        reason=notes,
    )
    if passed and test.participant.status == ParticipantStatus.QUALIFYING:
        participant_set_status(
            actor=actor,
            participant=test.participant,
            status=ParticipantStatus.ACTIVE,
            reason="Production connectivity testing passed",
        )
    return test
