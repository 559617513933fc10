"""cases services, one module per concern: ``submission`` (opening a case), ``workflow`` (status changes),
``replies``, ``assignment`` (assign, escalate, update), ``merging`` (merge, link, clone), ``bulk``, ``disputes``
(filing windows), ``sla`` (clocks and the scan), ``patterns``, ``notifications`` (case emails) and ``attachments``."""

from .assignment import case_assign, case_escalate, case_update
from .bulk import BulkResult, case_bulk_assign, case_bulk_close
from .disputes import DisputeDeadline, dispute_deadline
from .merging import case_clone, case_link, case_merge
from .patterns import pattern_detect, pattern_dismiss
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
from .workflow import case_reopen_deadline, case_transition

__all__ = [
    "BulkResult",
    "CaseInput",
    "ContactRequestInput",
    "DisputeInput",
    "InquiryInput",
    "ServiceRequestInput",
    "DisputeDeadline",
    "case_assign",
    "case_bulk_assign",
    "case_bulk_close",
    "case_clone",
    "case_escalate",
    "case_link",
    "case_merge",
    "case_reopen_deadline",
    "case_reply",
    "case_sla_scan",
    "case_transition",
    "case_update",
    "contact_request_submit",
    "dispute_deadline",
    "dispute_submit",
    "inquiry_submit",
    "pattern_detect",
    "pattern_dismiss",
    "service_request_submit",
]
