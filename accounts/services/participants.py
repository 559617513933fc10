"""Services that change Market Participants, memberships and AM assignments.

Each one is keyword-only, runs in one transaction, validates the rows it writes
and records an audit event. Views, admin actions, commands and tasks call these
rather than saving models themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from ercot_services.core.audit import apply_changes, audit_record
from ercot_services.core.models import DomainError, clean_or_refuse

from .. import policies
from ..error_codes import AccountErrorCode
from ..events import AccountEvent
from ..models import (
    AccountManager,
    AccountManagerAssignment,
    ContactRank,
    MarketParticipant,
    MarketRole,
    Membership,
    ParticipantStatus,
    ServiceTerritory,
    User,
)
from .summary import participant_summary_refresh


def _clean(instance, **options) -> None:
    """``full_clean()``, its failure a ``DomainError`` (code ``INVALID``) that keeps the field errors for a form."""
    clean_or_refuse(instance, code=AccountErrorCode.INVALID, **options)


def _roles_from_codes(codes: Iterable[str]) -> list[MarketRole]:
    codes = list(dict.fromkeys(codes))
    roles = list(MarketRole.objects.filter(code__in=codes))
    missing = set(codes) - {role.code for role in roles}
    if missing:
        raise DomainError(f"Unknown market role(s): {', '.join(sorted(missing))}.", code=AccountErrorCode.UNKNOWN_ROLE)
    return roles


@dataclass(frozen=True)
class ParticipantInput:
    """What a new Market Participant is registered with (:func:`participant_create`)."""

    legal_name: str
    short_name: str
    duns_number: str = ""
    operator_id: str | None = None
    role_codes: Iterable[str] = ()
    territory_codes: Iterable[str] = ()
    status: str = ParticipantStatus.PROSPECTIVE


@transaction.atomic
def participant_create(*, actor: User | None, data: ParticipantInput, reason: str = "") -> MarketParticipant:
    participant = MarketParticipant(
        legal_name=data.legal_name,
        short_name=data.short_name,
        duns_number=data.duns_number,
        operator_id=data.operator_id or None,
        status=data.status,
    )
    _clean(participant)
    participant.save()
    roles = _roles_from_codes(data.role_codes)
    participant.roles.set(roles)
    territories = list(ServiceTerritory.objects.filter(code__in=list(data.territory_codes)))
    participant.service_territories.set(territories)
    audit_record(
        actor=actor,
        verb=AccountEvent.PARTICIPANT_CREATED,
        target=participant,
        changes={
            "legal_name": (None, data.legal_name),
            "status": (None, data.status),
            "roles": (None, sorted(r.code for r in roles)),
        },
        reason=reason,
    )
    participant_summary_refresh(participant_ids=[participant.pk])
    return participant


@transaction.atomic
def participant_update(
    *,
    actor: User | None,
    participant: MarketParticipant,
    reason: str = "",
    role_codes: Iterable[str] | None = None,
    **fields,
) -> MarketParticipant:
    """Change plain fields (legal_name, duns_number, ...) and optionally the set of roles.

    Status has its own service, :func:`participant_set_status`, because it follows a transition map.
    """
    if "status" in fields:
        raise DomainError(
            "Change the status with participant_set_status, which checks the lifecycle.",
            code=AccountErrorCode.STATUS_NOT_EDITABLE_HERE,
        )
    changes = apply_changes(participant, fields)
    if changes:
        _clean(participant)
        participant.save()
    if role_codes is not None:
        before = participant.role_codes()
        roles = _roles_from_codes(role_codes)
        participant.roles.set(roles)
        after = sorted(r.code for r in roles)
        if before != after:
            changes["roles"] = (before, after)
            # The roles decide which notices are addressed to the MP (its unacknowledged count).
            participant_summary_refresh(participant_ids=[participant.pk])
    if changes:
        audit_record(
            actor=actor, verb=AccountEvent.PARTICIPANT_UPDATED, target=participant, changes=changes, reason=reason
        )
    return participant


@transaction.atomic
def participant_set_status(
    *, actor: User | None, participant: MarketParticipant, status: str, reason: str = ""
) -> MarketParticipant:
    participant = MarketParticipant.objects.select_for_update().get(pk=participant.pk)
    if participant.status == status:
        return participant
    if not participant.can_move_to(status):
        allowed = ", ".join(
            ParticipantStatus(s).label for s in sorted(MarketParticipant.STATUS_TRANSITIONS[participant.status])
        )
        raise DomainError(
            f"{participant} is {participant.get_status_display()}: it cannot become "
            f"{ParticipantStatus(status).label}. Allowed next: {allowed or 'none'}.",
            code=AccountErrorCode.INVALID_TRANSITION,
        )
    old = participant.status
    participant.status = status
    participant.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        verb=AccountEvent.PARTICIPANT_STATUS_CHANGED,
        target=participant,
        changes={"status": (old, status)},
        reason=reason,
    )
    return participant


def _already_assigned(participant: MarketParticipant, account_manager: AccountManager) -> DomainError:
    return DomainError(
        f"{account_manager} is already the Account Manager of {participant}.", code=AccountErrorCode.ALREADY_ASSIGNED
    )


def _open_assignment(assignment: AccountManagerAssignment) -> None:
    """Insert the new open assignment; an open one that raced in after the check is the same refusal.

    The model's own constraints are not re-checked by ``full_clean``: the one-open-assignment rule was checked
    under the MP's lock, and the database's partial unique index is its last guard, whose ``IntegrityError``
    (rolled back to a savepoint, so the caller's transaction goes on) becomes the ``ALREADY_ASSIGNED`` refusal.
    """
    _clean(assignment, validate_constraints=False)
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as error:
        racing = (
            AccountManagerAssignment.objects.current()
            .filter(participant_id=assignment.participant_id)
            .select_related("account_manager__user")
            .first()
        )
        if racing is None:
            raise
        raise _already_assigned(assignment.participant, racing.account_manager) from error


@transaction.atomic
def account_manager_assign(
    *,
    actor: User | None,
    participant: MarketParticipant,
    account_manager: AccountManager,
    reason: str = "",
) -> AccountManagerAssignment:
    """Make ``account_manager`` the MP's current AM, closing the previous assignment.

    The MP row is locked before anything is read, so two concurrent assignments queue up: the second sees the
    first one's assignment, and is refused (``ALREADY_ASSIGNED``) when it names the same AM or closes it when it
    names another. The database's partial unique index stays the final guard that only one assignment is open.
    """
    if actor is not None:  # None: a system action (data migration, import)
        policies.check_reassign_account_manager(actor)
    participant = MarketParticipant.objects.select_for_update().get(pk=participant.pk)
    if not account_manager.is_active:
        raise DomainError(
            f"{account_manager} is no longer an active Account Manager.", code=AccountErrorCode.INACTIVE_ACCOUNT_MANAGER
        )
    current = AccountManagerAssignment.objects.current().filter(participant=participant).first()
    if current and current.account_manager_id == account_manager.pk:
        raise _already_assigned(participant, account_manager)
    now = timezone.now()
    previous_name = None
    if current:
        current.ended_at = now
        current.save(update_fields=["ended_at"])
        previous_name = str(current.account_manager)
    assignment = AccountManagerAssignment(
        participant=participant, account_manager=account_manager, started_at=now, reason=reason, assigned_by=actor
    )
    _open_assignment(assignment)
    audit_record(
        actor=actor,
        verb=AccountEvent.PARTICIPANT_ACCOUNT_MANAGER_ASSIGNED,
        target=participant,
        changes={"account_manager": (previous_name, str(account_manager))},
        reason=reason,
    )
    return assignment


@transaction.atomic
def account_manager_reassign_book(
    *,
    actor: User | None,
    from_manager: AccountManager,
    to_manager: AccountManager,
    reason: str,
    deactivate_from: bool = False,
) -> int:
    """Move every MP of ``from_manager`` to ``to_manager`` (for example when an AM leaves).

    Returns how many MPs moved. With ``deactivate_from`` the departing AM is
    marked inactive so no new MP is given to them.
    """
    if actor is not None:
        policies.check_reassign_account_manager(actor)
    if from_manager.pk == to_manager.pk:
        raise DomainError(
            "Choose a different Account Manager to receive the book.", code=AccountErrorCode.SAME_ACCOUNT_MANAGER
        )
    if not reason.strip():
        raise DomainError("Give a reason for moving the whole book.", code=AccountErrorCode.REASON_REQUIRED)
    participant_ids = list(
        AccountManagerAssignment.objects.current()
        .filter(account_manager=from_manager)
        .values_list("participant_id", flat=True)
    )
    for participant in MarketParticipant.objects.filter(pk__in=participant_ids).order_by("pk"):
        account_manager_assign(actor=actor, participant=participant, account_manager=to_manager, reason=reason)
    if deactivate_from and from_manager.is_active:
        from_manager.is_active = False
        from_manager.save(update_fields=["is_active", "updated_at"])
        audit_record(
            actor=actor,
            verb=AccountEvent.ACCOUNT_MANAGER_DEACTIVATED,
            target=from_manager,
            changes={"is_active": (True, False)},
            reason=reason,
        )
    return len(participant_ids)


@transaction.atomic
def account_manager_create(
    *, actor: User | None, user: User, phone: str, email: str = "", extension: str = "", title: str = ""
) -> AccountManager:
    if not user.is_staff:
        raise DomainError("Only operator staff can be Account Managers.", code=AccountErrorCode.NOT_STAFF)
    manager = AccountManager(
        user=user,
        phone=phone,
        extension=extension,
        email=email or user.email,
        title=title or AccountManager._meta.get_field("title").default,
    )
    _clean(manager)
    manager.save()
    audit_record(
        actor=actor, verb=AccountEvent.ACCOUNT_MANAGER_CREATED, target=manager, changes={"user": (None, str(user))}
    )
    return manager


@transaction.atomic
def membership_add(
    *,
    actor: User | None,
    participant: MarketParticipant,
    user: User,
    contact_role: str,
    rank: str = ContactRank.PRIMARY,
    reason: str = "",
) -> Membership:
    if user.is_staff:
        raise DomainError(
            "Operator staff cannot be contacts of a Market Participant.", code=AccountErrorCode.STAFF_AS_CONTACT
        )
    membership = Membership.objects.filter(user=user, participant=participant, contact_role=contact_role).first()
    if membership and membership.is_active:
        raise DomainError(
            f"{user} is already {membership.get_contact_role_display()} of {participant}.",
            code=AccountErrorCode.ALREADY_A_CONTACT,
        )
    if membership is None:
        membership = Membership(user=user, participant=participant, contact_role=contact_role)
    membership.rank = rank
    membership.is_active = True
    _clean(membership)
    membership.save()
    # A role reaches the portal through the person's link to the MP (accounts.services.access).
    from .access import portal_access_ensure

    portal_access_ensure(actor=actor, participant=participant, user=user, reason=reason)
    audit_record(
        actor=actor,
        verb=AccountEvent.MEMBERSHIP_ADDED,
        target=membership,
        participant=participant,
        changes={"contact": (None, f"{user} — {membership.get_contact_role_display()} ({rank})")},
        reason=reason,
    )
    return membership


@transaction.atomic
def membership_end(*, actor: User | None, membership: Membership, reason: str = "") -> Membership:
    if not membership.is_active:
        return membership
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        verb=AccountEvent.MEMBERSHIP_ENDED,
        target=membership,
        participant=membership.participant,
        changes={"is_active": (True, False)},
        reason=reason,
    )
    return membership


def _current_manager_user(participant: MarketParticipant) -> User | None:
    assignment = (
        AccountManagerAssignment.objects.with_active_manager()
        .filter(participant=participant)
        .select_related("account_manager__user")
        .first()
    )
    return assignment.account_manager.user if assignment else None
