"""Who has a second factor (a passkey or an authenticator app): the one place the people pages ask."""

from __future__ import annotations

from collections.abc import Iterable


def second_factor_user_ids(user_ids: Iterable[int]) -> set[int]:
    """The ids among ``user_ids`` of people who have set up a second factor.

    Empty for now: the MFA branch of issue 15 (django-allauth passkeys and TOTP) fills this in with one query over
    its authenticators; the USA's people list and person page call only this.
    """
    return set()
