"""The MP's people, as its User Security Administrator (USA) runs them: change roles, suspend, reinstate, remove,
and the MP's second-factor rule (inviting and accepting are in ``invitations``, which builds on the helpers here).

Every service checks inside that the actor may manage the MP's people (``policies.check_manage_people``: the MP's
own active USA, or staff holding the membership permission; ``actor=None`` is the system, e.g. the access review
closing), runs in one transaction, writes an audit event on the person's link (so it shows on the person's page and,
through its ``participant``, on the MP's) and, on every grant and removal, emails the MP's Account Manager through
the outbox. Roles are :class:`Membership` rows; AR and BAR stay with registration. The MP must keep one active USA.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError
from ercot_services.core.outbox import email_queue
from ercot_services.core.workflow import move_status

from .. import policies
from ..error_codes import AccountErrorCode
from ..events import AccountEvent
from ..models import (
    AUTHORIZING_ROLES,
    PORTAL_ACCESS_TRANSITIONS,
    USA_GRANTABLE_ROLES,
    ContactRank,
    ContactRole,
    MarketParticipant,
    Membership,
    PortalAccess,
    PortalAccessStatus,
    User,
)
from .participants import _current_manager_user, membership_add, membership_end

NOT_CONFIRMED_IN_REVIEW = "not confirmed in the access review"


# --- what every service shares --------------------------------------------------------------------------------------


def _check_may_manage(actor: User | None, participant: MarketParticipant) -> None:
    if actor is not None:  # None: the system (the access review closing, a data import)
        policies.check_manage_people(actor, participant)


def _check_grantable(roles: Iterable[str]) -> list[str]:
    roles = list(dict.fromkeys(roles))
    refused = [role for role in roles if role not in USA_GRANTABLE_ROLES]
    if refused:
        labels = ", ".join(ContactRole(r).label if r in ContactRole.values else r for r in refused)
        raise DomainError(
            f"{labels}: the Authorized Representative and the Backup AR change through registration "
            "(a Notice of Change of Information), not here.",
            code=AccountErrorCode.ROLE_NOT_GRANTABLE,
        )
    return roles


def active_security_administrator_ids(participant: MarketParticipant) -> set[int]:
    """The people who are an active USA of the MP: an active USA membership through an active link."""
    return set(
        Membership.objects.security_administrators().filter(participant=participant).values_list("user_id", flat=True)
    )


def _refuse_losing_last_usa(participant: MarketParticipant, user: User, doing: str) -> None:
    """Refuse ``doing`` when it would leave the MP without an active USA. The MP's row is locked first, so two USAs
    removing each other at the same moment queue up and the second is refused."""
    MarketParticipant.objects.select_for_update().only("pk").get(pk=participant.pk)
    if active_security_administrator_ids(participant) == {user.pk}:
        raise DomainError(
            f"{user} is the last active User Security Administrator of {participant.short_name}: "
            f"make someone else USA before you {doing}.",
            code=AccountErrorCode.LAST_SECURITY_ADMINISTRATOR,
        )


def refresh_portal_lock(user: User) -> None:
    """``User.portal_locked``: the person has links and none is active. Saving the user replaces its cached snapshot,
    so a locked person's session ends on its next request (accounts.user_cache)."""
    if user.is_staff:
        return
    links = PortalAccess.objects.filter(user=user)
    locked = links.exists() and not links.active().exists()
    if user.portal_locked != locked:
        user.portal_locked = locked
        user.save(update_fields=["portal_locked"])


def _access_for(participant: MarketParticipant, user: User, *, lock: bool = True) -> PortalAccess:
    queryset = PortalAccess.objects.select_related("user", "participant")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    access = queryset.filter(participant=participant, user=user).first()
    if access is None:
        raise DomainError(f"{user} has no access to {participant.short_name}.", code=AccountErrorCode.NOT_A_PERSON_HERE)
    return access


