"""Drafting an application (start, what it asks for, contact changes), submitting it and withdrawing it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.email_address import canonical_email
from accounts.models import (
    ContactRank,
    MarketParticipant,
    MarketRole,
    Membership,
    ParticipantStatus,
    ServiceTerritory,
    User,
)
from accounts.services import participant_set_status
from ercot_services.core.audit import audit_record
from ercot_services.core.calendar import business_calendar
from ercot_services.core.models import DomainError, clean_or_refuse

from ..error_codes import RegistrationErrorCode
from ..events import RegistrationEvent
from ..models import (
    TESTING_CHANGES,
    Application,
    ApplicationKind,
    ApplicationStatus,
    ChangeType,
    ContactChange,
    start_refusal,
)
from ..summary import refresh_registration_summary
from .common import (
    ATTESTATION,
    _check_editable,
    _check_may_draft,
    _move,
    _next_reference,
    _notify,
    _sync_checklist,
    can_attest,
    missing_lines,
    review_due_on,
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
    refresh_registration_summary(application.participant_id)
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
    refresh_registration_summary(application.participant_id)
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
    clean_or_refuse(change, code=RegistrationErrorCode.INVALID)
    change.save()
    audit_record(
        actor=actor,
        verb=RegistrationEvent.APPLICATION_CONTACT_CHANGE_ADDED,
        target=application,
        changes={"contact": (None, str(change))},
    )
    return change


def _check_may_submit(actor: User, application: Application, *, attest: bool) -> None:
    """Only the MP's AR or Backup AR submits, and only with the attestation confirmed."""
    if not can_attest(actor, application.participant):
        raise DomainError(
            "Only an Authorized Representative or Backup Authorized Representative of "
            f"{application.participant} can attest and submit. Ask yours to submit this application.",
            code=RegistrationErrorCode.PERMISSION_DENIED,
        )
    if not attest:
        raise DomainError("Confirm the attestation to submit.", code=RegistrationErrorCode.ATTESTATION_REQUIRED)


def _check_complete(application: Application) -> None:
    """Every required document provided, and what the application asks for chosen."""
    refusal = completeness_refusal(
        application, missing=missing_lines(application), has_roles=application.roles.exists()
    )
    if refusal is not None:
        raise refusal


def completeness_refusal(application: Application, *, missing: list, has_roles: bool) -> DomainError | None:
    """Why ``application`` cannot be submitted yet for what it lacks (``None`` when complete): the one rule behind
    the service's refusal and the portal's disabled "Attest and submit" with its reason. ``missing`` are its missing
    checklist lines (``missing_lines``, or the lines a page already marked); ``has_roles``: roles are chosen."""
    if missing:
        return DomainError(
            "Still missing: " + "; ".join(line.requirement.name for line in missing) + ".",
            code=RegistrationErrorCode.REQUIREMENTS_MISSING,
        )
    if application.kind == ApplicationKind.INITIAL and not has_roles:
        return DomainError("Choose at least one market role to apply for.", code=RegistrationErrorCode.ROLE_REQUIRED)
    if application.kind == ApplicationKind.REVISION and not application.change_types:
        return DomainError(
            "Choose what changes in this Notice of Change of Information.",
            code=RegistrationErrorCode.CHANGE_TYPE_REQUIRED,
        )
    return None


def _run_review_clock(application: Application, *, old_status: str, today: datetime.date) -> None:
    """Start the 10-Business-Day clock on the first submission; on a resubmission, add the days it was paused."""
    calendar = business_calendar()
    if old_status == ApplicationStatus.DRAFT:
        application.clock_started_on = today
    elif application.paused_on is not None:
        application.paused_business_days += calendar.business_days_between(application.paused_on, today)
        application.paused_on = None
    due_on = review_due_on(application.clock_started_on, application.paused_business_days, calendar)
    if due_on != application.due_on:
        application.reminder_sent_on = None  # the reviewer is reminded again before the new due date
    application.due_on = due_on


@transaction.atomic
def application_submit(
    *, actor: User, application: Application, attest: bool, now: datetime.datetime | None = None
) -> Application:
    """The AR or Backup AR attests and submits (or resubmits after an information request)."""
    application = (
        Application.objects.select_for_update(of=("self",)).select_related("participant").get(pk=application.pk)
    )
    now = now or timezone.now()
    _check_may_submit(actor, application, attest=attest)
    to_status = (
        ApplicationStatus.RESUBMITTED
        if application.status == ApplicationStatus.INFO_REQUESTED
        else ApplicationStatus.SUBMITTED
    )
    old = _move(application, to_status)
    _check_complete(application)
    _run_review_clock(application, old_status=old, today=timezone.localdate(now))
    application.attested_by = actor
    application.attested_at = now
    application.attestation_text = ATTESTATION.format(participant=application.participant.legal_name)
    application.submitted_at = application.submitted_at or now
    application.save()
    refresh_registration_summary(application.participant_id)
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
    refresh_registration_summary(application.participant_id)
    audit_record(
        actor=actor,
        verb=RegistrationEvent.APPLICATION_WITHDRAWN,
        target=application,
        changes={"status": (old, application.status)},
        reason=reason,
    )
    return application
