"""Registration services: drafting, documents, attestation, review, approval and the registration facts.

Keyword-only, transactional, audited. Approval applies the change to the MP
through the accounts services, so the MP's own audit timeline shows it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.email_address import canonical_email
from accounts.models import (
    AUTHORIZING_ROLES,
    ContactRank,
    ContactRole,
    MarketParticipant,
    MarketRole,
    Membership,
    ParticipantStatus,
    ServiceTerritory,
    User,
)
from accounts.selectors import current_manager
from accounts.services import (
    ParticipantInput,
    membership_add,
    membership_end,
    participant_create,
    participant_set_status,
    participant_update,
)
from cases.models import Case, CaseKind, CaseStatus
from cases.services import case_reply, case_transition
from ercot_services.core.audit import audit_record
from ercot_services.core.calendar import BusinessCalendar, business_calendar
from ercot_services.core.models import DomainError
from ercot_services.core.outbox import email_queue
from ercot_services.core.sequences import next_in_sequence
from ercot_services.core.uploads import CheckedUpload
from ercot_services.core.workflow import move_status

from . import policies
from .error_codes import RegistrationErrorCode
from .events import RegistrationEvent
from .models import (
    APPLICATION_TRANSITIONS,
    CHANGE_NOTICE,
    REVIEW_BUSINESS_DAYS,
    TESTING_CHANGES,
    Application,
    ApplicationKind,
    ApplicationRequirement,
    ApplicationSequence,
    ApplicationStatus,
    ChangeType,
    ContactChange,
    Document,
    PuctCertification,
    QseAcknowledgement,
    QseLoadQualification,
    RequirementStatus,
    RequirementType,
    RoleRequirement,
    SfaRecord,
    start_refusal,
)

ATTESTATION = (
    "I am an Authorized Representative of {participant} and I attest that the information and documents "
    "in this application are true, correct and complete, and that I am authorized to submit them."
)


# --- references and checklist ---------------------------------------------------------------


def _next_reference(year: int) -> str:
    return f"REG-{year}-{next_in_sequence(ApplicationSequence, year=year):05d}"


def required_requirement_ids(application: Application) -> set[int]:
    """The checklist: requirements of the roles applied for (or added), plus Form E for a revision."""
    role_ids = list(application.roles.values_list("pk", flat=True))
    ids = set(RoleRequirement.objects.filter(role_id__in=role_ids).values_list("requirement_id", flat=True))
    if application.kind == ApplicationKind.REVISION:
        form_e = RequirementType.objects.filter(code=CHANGE_NOTICE).values_list("pk", flat=True).first()
        if form_e:
            ids.add(form_e)
    return ids


def _sync_checklist(application: Application) -> None:
    wanted = required_requirement_ids(application)
    existing = dict(application.requirements.values_list("requirement_id", "pk"))
    stale = [pk for req_id, pk in existing.items() if req_id not in wanted]
    ApplicationRequirement.objects.filter(pk__in=stale, documents__isnull=True).delete()
    ApplicationRequirement.objects.bulk_create(
        [ApplicationRequirement(application=application, requirement_id=req_id) for req_id in wanted - existing.keys()]
    )


def missing_lines(application: Application) -> list[ApplicationRequirement]:
    required = required_requirement_ids(application)
    return [
        line
        for line in application.requirements.select_related("requirement")
        if line.requirement_id in required
        and line.requirement.needs_document
        and line.status in (RequirementStatus.MISSING, RequirementStatus.REJECTED)
    ]


# --- people and emails ----------------------------------------------------------------------


def authorized_representatives(participant: MarketParticipant) -> list[User]:
    return [
        m.user
        for m in Membership.objects.active()
        .authorizing()
        .filter(participant=participant)
        .select_related("user")
        .order_by("contact_role", "rank")
    ]


def can_attest(user: User, participant: MarketParticipant) -> bool:
    return (
        Membership.objects.active()
        .filter(user=user, participant=participant, contact_role__in=AUTHORIZING_ROLES)
        .exists()
    )


def _notify(application: Application, event: str, extra: dict | None = None) -> None:
    """Email the MP's AR and BAR, with a copy to its Account Manager."""
    manager = current_manager(application.participant)
    context = {
        "application": application,
        "event": event,
        "link": settings.SITE_URL + application.get_portal_url(),
        "CLIENT_SERVICES_PHONE": settings.CLIENT_SERVICES_PHONE,
        **(extra or {}),
    }
    subject = render_to_string(f"emails/registration/{event}_subject.txt", context).strip()
    body = render_to_string(f"emails/registration/{event}.txt", context)
    key_suffix = (extra or {}).get("key_suffix", "")
    email_queue(
        key=f"registration:{application.reference}:{event}{key_suffix}",
        to=[user.email for user in authorized_representatives(application.participant)],
        cc=[manager.email] if manager else [],
        subject=f"[{application.reference}] {subject}",
        body=body,
    )


