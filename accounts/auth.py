"""Sign-in helpers."""


def axes_username(request, credentials):
    """The lockout key: the email as typed, lower-cased, because sign-in ignores its case."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return value.strip().lower()
