"""Sign-in helpers."""

from .email_address import canonical_email


def axes_username(request, credentials):
    """The lockout key: the canonical form of the email as typed, the same form sign-in looks the user up by.

    allauth authenticates with ``email=`` (its form field is ``login``); Django's own forms with ``username=``.
    """
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or request.POST.get("login", "")
    return canonical_email(value)
