"""cases services, one module per concern: ``submission`` (opening a case), ``workflow`` (status changes),
``replies``, ``assignment`` (assign, escalate, update), ``merging`` (merge, link, clone), ``bulk``, ``disputes``
(filing windows), ``incidents`` (many MPs, one problem), ``sla`` (clocks and the scan), ``patterns``, ``notifications`` (case emails),
``preferences`` (which of them a person receives) and ``attachments``."""

from .assignment import case_assign, case_escalate, case_update
from .bulk import BulkResult, case_bulk_assign, case_bulk_close
from .dispute_days import DisputeDayInput
from .disputes import DisputeDeadline, dispute_deadline
from .incidents import (
    IncidentReplyResult,
    incident_confirm,
    incident_detect_for_case,
    incident_dismiss,
    incident_link_case,
    incident_reply_all,
    incident_resolve,
    incident_scan,
    incident_unlink_case,
)
from .merging import case_clone, case_link, case_merge
from .patterns import pattern_detect, pattern_dismiss
from .preferences import notification_preferences_update
from .replies import case_reply
from .sla import case_sla_scan
from .submission import (
    CaseInput,
    ContactRequestInput,
    DisputeInput,
    InquiryInput,
    ServiceRequestInput,
    contact_request_submit,
    dispute_submit,
    inquiry_submit,
    service_request_submit,
)
from .workflow import (
    case_acknowledge,
    case_close,
    case_reopen,
    case_reopen_deadline,
    case_resolve,
    case_start_work,
    case_wait_on_participant,
    case_withdraw,
    dispute_resolve,
    transition_service,
)

__all__ = [
    "BulkResult",
    "CaseInput",
    "ContactRequestInput",
    "DisputeDeadline",
    "DisputeDayInput",
    "DisputeInput",
    "IncidentReplyResult",
    "InquiryInput",
    "ServiceRequestInput",
    "case_acknowledge",
    "case_assign",
    "case_bulk_assign",
    "case_bulk_close",
    "case_clone",
    "case_close",
    "case_escalate",
    "case_link",
    "case_merge",
    "case_reopen",
    "case_reopen_deadline",
    "case_reply",
    "case_resolve",
    "case_sla_scan",
    "case_start_work",
    "case_update",
    "case_wait_on_participant",
    "case_withdraw",
    "contact_request_submit",
    "dispute_deadline",
    "dispute_resolve",
    "dispute_submit",
    "incident_confirm",
    "incident_detect_for_case",
    "incident_dismiss",
    "incident_link_case",
    "incident_reply_all",
    "incident_resolve",
    "incident_scan",
    "incident_unlink_case",
    "inquiry_submit",
    "notification_preferences_update",
    "pattern_detect",
    "pattern_dismiss",
    "service_request_submit",
    "transition_service",
]
