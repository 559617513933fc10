"""Who may do what with registration applications, registration facts and potential MPs.

The permissions are granted to staff groups in ``accounts.roles``; views, templates and services all ask here.
"""

from __future__ import annotations

from ercot_services.core.models import DomainError
from ercot_services.core.permissions import has_permission, require_permission

from .error_codes import RegistrationErrorCode

DECIDE_APPLICATION = "registration.decide_application"
RECORD_FACTS = "registration.change_sfarecord"
INVITE_POTENTIAL_PARTICIPANT = "registration.invite_potential_participant"


def can_decide_application(user, application=None) -> bool:
    """Review documents, start the review, request information, approve and reject (Retail Operations, the Lead)."""
    return has_permission(user, DECIDE_APPLICATION)


def can_record_facts(user, participant=None) -> bool:
    """SFA, PUCT certification and QSE Acknowledgement, as Legal processed them."""
    return has_permission(user, RECORD_FACTS)


def can_invite_potential_participant(user, case=None) -> bool:
    return has_permission(user, INVITE_POTENTIAL_PARTICIPANT)


def check_decide_application(actor) -> None:
    """Staff whose job it is: an MP's user is refused as such even if a permission was granted to it by mistake."""
    if not actor.is_staff:
        raise DomainError(
            "Only Client Services staff review registration applications and their documents.",
            code=RegistrationErrorCode.PERMISSION_DENIED,
        )
    require_permission(
        actor,
        DECIDE_APPLICATION,
        "Only Retail Operations and the Client Services Lead review and decide registration applications.",
    )


def check_record_facts(actor) -> None:
    require_permission(actor, RECORD_FACTS, "Your role does not allow recording registration facts.")


def check_invite_potential_participant(actor) -> None:
    require_permission(
        actor,
        INVITE_POTENTIAL_PARTICIPANT,
        "Only the Service Desk, Account Managers and the Client Services Lead invite a potential Market Participant.",
    )
