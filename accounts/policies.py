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


# --- the MP's people (its User Security Administrator) -----------------------------------------------------------

# Staff who may act for an MP's USA: the holders of the membership permission (Account Managers and the Lead).
MANAGE_PEOPLE_AS_STAFF = "accounts.change_membership"


def is_security_administrator(user, participant) -> bool:
    """An active USA membership at ``participant`` through an active link (one query)."""
    from .models import Membership

    if user is None or not user.is_authenticated or user.is_staff or participant is None:
        return False
    return Membership.objects.security_administrators().filter(user=user, participant=participant).exists()


def can_manage_people(user, participant) -> bool:
    """The MP's own USA, or staff holding the membership permission."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return has_permission(user, MANAGE_PEOPLE_AS_STAFF)
    return is_security_administrator(user, participant)


def check_manage_people(actor, participant) -> None:
    from ercot_services.core.permissions import ActionNotAllowed

    if not can_manage_people(actor, participant):
        raise ActionNotAllowed(f"Only a User Security Administrator of {participant} manages its people.")
