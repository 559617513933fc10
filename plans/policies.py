"""Who may record improvement actions (the other plan actions are checked by their model permissions).

The permissions are granted to staff groups in ``accounts.roles``; views (``action_permission_required`` or
``can_*``), templates (``can_*`` in the context) and services (``check_*``) all ask here.
"""

from __future__ import annotations

from ercot_services.core.permissions import has_permission, require_permission

RECORD_IMPROVEMENT = "plans.add_improvementaction"


def can_record_improvement(user, participant=None) -> bool:
    return has_permission(user, RECORD_IMPROVEMENT)


def check_record_improvement(actor) -> None:
    require_permission(
        actor, RECORD_IMPROVEMENT, "Only Account Managers and the Client Services Lead record improvement actions."
    )
