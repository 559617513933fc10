"""Who manages API keys, and what a staff key may read.

An MP's keys: its own active User Security Administrator, nobody else (staff would see the secret of a key that acts
as the MP). Staff keys: the holders of ``api.manage_staff_api_keys`` (administrators; no staff group holds it by
default). A staff key reads what its user may read in the workspace, scope by scope (:data:`STAFF_SCOPE_PERMISSIONS`).
"""

from __future__ import annotations

from accounts.policies import is_security_administrator
from ercot_services.core.permissions import ActionNotAllowed, has_permission, require_permission

from .models import ApiScope

MANAGE_STAFF_API_KEYS = "api.manage_staff_api_keys"

# The permission a staff key's user must hold, per scope. Cases and notices have no view permission of their own:
# every staff member reads them in the workspace, so the directory permission, which every staff group holds, stands
# for "a member of a staff group". Qualification and registration have their own.
STAFF_SCOPE_PERMISSIONS = {
    ApiScope.READ_CASES: "accounts.view_marketparticipant",
    ApiScope.READ_NOTICES: "accounts.view_marketparticipant",
    ApiScope.READ_QUALIFICATION: "qualification.view_enrollment",
    ApiScope.READ_REGISTRATION: "registration.view_application",
}


def can_manage_api_keys(user, participant) -> bool:
    return is_security_administrator(user, participant)


def check_manage_api_keys(actor, participant) -> None:
    if not can_manage_api_keys(actor, participant):
        raise ActionNotAllowed(f"Only a User Security Administrator of {participant} manages its API keys.")


def can_manage_staff_api_keys(user) -> bool:
    return has_permission(user, MANAGE_STAFF_API_KEYS)


def check_manage_staff_api_keys(actor) -> None:
    require_permission(actor, MANAGE_STAFF_API_KEYS, "Only an administrator creates and revokes staff API keys.")


def staff_may_read(user, scope: str) -> bool:
    """Whether a staff key of ``user`` may use ``scope`` now: an active staff user holding the scope's permission.
    A scope with no entry (a write scope) is never allowed."""
    permission = STAFF_SCOPE_PERMISSIONS.get(scope)
    return bool(permission) and user.is_active and user.is_staff and has_permission(user, permission)


def can_manage_webhooks(user, participant) -> bool:
    """Webhook endpoints follow the API keys' rule: their secrets sign as the MP's systems expect."""
    return can_manage_api_keys(user, participant)


def check_manage_webhooks(actor, participant) -> None:
    if not can_manage_webhooks(actor, participant):
        raise ActionNotAllowed(f"Only a User Security Administrator of {participant} manages its webhooks.")