def _move(access: PortalAccess, status: str, *, actor: User | None, reason: str) -> str:
    try:
        old = move_status(
            access,
            status,
            transitions=PORTAL_ACCESS_TRANSITIONS,
            statuses=PortalAccessStatus,
            subject=f"The access of {access.user}",
        )
    except DomainError as error:
        raise DomainError(str(error), code=AccountErrorCode.INVALID_TRANSITION_ACCESS) from error
    access.changed_at = timezone.now()
    access.changed_by = actor if actor is not None and actor.is_authenticated else None
    access.change_reason = reason[:255]
    access.save(update_fields=["status", "changed_at", "changed_by", "change_reason", "updated_at"])
    refresh_portal_lock(access.user)
    return old


def _roles_here(participant: MarketParticipant, user: User) -> list[Membership]:
    return list(Membership.objects.active().filter(participant=participant, user=user))


def _role_labels(codes: Iterable[str]) -> list[str]:
    return [ContactRole(code).label for code in sorted(codes)]


def _rank_for(participant: MarketParticipant, role: str) -> str:
    """Primary when the MP has no active primary in that role yet, otherwise secondary."""
    taken = Membership.objects.active().filter(participant=participant, contact_role=role, rank=ContactRank.PRIMARY)
    return ContactRank.SECONDARY if taken.exists() else ContactRank.PRIMARY


def _grant_roles(*, actor, participant, user, roles: Iterable[str], reason: str) -> None:
    for role in roles:
        membership_add(
            actor=actor,
            participant=participant,
            user=user,
            contact_role=role,
            rank=_rank_for(participant, role),
            reason=reason,
        )


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _notify_account_manager(*, event, access: PortalAccess, what: str) -> None:
    """Tell the operator: the MP's current Account Manager gets one email per grant or removal (keyed on the audit
    event, so a repeated task sends it once)."""
    manager = _current_manager_user(access.participant)
    if manager is None:
        return
    email_queue(
        key=f"accounts:people:{event.pk}:am",
        to=[manager.email],
        subject=f"{access.participant.short_name}: {what} — {access.user}",
        body=render_to_string(
            "emails/accounts/access_changed.txt",
            {
                "manager": manager,
                "access": access,
                "what": what,
                "event": event,
                "link": _url("workspace:participant-detail", access.participant_id),
            },
        ),
    )


def portal_access_ensure(
    *, actor: User | None, participant: MarketParticipant, user: User, reason: str = ""
) -> PortalAccess:
    """The person's link to the MP, created active if missing and made active again if it was removed (a suspended
    link stays suspended: only the USA reinstates). Registration and the invitation grant access through here."""
    access, created = PortalAccess.objects.get_or_create(
        user=user, participant=participant, defaults={"changed_by": actor if actor and actor.is_authenticated else None}
    )
    if not created and access.status == PortalAccessStatus.REMOVED:
        _move(access, PortalAccessStatus.ACTIVE, actor=actor, reason=reason)
    elif created:
        refresh_portal_lock(user)
    return access


# --- a person's roles and access ------------------------------------------------------------------------------------


@transaction.atomic
def person_roles_change(
    *, actor: User, participant: MarketParticipant, user: User, roles: Iterable[str], reason: str = ""
) -> PortalAccess:
    """Set the person's USA-grantable roles at the MP to ``roles`` (AR and BAR are left as they are)."""
    _check_may_manage(actor, participant)
    wanted = set(_check_grantable(roles))
    access = _access_for(participant, user)
    memberships = {m.contact_role: m for m in _roles_here(participant, user)}
    current = {role for role in memberships if role in USA_GRANTABLE_ROLES}
    if not wanted and not AUTHORIZING_ROLES & memberships.keys():
        raise DomainError(
            "A person keeps at least one role: to take away all of them, remove their access.",
            code=AccountErrorCode.ROLES_REQUIRED,
        )
    if ContactRole.USER_SECURITY_ADMINISTRATOR in current - wanted:
        _refuse_losing_last_usa(participant, user, "take the role away")
    if wanted == current:
        return access
    for role in sorted(current - wanted):
        membership_end(actor=actor, membership=memberships[role], reason=reason)
    _grant_roles(actor=actor, participant=participant, user=user, roles=sorted(wanted - current), reason=reason)
    event = audit_record(
        actor=actor,
        verb=AccountEvent.PORTAL_ACCESS_ROLES_CHANGED,
        target=access,
        changes={"roles": (_role_labels(current), _role_labels(wanted))},
        reason=reason,
    )
    _notify_account_manager(event=event, access=access, what="roles changed")
    return access


