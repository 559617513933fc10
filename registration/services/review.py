"""The staff review: start it, request information, reject, or approve and apply the change to the MP."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.email_address import canonical_email
from accounts.models import ContactRank, MarketParticipant, Membership, ParticipantStatus, User
from accounts.services import membership_add, membership_end, participant_set_status, participant_update
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError

from .. import policies
from ..error_codes import RegistrationErrorCode
from ..events import RegistrationEvent
from ..models import Application, ApplicationKind, ApplicationStatus, ContactChange, RequirementStatus
from ..summary import refresh_registration_summary
from .common import _contact_user, _move, _notify


@transaction.atomic
def application_start_review(*, actor: User, application: Application) -> Application:
    policies.check_decide_application(actor)
    application = Application.objects.select_for_update().get(pk=application.pk)
    old = _move(application, ApplicationStatus.UNDER_REVIEW)
    application.reviewer = application.reviewer or actor
    application.save()
    refresh_registration_summary(application.participant_id)
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
    refresh_registration_summary(application.participant_id)
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
    refresh_registration_summary(application.participant_id)
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
def application_approve(*, actor: User, application: Application, reason: str = "") -> Application:
    """Approve and apply: roles, names, territories, AR/BAR and contacts, and the MP's status."""
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
    refresh_registration_summary(application.participant_id)
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
    """Apply an approved application to its MP: roles and names, territories, contacts, then the MP's status."""
    participant = application.participant
    why = f"{application.reference} approved"
    _apply_roles_and_names(actor=actor, application=application, why=why)
    _apply_territories(actor=actor, application=application, why=why)
    for change in application.contact_changes.all():
        if change.action == ContactChange.Action.REMOVE:
            _apply_contact_removal(actor=actor, participant=participant, change=change, why=why)
        else:
            _apply_contact_addition(actor=actor, participant=participant, change=change, why=why)
    if application.kind == ApplicationKind.INITIAL and participant.status == ParticipantStatus.REGISTERING:
        participant_set_status(actor=actor, participant=participant, status=ParticipantStatus.QUALIFYING, reason=why)


def _apply_roles_and_names(*, actor: User, application: Application, why: str) -> None:
    participant = application.participant
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


def _apply_territories(*, actor: User, application: Application, why: str) -> None:
    participant = application.participant
    territories = list(application.territories_to_add.all())
    if not territories:
        return
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


def _apply_contact_removal(*, actor: User, participant: MarketParticipant, change: ContactChange, why: str) -> None:
    user = User.objects.filter(email=canonical_email(change.email)).first()
    if user is None:
        return
    membership = (
        Membership.objects.active().filter(participant=participant, user=user, contact_role=change.contact_role).first()
    )
    if membership:
        membership_end(actor=actor, membership=membership, reason=why)


def _apply_contact_addition(*, actor: User, participant: MarketParticipant, change: ContactChange, why: str) -> None:
    """Add the contact in its role (a new primary replaces the previous one), creating its user if needed."""
    user = _contact_user(email=change.email, full_name=change.full_name, phone=change.phone)
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
        Membership.objects.active()
        .filter(user=user, participant=participant, contact_role=change.contact_role)
        .exists()
    ):
        return
    membership_add(
        actor=actor,
        participant=participant,
        user=user,
        contact_role=change.contact_role,
        rank=change.rank,
        reason=why,
    )
