"""Who may open which area. Data scoping itself lives in ``accounts.selectors``."""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied


class StaffRequiredMixin(AccessMixin):
    """The workspace: operator staff only. Anonymous users go to sign-in, participants get 403."""

    permission_required: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_staff:
            raise PermissionDenied("The workspace is for Client Services staff.")
        if self.permission_required and not request.user.has_perm(self.permission_required):
            raise PermissionDenied("Your role does not allow this action.")
        return super().dispatch(request, *args, **kwargs)


class ParticipantRequiredMixin(AccessMixin):
    """The portal: signed-in participant users with at least one active membership."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.user.is_staff:
            raise PermissionDenied("The portal is for Market Participant users; staff use the workspace.")
        return super().dispatch(request, *args, **kwargs)


def in_group(user, name: str) -> bool:
    return user.is_authenticated and (user.is_superuser or user.groups.filter(name=name).exists())
