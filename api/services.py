"""Creating and revoking API keys (the MP's USA, in the portal). Each checks the actor, runs in one transaction
and writes an audit event on the key (so it shows in the MP's history)."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError

from . import policies
from .error_codes import ApiErrorCode
from .events import ApiEvent
from .models import ApiKey, ApiScope

KEY_PREFIX_LENGTH = 8


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


@transaction.atomic
def api_key_create(
    *, actor, participant, name: str, scopes: Iterable[str], expires_at: datetime.datetime | None = None
) -> tuple[ApiKey, str]:
    """A new key for ``participant``: returns the key and its full secret, which is shown once and never stored."""
    policies.check_manage_api_keys(actor, participant)
    scopes = _check_scopes(scopes)
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError("The expiry must be in the future.", code=ApiErrorCode.EXPIRY_IN_PAST)
    prefix = secrets.token_hex(KEY_PREFIX_LENGTH // 2)
    secret = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        participant=participant,
        name=name.strip(),
        scopes=scopes,
        prefix=prefix,
        secret_hash=hash_secret(secret),
        created_by=actor,
        expires_at=expires_at,
    )
    audit_record(
        actor=actor,
        verb=ApiEvent.API_KEY_CREATED,
        target=key,
        changes={"name": (None, key.name), "scopes": (None, scopes), "expires_at": (None, expires_at)},
    )
    return key, f"ercot_{prefix}.{secret}"


@transaction.atomic
def api_key_revoke(*, actor, api_key: ApiKey, reason: str = "") -> ApiKey:
    """Revoke ``api_key`` at once: its next call is a 401."""
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
