"""Who may work cases, reply to them and resolve disputes.

The permissions are granted to staff groups in ``accounts.roles``; views (``action_permission_required`` or
``can_*``), templates (``can_*`` in the context) and services (``check_*``) all ask here.
"""

from __future__ import annotations

from accounts.selectors import participants_for_user
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import has_permission, require_permission

from .error_codes import CaseErrorCode

WORK_CASE = "cases.work_case"
REPLY_CASE = "cases.reply_case"
RESOLVE_DISPUTE = "cases.resolve_dispute"
MANAGE_INCIDENTS = "cases.manage_incidents"


def can_work_case(user, case=None) -> bool:
    """Log on the MP's behalf, assign, bulk-change, move, escalate, update, merge, link, clone, dismiss patterns."""
    return has_permission(user, WORK_CASE)


def can_reply_case(user, case=None) -> bool:
    """Replies and internal notes: every staff group (escalations are answered by SMEs of any group)."""
    return has_permission(user, REPLY_CASE)


def can_resolve_dispute(user, case=None) -> bool:
    return has_permission(user, RESOLVE_DISPUTE)


def check_work_case(actor) -> None:
    require_permission(
        actor, WORK_CASE, "Only Account Managers, the Client Services Lead and the Service Desk work cases."
    )


def check_reply_case(actor) -> None:
    require_permission(actor, REPLY_CASE, "Your role does not allow replying to cases.")


def check_resolve_dispute(actor) -> None:
    require_permission(actor, RESOLVE_DISPUTE, "Only Account Managers and the Client Services Lead resolve disputes.")


def can_manage_incidents(user, incident=None) -> bool:
    """Confirm, dismiss, link cases to, answer and resolve market incidents: AMs, the Lead and the Service Desk."""
    return has_permission(user, MANAGE_INCIDENTS)


def check_manage_incidents(actor) -> None:
    require_permission(
        actor,
        MANAGE_INCIDENTS,
        "Only Account Managers, the Client Services Lead and the Service Desk handle incidents.",
    )


def can_answer_decision(user, case) -> bool:
    """Accept or reject a dispute decision: the people of the dispute's MP who may file its disputes (a portal
    user with access to that MP); staff never answer for the MP."""
    if not user.is_authenticated or user.is_staff or case.participant_id is None:
        return False
    return participants_for_user(user).filter(pk=case.participant_id).exists()


def check_answer_decision(actor, case) -> None:
    if not can_answer_decision(actor, case):
        raise DomainError(
            "Only the participant's own people accept or reject a decision.", code=CaseErrorCode.PERMISSION_DENIED
        )
