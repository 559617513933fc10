"""The one canonical form of an email address.

Users are stored under it, looked up by an exact match on it, and the sign-in lockout counts failures under it,
so every spelling that reaches an account counts against that account. The database never folds case for us:
PostgreSQL's ``UPPER`` (behind ``iexact``) maps ``ſ`` to ``S`` and ``ı`` to ``I``, which Python's lower-casing
did not, and each such spelling got its own five tries.

NFKC then ``casefold()`` is the comparison Django's password reset already uses: compatibility forms become the
letter they stand for (``ſ`` → ``s``, fullwidth ``ｗ`` → ``w``, the Kelvin sign → ``k``) and case goes. Letters
that are only look-alikes (dotless ``ı``, Cyrillic ``х``) stay what they are: such a spelling is another address
and, unless someone registered it, reaches no account.
"""

import unicodedata


def canonical_email(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip().casefold()
