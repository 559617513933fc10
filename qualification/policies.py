"""Who may do what in qualification (seed 004): the Flight Administrator runs the testing; Retail Operations
(and the Client Services Lead) issue letters and follow what comes after them; the Service Desk and
Market Application Support Services (MASS) record the production connectivity test it schedules.

The permissions are granted to staff groups in ``accounts.roles``; views, templates and services all ask here.
"""

from __future__ import annotations

from accounts.models import Membership
from ercot_services.core.permissions import has_permission, require_permission

CREATE_FLIGHT = "qualification.add_flight"
ENROLL = "qualification.add_enrollment"
RUN_TESTING = "qualification.run_testing"
ISSUE_LETTER = "qualification.add_qualificationletter"
RESEND_LETTER = "qualification.change_letterdelivery"
ADVANCE_CERTIFICATE = "qualification.change_certificaterequest"
RECORD_CONNECTIVITY = "qualification.change_connectivitytest"

FLIGHT_ADMIN_ONLY = "Only a Flight Administrator records testing results and hands them to Retail Operations."
RETAIL_OPS_ONLY = "Only Retail Operations (or the Client Services Lead) issues letters and what follows them."


def can_create_flight(user, obj=None) -> bool:
    return has_permission(user, CREATE_FLIGHT)


def can_enroll(user, flight=None) -> bool:
    return has_permission(user, ENROLL)


def can_run_testing(user, enrollment=None) -> bool:
    """Start testing, record and hand over results, withdraw, and enroll after a deadline (with a reason)."""
    return has_permission(user, RUN_TESTING)


def can_issue_letter(user, enrollment=None) -> bool:
    """Issue the letter, or record a change that produces none."""
    return has_permission(user, ISSUE_LETTER)


def can_resend_letter(user, delivery=None) -> bool:
    return has_permission(user, RESEND_LETTER)


def can_advance_certificate(user, certificate=None) -> bool:
    return has_permission(user, ADVANCE_CERTIFICATE)


def can_record_connectivity(user, test=None) -> bool:
    return has_permission(user, RECORD_CONNECTIVITY)


def is_authorized_representative(user, participant) -> bool:
    """An active AR or Backup AR of the MP: who submits its production connectivity testing ticket (seed 004)."""
    return Membership.objects.active().authorizing().filter(user=user, participant=participant).exists()


def can_submit_connectivity_ticket(user, participant) -> bool:
    """The MP's AR or BAR in the portal; staff who record connectivity tests log it on the MP's behalf."""
    if user.is_staff:
        return can_record_connectivity(user)
    return is_authorized_representative(user, participant)


def check_create_flight(actor) -> None:
    require_permission(actor, CREATE_FLIGHT, "Only a Flight Administrator creates flights.")


def check_enroll(actor) -> None:
    require_permission(actor, ENROLL, "Enrolling MPs in flights is for the Flight Administrator and Retail Operations.")


def check_run_testing(actor, message: str = FLIGHT_ADMIN_ONLY) -> None:
    require_permission(actor, RUN_TESTING, message)


def check_issue_letter(actor) -> None:
    require_permission(actor, ISSUE_LETTER, RETAIL_OPS_ONLY)


def check_resend_letter(actor) -> None:
    require_permission(actor, RESEND_LETTER, RETAIL_OPS_ONLY)


def check_advance_certificate(actor) -> None:
    require_permission(actor, ADVANCE_CERTIFICATE, RETAIL_OPS_ONLY)


CONNECTIVITY_RECORDERS_ONLY = (
    "Only Retail Operations, the Client Services Lead, the Service Desk or MASS record production connectivity tests."
)


def check_record_connectivity(actor) -> None:
    require_permission(actor, RECORD_CONNECTIVITY, CONNECTIVITY_RECORDERS_ONLY)
