"""Sign-in events: the audit trail of who signed in, failed or was locked out, and the new-browser email.

Django's ``user_logged_in`` / ``user_login_failed`` signals and Axes' ``user_locked_out`` call these
(``accounts.signals``), whichever view did the signing in.
"""

from __future__ import annotations

import hashlib
import logging
import secrets

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.db import transaction
from django.template import loader
from django.utils import timezone

from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError
from ercot_services.core.outbox import email_queue
from ercot_services.core.ratelimit import client_ip

from ..email_address import canonical_email
from ..error_codes import AccountErrorCode
from ..events import AccountEvent
from ..models import KnownBrowser, Membership, User
from ..user_agents import browser_label

logger = logging.getLogger(__name__)

BROWSER_COOKIE_BYTES = 32


def _user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:255]


def _ip_address(request) -> str | None:
    address = client_ip(request)
    return None if address == "unknown" else address


def client_details(request) -> dict:
    """The browser and address an event came from, as audit ``changes`` (nothing without a request)."""
    if request is None:
        return {}
    return {"ip_address": (None, _ip_address(request)), "browser": (None, _user_agent(request))}


def _key_hash(browser_key: str) -> str:
    return hashlib.sha256(browser_key.encode()).hexdigest()


def security_event_participant(user: User):
    """The MP a user's security event belongs to: their only MP, or none when they act for several (or are staff).

    The MP's page finds the others through its members.
    """
    memberships = Membership.objects.active().filter(user=user).select_related("participant")
    participants = {membership.participant_id: membership.participant for membership in memberships}
    return next(iter(participants.values())) if len(participants) == 1 else None


@transaction.atomic
def sign_in_record(*, user: User, request, browser_key: str | None) -> str:
    """Audit a successful sign-in and email the user when it came from a browser they never used here.

    ``browser_key`` is the value of the browser's cookie (``None`` when it has none). Returns the key the cookie
    must hold from now on (a new one for a browser without a cookie).
    """
    now = timezone.now()
    browser_key = browser_key or secrets.token_urlsafe(BROWSER_COOKIE_BYTES)
    user_agent, ip_address = _user_agent(request), _ip_address(request)
    known, created = KnownBrowser.objects.get_or_create(
        user=user,
        key_hash=_key_hash(browser_key),
        defaults={"user_agent": user_agent, "ip_address": ip_address, "first_seen_at": now, "last_seen_at": now},
    )
    if not created:
        KnownBrowser.objects.filter(pk=known.pk).update(last_seen_at=now, ip_address=ip_address)
    audit_record(
        actor=user,
        verb=AccountEvent.USER_SIGNED_IN,
        target=user,
        participant=security_event_participant(user),
        changes={**client_details(request), "new_browser": (None, created)},
    )
    if created:
        _queue_new_browser_email(user=user, known=known)
    return browser_key


def security_email_queue(*, user: User, key: str, subject: str, template: str, **context) -> None:
    """Queue one of the emails that tell a person about their account's security (new browser, changed sign-in).

    Each says what happened and, if it was not them, what to do: the template gets the person's name, the site's
    address and Client Services' phone besides ``context``.
    """
    context.update(
        name=user.get_short_name(), site_url=settings.SITE_URL, CLIENT_SERVICES_PHONE=settings.CLIENT_SERVICES_PHONE
    )
    email_queue(key=key, to=[user.email], subject=subject, body=loader.render_to_string(template, context))


def _queue_new_browser_email(*, user: User, known: KnownBrowser) -> None:
    security_email_queue(
        user=user,
        key=f"new_sign_in:{user.pk}:{known.pk}",
        subject="New sign-in to your ERCOT account",
        template="emails/accounts/new_sign_in.txt",
        when=timezone.localtime(known.first_seen_at),
        browser=browser_label(known.user_agent),
        ip_address=known.ip_address or "an unknown address",
    )


def _user_by_email(email: str) -> User | None:
    return User.objects.filter(email=canonical_email(email or "")).first()


@transaction.atomic
def sign_in_failure_record(*, email: str, request) -> None:
    """Audit a failed sign-in against the account it named; an address with no account is only logged."""
    user = _user_by_email(email)
    if user is None:
        logger.info("sign-in failed for an unknown address", extra={"ip_address": client_ip(request)})
        return
    audit_record(
        actor=None,
        verb=AccountEvent.USER_SIGN_IN_FAILED,
        target=user,
        participant=security_event_participant(user),
        changes=client_details(request),
    )


@transaction.atomic
def lockout_record(*, email: str, request) -> None:
    """Audit that too many failed sign-ins locked an account (Axes decides; this keeps the record)."""
    user = _user_by_email(email)
    logger.warning("sign-in locked out", extra={"ip_address": client_ip(request), "known_user": user is not None})
    if user is None:
        return
    audit_record(
        actor=None,
        verb=AccountEvent.USER_LOCKED_OUT,
        target=user,
        participant=security_event_participant(user),
        changes=client_details(request),
        reason=f"{settings.AXES_FAILURE_LIMIT} failed sign-ins",
    )


@transaction.atomic
def sessions_end(*, actor: User, current_session_key: str, user_session_id: int | None = None, request=None) -> int:
    """Sign ``actor`` out of their other browsers (of the one ``user_session_id`` names, when given).

    The browser asking keeps its session. Ended sessions are gone from the session store, so their next request is
    anonymous. Returns how many ended.
    """
    sessions = UserSession.objects.filter(user=actor).exclude(session_key=current_session_key)
    if user_session_id is not None:
        sessions = sessions.filter(pk=user_session_id)
    ended = list(sessions)
    if user_session_id is not None and not ended:
        raise DomainError("That browser is already signed out.", code=AccountErrorCode.SESSION_ENDED)
    for session in ended:
        session.end()
    if ended:
        audit_record(
            actor=actor,
            verb=AccountEvent.USER_SESSIONS_ENDED,
            target=actor,
            participant=security_event_participant(actor),
            changes={
                "browsers": (None, [f"{browser_label(s.user_agent)} ({s.ip})" for s in ended]),
                **client_details(request),
            },
        )
    return len(ended)
