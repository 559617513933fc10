"""Pages outside the portal and the workspace: one's own security pages (second factors, signed-in browsers,
activity, password) and the public invitation page."""

from .invitations import InvitationAcceptView
from .second_factor import RemovePasskeyView, SecurityView
from .security import (
    PasswordChangeView,
    PasswordResetConfirmView,
    SecurityActivityView,
    SignedInBrowsersView,
)

__all__ = [
    "InvitationAcceptView",
    "PasswordChangeView",
    "PasswordResetConfirmView",
    "RemovePasskeyView",
    "SecurityActivityView",
    "SecurityView",
    "SignedInBrowsersView",
]
