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
from .submission import case_submit
from .workflow import case_reopen_deadline, case_transition

__all__ = [
    "BulkResult",
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
    "case_submit",
    "case_transition",
    "case_update",
    "dispute_deadline",
    "pattern_detect",
    "pattern_dismiss",
]
