"""Who may do what with cases, issue patterns, plans and Account Managers.

The permissions are granted to staff groups in ``accounts.roles``; views (``action_permission_required`` or
``can_*``), templates (``can_*`` in the context) and services (``check_*``) all ask here.
"""

from __future__ import annotations

from ercot_services.core.permissions import has_permission, require_permission

WORK_CASE = "accounts.work_case"
REPLY_CASE = "accounts.reply_case"
RESOLVE_DISPUTE = "accounts.resolve_dispute"
REASSIGN_ACCOUNT_MANAGER = "accounts.reassign_account_manager"
RECORD_IMPROVEMENT = "accounts.add_improvementaction"


def can_work_case(user, case=None) -> bool:
    """Log on the MP's behalf, assign, bulk-change, move, escalate, update, merge, link, clone, dismiss patterns."""
    return has_permission(user, WORK_CASE)


def can_reply_case(user, case=None) -> bool:
    """Replies and internal notes: every staff group (escalations are answered by SMEs of any group)."""
    return has_permission(user, REPLY_CASE)


def can_resolve_dispute(user, case=None) -> bool:
    return has_permission(user, RESOLVE_DISPUTE)


def can_reassign_account_manager(user, participant=None) -> bool:
    return has_permission(user, REASSIGN_ACCOUNT_MANAGER)


def can_record_improvement(user, participant=None) -> bool:
    return has_permission(user, RECORD_IMPROVEMENT)


def check_work_case(actor) -> None:
    require_permission(
        actor, WORK_CASE, "Only Account Managers, the Client Services Lead and the Service Desk work cases."
    )


def check_reply_case(actor) -> None:
    require_permission(actor, REPLY_CASE, "Your role does not allow replying to cases.")


def check_resolve_dispute(actor) -> None:
    require_permission(actor, RESOLVE_DISPUTE, "Only Account Managers and the Client Services Lead resolve disputes.")


def check_reassign_account_manager(actor) -> None:
    require_permission(actor, REASSIGN_ACCOUNT_MANAGER, "Only the Client Services Lead reassigns Account Managers.")


def check_record_improvement(actor) -> None:
    require_permission(
        actor, RECORD_IMPROVEMENT, "Only Account Managers and the Client Services Lead record improvement actions."
    )
