"""Creating and revoking API keys: an MP's (its USA, in the portal) and staff keys (an administrator, in the admin).
Each checks the actor, runs in one transaction and writes an audit event on the key (so an MP key's shows in the
MP's history). And the call log's retention."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.selectors.second_factor import has_second_factor
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError

from . import policies
from .error_codes import ApiErrorCode
from .events import ApiEvent
from .models import STAFF_SCOPES, ApiCallLog, ApiKey, ApiScope

KEY_PREFIX_LENGTH = 8
CALL_LOG_PRUNE_BATCH = 5000


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_key(raw: str) -> tuple[str, str] | None:
    """``(prefix, secret)`` of a presented key ``ercot_<prefix>.<secret>``, or None when it has not that shape."""
    body = raw.removeprefix("ercot_")
    prefix, dot, secret = body.partition(".")
    if not dot or len(prefix) != KEY_PREFIX_LENGTH or not secret:
        return None
    return prefix, secret


def _check_scopes(scopes: Iterable[str]) -> list[str]:
    scopes = list(dict.fromkeys(scopes))
    if not scopes:
        raise DomainError("Choose at least one scope.", code=ApiErrorCode.SCOPES_REQUIRED)
    unknown = [scope for scope in scopes if scope not in ApiScope.values]
    if unknown:
        raise DomainError(f"Unknown scope: {', '.join(unknown)}.", code=ApiErrorCode.UNKNOWN_SCOPE)
    return scopes


def _check_expiry(expires_at: datetime.datetime | None) -> None:
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError("The expiry must be in the future.", code=ApiErrorCode.EXPIRY_IN_PAST)


def _issue(*, actor, verb: ApiEvent, owner: dict, name: str, scopes: list[str], expires_at) -> tuple[ApiKey, str]:
    """Write the key (``owner``: its participant or its user) and its audit event; the full secret is returned once
    and never stored."""
    prefix = secrets.token_hex(KEY_PREFIX_LENGTH // 2)
    secret = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        **owner,
        name=name.strip(),
        scopes=scopes,
        prefix=prefix,
        secret_hash=hash_secret(secret),
        created_by=actor,
        expires_at=expires_at,
    )
    audit_record(
        actor=actor,
        verb=verb,
        target=key,
        changes={"name": (None, key.name), "scopes": (None, scopes), "expires_at": (None, expires_at)},
    )
    return key, f"ercot_{prefix}.{secret}"


@transaction.atomic
def api_key_create(
    *, actor, participant, name: str, scopes: Iterable[str], expires_at: datetime.datetime | None = None
) -> tuple[ApiKey, str]:
    """A new key for ``participant``, acting as ``actor`` (its USA): the key and its full secret, shown once."""
    policies.check_manage_api_keys(actor, participant)
    scopes = _check_scopes(scopes)
    _check_expiry(expires_at)
    return _issue(
        actor=actor,
        verb=ApiEvent.API_KEY_CREATED,
        owner={"participant": participant},
        name=name,
        scopes=scopes,
        expires_at=expires_at,
    )


@transaction.atomic
def staff_api_key_create(
    *, actor, user, name: str, scopes: Iterable[str], expires_at: datetime.datetime | None = None
) -> tuple[ApiKey, str]:
    """A new staff key reading as ``user``, for an operator integration: the key and its full secret, shown once.

    Only read scopes (:data:`STAFF_SCOPES`), for an active staff user who signs in with a second factor: the key
    stands in for their session, which needs one. Whether the user may read what a scope reads is checked on every
    call (``api.authentication``), so a user who changes groups changes what the key reads.
    """
    policies.check_manage_staff_api_keys(actor)
    scopes = _check_scopes(scopes)
    if not (user.is_active and user.is_staff):
        raise DomainError(f"{user} is not an active staff user.", code=ApiErrorCode.NOT_STAFF)
    writes = [scope for scope in scopes if scope not in STAFF_SCOPES]
    if writes:
        raise DomainError(f"A staff key only reads; leave out {', '.join(writes)}.", code=ApiErrorCode.STAFF_SCOPE)
    if not has_second_factor(user):
        raise DomainError(
            f"{user} has no second factor: a staff key is issued only to staff who sign in with one.",
            code=ApiErrorCode.SECOND_FACTOR_REQUIRED,
        )
    _check_expiry(expires_at)
    return _issue(
        actor=actor,
        verb=ApiEvent.STAFF_API_KEY_CREATED,
        owner={"user": user},
        name=name,
        scopes=scopes,
        expires_at=expires_at,
    )


@transaction.atomic
def api_key_revoke(*, actor, api_key: ApiKey, reason: str = "") -> ApiKey:
    """Revoke ``api_key`` at once: its next call is a 401. An MP's key by its USA, a staff key by an administrator."""
    if api_key.is_staff_key:
        policies.check_manage_staff_api_keys(actor)
    else:
        policies.check_manage_api_keys(actor, api_key.participant)
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.revoked_at is not None:
        raise DomainError("The key is already revoked.", code=ApiErrorCode.ALREADY_REVOKED)
    api_key.revoked_at = timezone.now()
    api_key.revoked_by = actor
    api_key.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        verb=ApiEvent.API_KEY_REVOKED,
        target=api_key,
        changes={"revoked_at": (None, api_key.revoked_at)},
        reason=reason,
    )
    return api_key


def api_call_log_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete the calls older than ``API_CALL_LOG_RETENTION_DAYS``, oldest first, in batches of
    :data:`CALL_LOG_PRUNE_BATCH` (each its own short transaction, so a large backlog holds no long lock); returns how
    many. Safe to run twice: a second run finds nothing old."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.API_CALL_LOG_RETENTION_DAYS)
    deleted = 0
    while True:
        batch = list(
            ApiCallLog.objects.filter(created_at__lt=cutoff)
            .order_by("created_at")
            .values_list("pk", flat=True)[:CALL_LOG_PRUNE_BATCH]
        )
        if not batch:
            return deleted
        deleted += ApiCallLog.objects.filter(pk__in=batch).delete()[0]
