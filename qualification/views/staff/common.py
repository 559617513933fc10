"""Who may do what on the qualification pages (the rules live in ``qualification.policies``), and the base of
the POST-only actions that follow a letter."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.views import View

from ercot_services.core.permissions import StaffRequiredMixin

from ... import policies

# The rules live in qualification.policies; these names are what the templates show buttons by.


def is_flight_administrator(user) -> bool:
    return policies.can_run_testing(user)


def is_retail_operations(user) -> bool:
    return policies.can_issue_letter(user)


def can_enroll(user) -> bool:
    return policies.can_enroll(user)


FLIGHT_ADMIN_ONLY = policies.FLIGHT_ADMIN_ONLY
RETAIL_OPS_ONLY = "Only Retail Operations (or the Client Services Lead) issues letters and records changes without one."


class _RetailOperationsPostView(StaffRequiredMixin, View):
    """A POST-only action that follows a letter (``action_permission_required``), refused with ``refusal``."""

    refusal = RETAIL_OPS_ONLY

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_staff and request.method == "POST":
            if not request.user.has_perm(self.action_permission_required):
                raise PermissionDenied(self.refusal)
        return super().dispatch(request, *args, **kwargs)