# --- clock -----------------------------------------------------------------------------------


def review_due_on(started_on: datetime.date, paused_days: int, calendar: BusinessCalendar) -> datetime.date:
    return calendar.add_business_days(started_on, REVIEW_BUSINESS_DAYS + paused_days)


def business_days_left(application: Application, today: datetime.date, calendar: BusinessCalendar) -> int | None:
    if application.due_on is None or application.paused_on is not None:
        return None
    return calendar.business_days_between(today, application.due_on)


# --- drafting --------------------------------------------------------------------------------


def _check_may_draft(actor: User, participant: MarketParticipant) -> None:
    """Any user of the MP may draft (only an AR or BAR submits); staff may help."""
    if actor.is_staff:
        return
    if not Membership.objects.active().filter(user=actor, participant=participant).exists():
        raise DomainError(f"You are not a contact of {participant}.", code=RegistrationErrorCode.PERMISSION_DENIED)


def _check_editable(application: Application) -> None:
    if not application.is_editable:
        raise DomainError(
            f"{application.reference} is {application.get_status_display().lower()}: it can only be changed "
            "while a draft or while information is requested.",
            code=RegistrationErrorCode.NOT_EDITABLE,
        )


@transaction.atomic
def application_start(
    *,
    actor: User,
    participant: MarketParticipant,
    kind: str,
    role_codes: Iterable[str] = (),
    change_types: Iterable[str] = (),
    now: datetime.datetime | None = None,
) -> Application:
    now = now or timezone.now()
    _check_may_draft(actor, participant)
    refusal = start_refusal(participant, kind)
    if refusal:
        raise DomainError(refusal, code=RegistrationErrorCode.START_NOT_ALLOWED)
    application = Application(
        participant=participant,
        kind=kind,
        created_by=actor,
        created_at=now,
        reference=_next_reference(timezone.localdate(now).year),
    )
    application.save()
    application_update(
        actor=actor, application=application, role_codes=role_codes, change_types=change_types, _audit=False
    )
    audit_record(
        actor=actor,
        verb=RegistrationEvent.APPLICATION_STARTED,
        target=application,
        changes={"kind": (None, kind)},
        at=now,
    )
    return application


@transaction.atomic
def application_update(
    *,
    actor: User,
    application: Application,
    role_codes: Iterable[str] | None = None,
    remove_role_codes: Iterable[str] | None = None,
    territory_codes: Iterable[str] | None = None,
    change_types: Iterable[str] | None = None,
    _audit: bool = True,
    **fields,
) -> Application:
    """Change what the application asks for; the checklist follows the roles."""
    _check_may_draft(actor, application.participant)
    _check_editable(application)
    changes = {}
    if change_types is not None:
        values = sorted(set(change_types))
        unknown = set(values) - set(ChangeType.values)
        if unknown:
            raise DomainError(
                f"Unknown change type(s): {', '.join(sorted(unknown))}.", code=RegistrationErrorCode.UNKNOWN_CHANGE_TYPE
            )
        if values != sorted(application.change_types):
            changes["change_types"] = (application.change_types, values)
            application.change_types = values
    for name, value in fields.items():
        if name not in {"new_legal_name", "new_dba", "banking_note", "service_provider_name", "notes"}:
            raise DomainError(f"{name} cannot be changed here.", code=RegistrationErrorCode.UNKNOWN_CHANGE_TYPE)
        if getattr(application, name) != value:
            changes[name] = (getattr(application, name), value)
            setattr(application, name, value)
    application.requires_testing = application.kind == ApplicationKind.REVISION and bool(
        TESTING_CHANGES & set(application.change_types)
    )
    application.save()
    if role_codes is not None:
        roles = list(MarketRole.objects.filter(code__in=list(role_codes)))
        before = sorted(application.roles.values_list("code", flat=True))
        application.roles.set(roles)
        after = sorted(r.code for r in roles)
        if before != after:
            changes["roles"] = (before, after)
    if remove_role_codes is not None:
        application.roles_to_remove.set(MarketRole.objects.filter(code__in=list(remove_role_codes)))
    if territory_codes is not None:
        application.territories_to_add.set(ServiceTerritory.objects.filter(code__in=list(territory_codes)))
    _sync_checklist(application)
    if _audit and changes:
        audit_record(actor=actor, verb=RegistrationEvent.APPLICATION_UPDATED, target=application, changes=changes)
    return application


