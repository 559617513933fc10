"""Inviting a person to an MP's portal, and accepting: the invitation's token is emailed, only its hash is stored,
and it works once within ``PortalInvitation.VALID_DAYS``. Accepting gives the person's link to the MP and the
invited roles through the people services (``access``)."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError
from ercot_services.core.outbox import email_queue

from ..email_address import canonical_email
from ..error_codes import AccountErrorCode
from ..events import AccountEvent
from ..models import (
    MarketParticipant,
    PortalAccess,
    PortalAccessStatus,
    PortalInvitation,
    User,
    invitation_token_hash,
)
from .access import (
    _check_grantable,
    _check_may_manage,
    _grant_roles,
    _notify_account_manager,
    _role_labels,
    _roles_here,
    _url,
    portal_access_ensure,
)


def _check_invitee(participant: MarketParticipant, email: str) -> None:
    user = User.objects.filter(email=email).first()
    if user is None:
        return
    if user.is_staff:
        raise DomainError(
            "That address belongs to operator staff, who cannot be contacts of an MP.",
            code=AccountErrorCode.STAFF_AS_CONTACT,
            fields={"email": ["That address belongs to operator staff."]},
        )
    access = PortalAccess.objects.filter(user=user, participant=participant).first()
    if access is not None and access.status != PortalAccessStatus.REMOVED:
        raise DomainError(
            f"{user} already has access to {participant.short_name} ({access.get_status_display().lower()}): "
            "change their roles on their page.",
            code=AccountErrorCode.ALREADY_HAS_ACCESS,
        )


@transaction.atomic
def invitation_send(
    *, actor: User, participant: MarketParticipant, email: str, roles: Iterable[str]
) -> tuple[PortalInvitation, str]:
    """Invite ``email`` to the MP's portal with ``roles``; returns the invitation and the secret token emailed (only
    its hash is stored). A pending invitation of the same address to the same MP is replaced."""
    _check_may_manage(actor, participant)
    roles = _check_grantable(roles)
    if not roles:
        raise DomainError("Choose at least one role.", code=AccountErrorCode.ROLES_REQUIRED)
    email = canonical_email(email)
    _check_invitee(participant, email)
    now = timezone.now()
    for previous in PortalInvitation.objects.select_for_update().filter(
        participant=participant, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ):
        previous.revoked_at = now
        previous.save(update_fields=["revoked_at", "updated_at"])
    token = secrets.token_urlsafe(32)
    invitation = PortalInvitation.objects.create(
        email=email,
        participant=participant,
        roles=roles,
        invited_by=actor,
        token_hash=invitation_token_hash(token),
        expires_at=now + datetime.timedelta(days=PortalInvitation.VALID_DAYS),
    )
    audit_record(
        actor=actor,
        verb=AccountEvent.INVITATION_SENT,
        target=invitation,
        changes={"email": (None, email), "roles": (None, _role_labels(roles))},
    )
    email_queue(
        key=f"accounts:invitation:{invitation.pk}",
        to=[email],
        subject=f"You are invited to the ERCOT portal for {participant.legal_name}",
        body=render_to_string(
            "emails/accounts/invitation.txt",
            {
                "invitation": invitation,
                "link": _url("invitation-accept", token),
                "invited_by": actor,
                "CLIENT_SERVICES_PHONE": settings.CLIENT_SERVICES_PHONE,
            },
        ),
    )
    return invitation, token


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: PortalInvitation) -> PortalInvitation:
    _check_may_manage(actor, invitation.participant)
    invitation = PortalInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise DomainError(
            f"The invitation of {invitation.email} is already {invitation.state()}.",
            code=AccountErrorCode.INVITATION_NOT_PENDING,
        )
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    audit_record(
        actor=actor,
        verb=AccountEvent.INVITATION_REVOKED,
        target=invitation,
        changes={"email": (invitation.email, None)},
    )
    return invitation


def invitation_for_token(token: str) -> PortalInvitation | None:
    """The invitation a link names (whatever its state), or ``None`` for a token nobody issued."""
    return (
        PortalInvitation.objects.select_related("participant", "invited_by")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )


def _new_account(*, email: str, full_name: str, password: str) -> User:
    if not full_name.strip():
        raise DomainError("Give your name.", code=AccountErrorCode.INVALID, fields={"full_name": ["Give your name."]})
    candidate = User(email=email, full_name=full_name.strip())
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise DomainError(
            " ".join(error.messages), code=AccountErrorCode.INVALID, fields={"password1": list(error.messages)}
        ) from error
    return User.objects.create_user(email=email, password=password, full_name=full_name.strip())


@transaction.atomic
def invitation_accept(*, token: str, user: User | None = None, full_name: str = "", password: str = "") -> PortalAccess:
    """Accept an invitation: a signed-in ``user`` with the invited address, or a new account (name and password)
    when nobody has that address yet. Gives the link and the invited roles."""
    invitation = invitation_for_token(token)
    if invitation is not None:
        invitation = PortalInvitation.objects.select_for_update().select_related("participant").get(pk=invitation.pk)
    if invitation is None or invitation.state() != "pending":
        raise DomainError(
            "This invitation link is no longer valid: it was used, withdrawn or has expired. "
            "Ask your User Security Administrator to invite you again.",
            code=AccountErrorCode.INVITATION_NOT_PENDING,
        )
    participant = invitation.participant
    if user is not None and user.is_authenticated:
        if user.email != invitation.email:
            raise DomainError(
                f"This invitation is for {invitation.email}; you are signed in as {user.email}. "
                "Sign out and open the link again.",
                code=AccountErrorCode.INVITATION_OTHER_ACCOUNT,
            )
    elif User.objects.filter(email=invitation.email).exists():
        raise DomainError(
            f"An account already exists for {invitation.email}: sign in, then open the link again.",
            code=AccountErrorCode.ACCOUNT_EXISTS,
        )
    else:
        user = _new_account(email=invitation.email, full_name=full_name, password=password)
    if user.is_staff:
        raise DomainError("Operator staff cannot be contacts of an MP.", code=AccountErrorCode.STAFF_AS_CONTACT)
    reason = f"Invitation accepted (invited by {invitation.invited_by or 'the operator'})"
    access = portal_access_ensure(actor=user, participant=participant, user=user, reason=reason)
    held = {m.contact_role for m in _roles_here(participant, user)}
    _grant_roles(
        actor=user,
        participant=participant,
        user=user,
        roles=[r for r in invitation.roles if r not in held],
        reason=reason,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    event = audit_record(
        actor=user,
        verb=AccountEvent.PORTAL_ACCESS_GRANTED,
        target=access,
        changes={"roles": (None, _role_labels(invitation.roles)), "status": (None, access.status)},
        reason=reason,
    )
    _notify_account_manager(event=event, access=access, what="portal access granted")
    return access
