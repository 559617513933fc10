"""Sign-in helpers."""

from .email_address import canonical_email


def axes_username(request, credentials):
    """The lockout key: the canonical form of the email as typed, the same form sign-in looks the user up by."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return canonical_email(value)