@transaction.atomic
def contact_change_add(
    *,
    actor: User,
    application: Application,
    action: str,
    contact_role: str,
    full_name: str,
    email: str,
    rank: str = ContactRank.PRIMARY,
    phone: str = "",
) -> ContactChange:
    _check_may_draft(actor, application.participant)
    _check_editable(application)
    change = ContactChange(
        application=application,
        action=action,
        contact_role=contact_role,
        rank=rank,
        full_name=full_name.strip(),
        email=canonical_email(email),
        phone=phone.strip(),
    )
    try:
        change.full_clean()
    except ValidationError as error:
        raise DomainError.from_validation_error(error, code=RegistrationErrorCode.INVALID) from error
    change.save()
    audit_record(
        actor=actor,
        verb=RegistrationEvent.APPLICATION_CONTACT_CHANGE_ADDED,
        target=application,
        changes={"contact": (None, str(change))},
    )
    return change


@transaction.atomic
def document_upload(
    *, actor: User, line: ApplicationRequirement, upload: CheckedUpload, now: datetime.datetime | None = None
) -> Document:
    """Store a new version for a checklist line; earlier versions are kept."""
    application = (
        Application.objects.select_for_update(of=("self",)).select_related("participant").get(pk=line.application_id)
    )
    _check_may_draft(actor, application.participant)
    _check_editable(application)
    now = now or timezone.now()
    version = (line.documents.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    document = Document(
        line=line,
        version=version,
        original_name=upload.safe_name,
        content_type=upload.content_type,
        size=upload.size,
        uploaded_by=actor,
        uploaded_at=now,
    )
    document.file.save(upload.safe_name, upload.file, save=False)
    document.save()
    line.status = RequirementStatus.PROVIDED
    line.review_reason = ""
    line.save(update_fields=["status", "review_reason"])
    audit_record(
        actor=actor,
        verb=RegistrationEvent.APPLICATION_DOCUMENT_UPLOADED,
        target=application,
        changes={"document": (None, f"{line.requirement.name}: {document.original_name} (v{version})")},
        at=now,
    )
    return document


@transaction.atomic
def document_review(*, actor: User, document: Document, accept: bool, reason: str = "") -> Document:
    if not actor.is_staff:
        raise DomainError("Only Client Services staff review documents.", code=RegistrationErrorCode.PERMISSION_DENIED)
    policies.check_decide_application(actor)
    line = document.line
    # Re-read (and lock) the application: the caller's copy may be stale.
    application = Application.objects.select_for_update().get(pk=line.application_id)
    if application.status != ApplicationStatus.UNDER_REVIEW:
        raise DomainError(
            "Start the review before accepting or rejecting documents.", code=RegistrationErrorCode.REVIEW_NOT_STARTED
        )
    if not accept and not reason.strip():
        raise DomainError(
            "Give the reason for rejecting the document: the participant will see it.",
            code=RegistrationErrorCode.REASON_REQUIRED,
        )
    status = RequirementStatus.ACCEPTED if accept else RequirementStatus.REJECTED
    document.review_status = status
    document.review_reason = reason.strip()
    document.reviewed_by = actor
    document.reviewed_at = timezone.now()
    document.save()
    latest = line.documents.order_by("-version").first()
    if latest.pk == document.pk:
        line.status = status
        line.review_reason = reason.strip()
        line.save(update_fields=["status", "review_reason"])
    audit_record(
        actor=actor,
        verb=RegistrationEvent.APPLICATION_DOCUMENT_REVIEWED,
        target=application,
        changes={document.original_name: (RequirementStatus.PROVIDED, status)},
        reason=reason,
    )
    return document


# --- workflow ---------------------------------------------------------------------------------


def _move(application: Application, to_status: str) -> str:
    return move_status(
        application,
        to_status,
        transitions=APPLICATION_TRANSITIONS,
        statuses=ApplicationStatus,
        subject=application.reference,
    )


@transaction.atomic
def application_submit(
    *, actor: User, application: Application, attest: bool, now: datetime.datetime | None = None
) -> Application:
    """The AR or Backup AR attests and submits (or resubmits after an information request)."""
    application = (
        Application.objects.select_for_update(of=("self",)).select_related("participant").get(pk=application.pk)
    )
    now = now or timezone.now()
    if not can_attest(actor, application.participant):
        raise DomainError(
            "Only an Authorized Representative or Backup Authorized Representative of "
            f"{application.participant} can attest and submit. Ask yours to submit this application.",
            code=RegistrationErrorCode.PERMISSION_DENIED,
        )
    if not attest:
        raise DomainError("Confirm the attestation to submit.", code=RegistrationErrorCode.ATTESTATION_REQUIRED)
    to_status = (
        ApplicationStatus.RESUBMITTED
        if application.status == ApplicationStatus.INFO_REQUESTED
        else ApplicationStatus.SUBMITTED
    )
    old = _move(application, to_status)
    missing = missing_lines(application)
    if missing:
        raise DomainError(
            "Still missing: " + "; ".join(line.requirement.name for line in missing) + ".",
            code=RegistrationErrorCode.REQUIREMENTS_MISSING,
        )
    if application.kind == ApplicationKind.INITIAL and not application.roles.exists():
        raise DomainError("Choose at least one market role to apply for.", code=RegistrationErrorCode.ROLE_REQUIRED)
    if application.kind == ApplicationKind.REVISION and not application.change_types:
        raise DomainError(
            "Choose what changes in this Notice of Change of Information.",
            code=RegistrationErrorCode.CHANGE_TYPE_REQUIRED,
        )
    calendar = business_calendar()
    today = timezone.localdate(now)
    if old == ApplicationStatus.DRAFT:
        application.clock_started_on = today
    elif application.paused_on is not None:
        application.paused_business_days += calendar.business_days_between(application.paused_on, today)
        application.paused_on = None
    due_on = review_due_on(application.clock_started_on, application.paused_business_days, calendar)
    if due_on != application.due_on:
        application.reminder_sent_on = None  # the reviewer is reminded again before the new due date
    application.due_on = due_on
    application.attested_by = actor
    application.attested_at = now
    application.attestation_text = ATTESTATION.format(participant=application.participant.legal_name)
    application.submitted_at = application.submitted_at or now
    application.save()
    audit = audit_record(
        actor=actor,
        verb=RegistrationEvent.APPLICATION_SUBMITTED,
        target=application,
        changes={"status": (old, to_status)},
        at=now,
    )
    participant = application.participant
    if application.kind == ApplicationKind.INITIAL and participant.status == ParticipantStatus.PROSPECTIVE:
        participant_set_status(
            actor=actor,
            participant=participant,
            status=ParticipantStatus.REGISTERING,
            reason=f"{application.reference} submitted",
        )
    _notify(application, "submitted", {"key_suffix": f":{audit.pk}"})
    return application


@transaction.atomic
def application_start_review(*, actor: User, application: Application) -> Application:
    if not actor.is_staff:
        raise DomainError(
            "Only Client Services staff review applications.", code=RegistrationErrorCode.PERMISSION_DENIED
        )
    policies.check_decide_application(actor)
    application = Application.objects.select_for_update().get(pk=application.pk)
    old = _move(application, ApplicationStatus.UNDER_REVIEW)
    application.reviewer = application.reviewer or actor
    application.save()
    audit_record(
        actor=actor,
        verb=RegistrationEvent.APPLICATION_REVIEW_STARTED,
        target=application,
        changes={"status": (old, application.status)},
    )
    return application


@transaction.atomic
def application_request_info(
    *, actor: User, application: Application, message: str, now: datetime.datetime | None = None
) -> Application:
    if not actor.is_staff:
        raise DomainError(
            "Only Client Services staff review applications.", code=RegistrationErrorCode.PERMISSION_DENIED
        )
    policies.check_decide_application(actor)
    if not message.strip():
        raise DomainError(
            "Say what information is needed: the Authorized Representatives receive it.",
            code=RegistrationErrorCode.REASON_REQUIRED,
        )
    application = Application.objects.select_for_update().get(pk=application.pk)
    now = now or timezone.now()
    old = _move(application, ApplicationStatus.INFO_REQUESTED)
    application.paused_on = timezone.localdate(now)
    application.info_request = message.strip()
    application.save()
    audit = audit_record(
        actor=actor,
        verb=RegistrationEvent.APPLICATION_INFORMATION_REQUESTED,
        target=application,
        changes={"status": (old, application.status)},
        reason=message,
        at=now,
    )
    _notify(application, "info_requested", {"message": message.strip(), "key_suffix": f":{audit.pk}"})
    return application


@transaction.atomic
def application_reject(*, actor: User, application: Application, reason: str) -> Application:
    if not actor.is_staff:
        raise DomainError(
            "Only Client Services staff review applications.", code=RegistrationErrorCode.PERMISSION_DENIED
        )
    policies.check_decide_application(actor)
    if not reason.strip():
        raise DomainError(
            "Give the reason for rejecting: the Authorized Representatives receive it.",
            code=RegistrationErrorCode.REASON_REQUIRED,
        )
    application = Application.objects.select_for_update().get(pk=application.pk)
    old = _move(application, ApplicationStatus.REJECTED)
    application.decided_at, application.decided_by, application.decision_reason = timezone.now(), actor, reason.strip()
    application.save()
    audit_record(
        actor=actor,
        verb=RegistrationEvent.APPLICATION_REJECTED,
        target=application,
        changes={"status": (old, application.status)},
        reason=reason,
    )
    _notify(application, "decision")
    return application


@transaction.atomic
def application_withdraw(*, actor: User, application: Application, reason: str = "") -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if (
        not actor.is_staff
        and not Membership.objects.active().filter(user=actor, participant=application.participant).exists()
    ):
        raise DomainError(
            "Only the participant's users or staff can withdraw this application.",
            code=RegistrationErrorCode.PERMISSION_DENIED,
        )
    old = _move(application, ApplicationStatus.WITHDRAWN)
    application.decided_at, application.decided_by, application.decision_reason = timezone.now(), actor, reason.strip()
    application.save()
    audit_record(
        actor=actor,
        verb=RegistrationEvent.APPLICATION_WITHDRAWN,
        target=application,
        changes={"status": (old, application.status)},
        reason=reason,
    )
    return application


@transaction.atomic
def application_approve(*, actor: User, application: Application, reason: str = "") -> Application:
    """Approve and apply: roles, names, territories, AR/BAR and contacts, and the MP's status."""
    if not actor.is_staff:
        raise DomainError(
            "Only Client Services staff review applications.", code=RegistrationErrorCode.PERMISSION_DENIED
        )
    policies.check_decide_application(actor)
    application = (
        Application.objects.select_for_update(of=("self",)).select_related("participant").get(pk=application.pk)
    )
    old = _move(application, ApplicationStatus.APPROVED)
    not_accepted = [
        line.requirement.name
        for line in application.requirements.select_related("requirement")
        if line.requirement.needs_document and line.status != RequirementStatus.ACCEPTED
    ]
    if not_accepted:
        raise DomainError(
            "Accept every document before approving. Not yet accepted: " + "; ".join(not_accepted) + ".",
            code=RegistrationErrorCode.DOCUMENTS_NOT_ACCEPTED,
        )
    application.decided_at, application.decided_by, application.decision_reason = timezone.now(), actor, reason.strip()
    application.save()
    audit_record(
        actor=actor,
        verb=RegistrationEvent.APPLICATION_APPROVED,
        target=application,
        changes={"status": (old, application.status)},
        reason=reason,
    )
    _apply(actor=actor, application=application)
    _notify(application, "decision")
    return application


def _apply(*, actor: User, application: Application) -> None:
    participant = application.participant
    why = f"{application.reference} approved"
    current_roles = set(participant.roles.values_list("code", flat=True))
    added = set(application.roles.values_list("code", flat=True))
    removed = set(application.roles_to_remove.values_list("code", flat=True))
    fields = {}
    if application.new_legal_name:
        fields["legal_name"] = application.new_legal_name
    if application.new_dba:
        fields["dba_name"] = application.new_dba
    new_roles = sorted((current_roles | added) - removed)
    participant_update(actor=actor, participant=participant, reason=why, role_codes=new_roles, **fields)
    territories = list(application.territories_to_add.all())
    if territories:
        before = sorted(participant.service_territories.values_list("code", flat=True))
        participant.service_territories.add(*territories)
        after = sorted(participant.service_territories.values_list("code", flat=True))
        audit_record(
            actor=actor,
            verb=RegistrationEvent.PARTICIPANT_TERRITORIES_ADDED,
            target=participant,
            changes={"territories": (before, after)},
            reason=why,
        )
    for change in application.contact_changes.all():
        user = User.objects.filter(email=canonical_email(change.email)).first()
        if change.action == ContactChange.Action.REMOVE:
            membership = (
                Membership.objects.active()
                .filter(participant=participant, user=user, contact_role=change.contact_role)
                .first()
                if user
                else None
            )
            if membership:
                membership_end(actor=actor, membership=membership, reason=why)
            continue
        if user is None:
            user = User.objects.create_user(email=change.email, full_name=change.full_name, phone=change.phone)
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if change.rank == ContactRank.PRIMARY:
            previous = (
                Membership.objects.active()
                .filter(participant=participant, contact_role=change.contact_role, rank=ContactRank.PRIMARY)
                .exclude(user=user)
                .first()
            )
            if previous:
                membership_end(actor=actor, membership=previous, reason=why)
        if (
            not Membership.objects.active()
            .filter(user=user, participant=participant, contact_role=change.contact_role)
            .exists()
        ):
            membership_add(
                actor=actor,
                participant=participant,
                user=user,
                contact_role=change.contact_role,
                rank=change.rank,
                reason=why,
            )
    if application.kind == ApplicationKind.INITIAL and participant.status == ParticipantStatus.REGISTERING:
        participant_set_status(actor=actor, participant=participant, status=ParticipantStatus.QUALIFYING, reason=why)


# --- registration facts -------------------------------------------------------------------------


@transaction.atomic
def sfa_record(
    *, actor: User, participant: MarketParticipant, signed_on: datetime.date | None, processed_by_legal: bool
) -> SfaRecord:
    policies.check_record_facts(actor)
    record, _ = SfaRecord.objects.get_or_create(participant=participant)
    changes = {}
    if record.signed_on != signed_on:
        changes["signed_on"] = (record.signed_on, signed_on)
        record.signed_on = signed_on
    if record.processed_by_legal != processed_by_legal:
        changes["processed_by_legal"] = (record.processed_by_legal, processed_by_legal)
        record.processed_by_legal = processed_by_legal
        record.processed_at = timezone.now() if processed_by_legal else None
        record.processed_by = actor if processed_by_legal else None
    record.save()
    if changes:
        audit_record(
            actor=actor,
            verb=RegistrationEvent.REGISTRATION_SFA_RECORDED,
            target=record,
            participant=participant,
            changes=changes,
        )
    return record


@transaction.atomic
def puct_record(
    *,
    actor: User,
    participant: MarketParticipant,
    certificate_number: str,
    issued_on: datetime.date,
    expires_on: datetime.date | None = None,
    received: bool = True,
) -> PuctCertification:
    policies.check_record_facts(actor)
    if expires_on and expires_on < issued_on:
        raise DomainError(
            "The PUCT certification cannot expire before it was issued.",
            code=RegistrationErrorCode.INVALID_CERTIFICATION,
        )
    record = PuctCertification.objects.filter(participant=participant).first() or PuctCertification(
        participant=participant
    )
    old = (record.certificate_number, record.issued_on, record.expires_on)
    record.certificate_number, record.issued_on, record.expires_on = certificate_number.strip(), issued_on, expires_on
    record.received_at = record.received_at or (timezone.now() if received else None)
    if not received:
        record.received_at = None
    try:
        record.full_clean()
    except ValidationError as error:
        raise DomainError.from_validation_error(error, code=RegistrationErrorCode.INVALID) from error
    record.save()
    audit_record(
        actor=actor,
        verb=RegistrationEvent.REGISTRATION_PUCT_RECORDED,
        target=record,
        participant=participant,
        changes={"certification": (list(old), [record.certificate_number, issued_on, expires_on])},
    )
    return record


@transaction.atomic
def qse_acknowledgement_record(
    *,
    actor: User,
    participant: MarketParticipant,
    qse: MarketParticipant,
    processed_by_legal: bool,
) -> QseAcknowledgement:
    """Form H: the LSE names its QSE and Legal processes it. Whether that QSE is qualified to serve load is the
    QSE's own fact (:func:`qse_load_qualification_record`)."""
    policies.check_record_facts(actor)
    if qse.pk == participant.pk:
        raise DomainError(
            "The QSE Acknowledgement must name another Market Participant as QSE.",
            code=RegistrationErrorCode.INVALID_QSE,
        )
    if not qse.has_role("QSE"):
        raise DomainError(f"{qse} is not a registered QSE.", code=RegistrationErrorCode.INVALID_QSE)
    record = QseAcknowledgement.objects.filter(participant=participant).first() or QseAcknowledgement(
        participant=participant, qse=qse
    )
    old = (str(record.qse) if record.pk else None, record.processed_by_legal)
    record.qse = qse
    if record.processed_by_legal != processed_by_legal:
        record.processed_at = timezone.now() if processed_by_legal else None
        record.processed_by = actor if processed_by_legal else None
    record.processed_by_legal = processed_by_legal
    record.save()
    audit_record(
        actor=actor,
        verb=RegistrationEvent.REGISTRATION_QSE_ACKNOWLEDGEMENT_RECORDED,
        target=record,
        participant=participant,
        changes={"acknowledgement": (list(old), [str(qse), processed_by_legal])},
    )
    return record


@transaction.atomic
def qse_load_qualification_record(
    *, actor: User, qse: MarketParticipant, qualified: bool, reason: str
) -> QseLoadQualification:
    """Record whether a QSE is qualified to serve load (seed 004: the QSE an LSE names must be). One answer per
    QSE, read by the criteria of every LSE naming it; each change is an audit event on the QSE, with the reason."""
    policies.check_record_facts(actor)
    if not qse.has_role("QSE"):
        raise DomainError(f"{qse} is not a registered QSE.", code=RegistrationErrorCode.INVALID_QSE)
    if not reason.strip():
        raise DomainError(
            "Say why: the reason is kept in the QSE's history.", code=RegistrationErrorCode.REASON_REQUIRED
        )
    record = QseLoadQualification.objects.select_for_update().filter(qse=qse).first()
    old = record.qualified if record is not None else None
    if record is None:
        record = QseLoadQualification(qse=qse)
    record.qualified = qualified
    record.recorded_at = timezone.now()
    record.recorded_by = actor
    record.reason = reason.strip()
    record.save()
    audit_record(
        actor=actor,
        verb=RegistrationEvent.REGISTRATION_QSE_LOAD_QUALIFICATION_RECORDED,
        target=record,
        participant=qse,
        changes={"qualified_to_serve_load": (old, qualified)},
        reason=record.reason,
    )
    return record


# --- potential MPs ---------------------------------------------------------------------------------


@transaction.atomic
def potential_participant_invite(
    *, actor: User, case: Case, legal_name: str, short_name: str, contact_name: str = "", contact_email: str = ""
) -> MarketParticipant:
    """From a Service Desk contact: create the prospective MP and its first AR, and email an invitation."""
    if not actor.is_staff:
        raise DomainError(
            "Only staff can invite a potential Market Participant.", code=RegistrationErrorCode.PERMISSION_DENIED
        )
    policies.check_invite_potential_participant(actor)
    if case.kind != CaseKind.POTENTIAL_MP or case.participant_id is not None:
        raise DomainError(
            f"{case.reference} is not a potential Market Participant's contact: there is nobody to invite.",
            code=RegistrationErrorCode.NOTHING_TO_INVITE,
        )
    email = canonical_email(contact_email or case.contact_email)
    name = (contact_name or case.contact_name).strip()
    if not email:
        raise DomainError("The contact has no email address to invite.", code=RegistrationErrorCode.NOTHING_TO_INVITE)
    if MarketParticipant.objects.filter(short_name__iexact=short_name).exists():
        raise DomainError(
            f"A Market Participant with short name {short_name} already exists.",
            code=RegistrationErrorCode.DUPLICATE_PARTICIPANT,
        )
    participant = participant_create(
        actor=actor,
        data=ParticipantInput(legal_name=legal_name, short_name=short_name),
        reason=f"Invited from {case.reference}",
    )
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, full_name=name or email)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if user.is_staff:
        raise DomainError("That email belongs to operator staff.", code=RegistrationErrorCode.STAFF_EMAIL)
    membership_add(
        actor=actor,
        participant=participant,
        user=user,
        contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE,
        reason=f"Invited from {case.reference}",
    )
    Case.objects.filter(pk=case.pk).update(participant=participant)
    link = settings.SITE_URL + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    body = render_to_string(
        "emails/registration/invitation.txt",
        {
            "name": user.full_name,
            "participant": participant,
            "link": link,
            "case": case,
            "CLIENT_SERVICES_PHONE": settings.CLIENT_SERVICES_PHONE,
        },
    )
    email_queue(
        key=f"invitation:{participant.pk}:{user.pk}",
        to=[user.email],
        subject="Register with ERCOT: your account is ready",
        body=body,
    )
    case_reply(
        actor=actor,
        case=case,
        body=f"We created an account for {participant.legal_name} and emailed {user.email} an invitation to start the registration.",
    )
    if case.status != CaseStatus.RESOLVED and case.can_move_to(CaseStatus.RESOLVED):
        case_transition(
            actor=actor,
            case=case,
            to_status=CaseStatus.RESOLVED,
            resolution_summary="Invited to register in the portal.",
        )
    return participant