@transaction.atomic
def person_suspend(*, actor: User | None, participant: MarketParticipant, user: User, reason: str = "") -> PortalAccess:
    """Suspend the person's access to this MP (their other MPs are untouched). The MP keeps one active USA."""
    _check_may_manage(actor, participant)
    access = _access_for(participant, user)
    if access.status == PortalAccessStatus.ACTIVE:
        _refuse_losing_last_usa(participant, user, "suspend them")
    old = _move(access, PortalAccessStatus.SUSPENDED, actor=actor, reason=reason)
    event = audit_record(
        actor=actor,
        verb=AccountEvent.PORTAL_ACCESS_SUSPENDED,
        target=access,
        changes={"status": (old, access.status)},
        reason=reason,
    )
    _notify_account_manager(event=event, access=access, what="access suspended")
    return access


@transaction.atomic
def person_reinstate(*, actor: User, participant: MarketParticipant, user: User, reason: str = "") -> PortalAccess:
    _check_may_manage(actor, participant)
    access = _access_for(participant, user)
    if access.status != PortalAccessStatus.SUSPENDED:
        raise DomainError(
            f"The access of {user} is {access.get_status_display().lower()}, not suspended: "
            "a removed person is invited again.",
            code=AccountErrorCode.INVALID_TRANSITION_ACCESS,
        )
    old = _move(access, PortalAccessStatus.ACTIVE, actor=actor, reason=reason)
    event = audit_record(
        actor=actor,
        verb=AccountEvent.PORTAL_ACCESS_REINSTATED,
        target=access,
        changes={"status": (old, access.status)},
        reason=reason,
    )
    _notify_account_manager(event=event, access=access, what="access reinstated")
    return access


@transaction.atomic
def person_remove(*, actor: User, participant: MarketParticipant, user: User, reason: str = "") -> PortalAccess:
    """End the person's access to this MP and the roles the USA grants there. An AR or BAR is refused: registration
    changes them."""
    _check_may_manage(actor, participant)
    access = _access_for(participant, user)
    memberships = _roles_here(participant, user)
    if any(m.contact_role in AUTHORIZING_ROLES for m in memberships):
        raise DomainError(
            f"{user} is an Authorized Representative or Backup AR of {participant.short_name}: file a Notice of "
            "Change of Information to replace them, or suspend their access meanwhile.",
            code=AccountErrorCode.AUTHORIZING_ROLE_HELD,
        )
    if access.status == PortalAccessStatus.ACTIVE:
        _refuse_losing_last_usa(participant, user, "remove them")
    old = _move(access, PortalAccessStatus.REMOVED, actor=actor, reason=reason)
    for membership in memberships:
        membership_end(actor=actor, membership=membership, reason=reason)
    event = audit_record(
        actor=actor,
        verb=AccountEvent.PORTAL_ACCESS_REMOVED,
        target=access,
        changes={"status": (old, access.status), "roles": (_role_labels(m.contact_role for m in memberships), [])},
        reason=reason,
    )
    _notify_account_manager(event=event, access=access, what="access removed")
    return access


@transaction.atomic
def participant_second_factor_set(
    *, actor: User, participant: MarketParticipant, required: bool, reason: str = ""
) -> MarketParticipant:
    """The MP's own rule that all its portal users sign in with a second factor (its USA decides)."""
    _check_may_manage(actor, participant)
    participant = MarketParticipant.objects.select_for_update().get(pk=participant.pk)
    if participant.requires_second_factor == required:
        return participant
    participant.requires_second_factor = required
    participant.save(update_fields=["requires_second_factor", "updated_at"])
    audit_record(
        actor=actor,
        verb=AccountEvent.PARTICIPANT_SECOND_FACTOR_SET,
        target=participant,
        changes={"requires_second_factor": (not required, required)},
        reason=reason,
    )
    return participant
