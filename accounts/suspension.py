"""What sign-in says to a person whose access every MP's User Security Administrator suspended or removed.

The authentication backend refuses them (``CachedUserBackend.user_can_authenticate``: ``User.portal_locked``), and a
refused sign-in says only that the address or password is wrong. When the password *is* right, this says why instead,
so the person knows whom to ask. Whatever form signs people in calls it once its own authentication failed.
"""

from __future__ import annotations

from django import forms

from .email_address import canonical_email

SUSPENDED_MESSAGE = (
    "Your access to the portal is suspended. Ask your company's User Security Administrator to reinstate it."
)


def suspended_sign_in_error(email: str, password: str) -> forms.ValidationError | None:
    """The error to show instead of "wrong address or password", or ``None`` to keep that one."""
    from .models import User

    user = User._default_manager.filter(email=canonical_email(email or "")).first()
    if user is not None and user.portal_locked and user.check_password(password or ""):
        return forms.ValidationError(SUSPENDED_MESSAGE, code="portal_locked")
    return None