# --- reminders ----------------------------------------------------------------------------------


def application_send_reminders(*, today: datetime.date | None = None, at_risk_days: int = 2) -> int:
    """Email the reviewer (or the AM) once when an open application's review is due within ``at_risk_days``."""
    today = today or timezone.localdate()
    calendar = business_calendar()
    sent = 0
    candidates = Application.objects.filter(
        status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW, ApplicationStatus.RESUBMITTED],
        paused_on__isnull=True,
        reminder_sent_on__isnull=True,
        due_on__isnull=False,
    ).select_related("participant", "reviewer")
    for application in candidates:
        if calendar.business_days_between(today, application.due_on) > at_risk_days:
            continue
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            if locked.reminder_sent_on:
                continue
            manager = current_manager(application.participant)
            to = (
                application.reviewer.email
                if application.reviewer
                else (manager.email if manager else settings.SERVICE_DESK_EMAIL)
            )
            body = render_to_string(
                "emails/registration/reminder.txt",
                {"application": application, "link": settings.SITE_URL + application.get_absolute_url()},
            )
            email_queue(
                key=f"registration:{application.reference}:reminder:{application.due_on:%Y-%m-%d}",
                to=[to],
                subject=f"[{application.reference}] Review due {application.due_on:%b %d, %Y}",
                body=body,
            )
            locked.reminder_sent_on = today
            locked.save(update_fields=["reminder_sent_on"])
            sent += 1
    return sent
