"""Who has a second factor (an authenticator app or a passkey / security key; recovery codes alone do not count)."""

from __future__ import annotations

from collections.abc import Iterable

from allauth.mfa.models import Authenticator

SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def second_factor_user_ids(user_ids: Iterable[int]) -> set[int]:
    """The ids among ``user_ids`` of users with at least one second factor (one query)."""
    ids = list(user_ids)
    if not ids:
        return set()
    return set(
        Authenticator.objects.filter(user_id__in=ids, type__in=SECOND_FACTOR_TYPES)
        .values_list("user_id", flat=True)
        .distinct()
    )


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTOR_TYPES).exists()
