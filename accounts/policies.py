"""Who may reassign Account Managers.

The permissions are granted to staff groups in ``accounts.roles``; views (``action_permission_required`` or
``can_*``), templates (``can_*`` in the context) and services (``check_*``) all ask here.
"""

from __future__ import annotations

from ercot_services.core.permissions import has_permission, require_permission

REASSIGN_ACCOUNT_MANAGER = "accounts.reassign_account_manager"


def can_reassign_account_manager(user, participant=None) -> bool:
    return has_permission(user, REASSIGN_ACCOUNT_MANAGER)


def check_reassign_account_manager(actor) -> None:
    require_permission(actor, REASSIGN_ACCOUNT_MANAGER, "Only the Client Services Lead reassigns Account Managers.")
