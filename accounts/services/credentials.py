"""Changes to how a person signs in (password, second factors): each is audited and emailed to the person.

The email is the person's alarm: if they did not make the change, someone else has their account. The views that
change a password (``accounts.views.public``, the admin) and django-allauth's MFA signals (``accounts.signals``)
call these.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.db import transaction
from django.utils import timezone

from ercot_services.core.audit import audit_record
from ercot_services.core.ratelimit import client_ip

from ..events import AccountEvent
from ..models import User
from ..user_agents import browser_label
from .security import client_details, security_email_queue, security_event_participant

# What each password change says, in the audit trail and in the email.
PASSWORD_CHANGES = {
    AccountEvent.USER_PASSWORD_CHANGED: "Your password was changed.",
    AccountEvent.USER_PASSWORD_RESET: "Your password was reset through an emailed link.",
    AccountEvent.USER_PASSWORD_CHANGED_IN_ADMIN: "An ERCOT administrator set a new password for your account.",
}

FACTOR_CHANGES = {
    AccountEvent.USER_FACTOR_ADDED: "was added to your account",
    AccountEvent.USER_FACTOR_REMOVED: "was removed from your account",
    AccountEvent.USER_RECOVERY_CODES_REGENERATED: "were generated again: the old ones no longer work",
}


def factor_label(authenticator: Authenticator) -> str:
    """ "An authenticator app", "The passkey “YubiKey”", "Your recovery codes"."""
    if authenticator.type == Authenticator.Type.TOTP:
        return "An authenticator app"
    if authenticator.type == Authenticator.Type.WEBAUTHN:
        name = (authenticator.data or {}).get("name") or "unnamed"
        return f"The passkey “{name}”"
    return "Your recovery codes"


@transaction.atomic
def password_change_record(*, user: User, actor: User | None, verb: AccountEvent, request=None) -> None:
    """Audit a new password and tell the person. ``verb`` is one of :data:`PASSWORD_CHANGES`."""
    event = audit_record(
        actor=actor,
        verb=verb,
        target=user,
        participant=security_event_participant(user),
        changes={"password": ("(hidden)", "(changed)"), **client_details(request)},
    )
    _queue_change_email(user=user, event=event, change=PASSWORD_CHANGES[verb], request=request)


@transaction.atomic
def factor_change_record(*, user: User, verb: AccountEvent, authenticator: Authenticator, request=None) -> None:
    """Audit an added or removed second factor (or new recovery codes) and tell the person.

    Recovery codes come and go with the first and the last factor (allauth makes them with the first and removes
    them with the last): that is audited, but the email about the factor itself says it all.
    """
    label = factor_label(authenticator)
    event = audit_record(
        actor=user,
        verb=verb,
        target=user,
        participant=security_event_participant(user),
        changes={"factor": (None, label), **client_details(request)},
    )
    if authenticator.type == Authenticator.Type.RECOVERY_CODES and verb != AccountEvent.USER_RECOVERY_CODES_REGENERATED:
        return
    _queue_change_email(user=user, event=event, change=f"{label} {FACTOR_CHANGES[verb]}.", request=request)


@transaction.atomic
def second_factor_failure_record(*, user: User, request=None) -> None:
    """Audit a wrong code (or passkey) at the second step: the password was right, so it matters."""
    audit_record(
        actor=None,
        verb=AccountEvent.USER_SECOND_FACTOR_FAILED,
        target=user,
        participant=security_event_participant(user),
        changes=client_details(request),
    )


def _queue_change_email(*, user: User, event, change: str, request) -> None:
    security_email_queue(
        user=user,
        key=f"security_change:{user.pk}:{event.pk}",
        subject="Your ERCOT sign-in settings changed",
        template="emails/accounts/security_change.txt",
        change=change,
        when=timezone.localtime(event.created_at),
        # The browser and address of the person who made the change, when it was the person themselves.
        browser=browser_label(request.META.get("HTTP_USER_AGENT", "")) if request is not None else "",
        ip_address=client_ip(request) if request is not None else "",
    )
