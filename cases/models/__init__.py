"""Cases: inquiries, disputes, service requests and potential-MP contacts, with SLAs.

The workflow is the single map :data:`CASE_TRANSITIONS` (``case.py``); services in ``cases.services`` are the only
writers. One module per concern; everything is importable from ``cases.models`` (migrations name
``cases.models.attachment_path``), and every model keeps its table (``Meta.db_table``).
"""

from .case import CASE_TRANSITIONS, OPEN_STATUSES, Case, CaseSequence, CaseStatus, NextAction
from .choices import KIND_PREFIX, CaseKind, Channel, DisputeOutcome, Priority, SlaState, StatementType
from .configuration import DEFAULT_SLA_HOURS, CannedResponse, CaseCategory, CaseSettings, SlaTarget
from .conversation import CaseAttachment, CaseMessage, attachment_path
from .decisions import (
    ADR_STATES,
    DECISION_TRANSITIONS,
    AdrOutcome,
    DecisionState,
    DecisionWindow,
    DisputeDecision,
    decision_close_refusal,
)
from .disputes import DisputeDetail, DisputeWindow
from .notifications import CaseNotification, NotificationPreference
from .patterns import IssuePattern
from .rollups import CaseDayDisputeRollup, CaseDayRollup, CaseDurationBucket, CaseRollupDay, local_day

__all__ = [
    "ADR_STATES",
    "DECISION_TRANSITIONS",
    "AdrOutcome",
    "DecisionState",
    "DecisionWindow",
    "DisputeDecision",
    "decision_close_refusal",
    "CASE_TRANSITIONS",
    "DEFAULT_SLA_HOURS",
    "KIND_PREFIX",
    "OPEN_STATUSES",
    "CannedResponse",
    "Case",
    "CaseAttachment",
    "CaseDayDisputeRollup",
    "CaseDayRollup",
    "CaseDurationBucket",
    "CaseRollupDay",
    "local_day",
    "CaseCategory",
    "CaseKind",
    "CaseMessage",
    "CaseNotification",
    "CaseSequence",
    "CaseSettings",
    "CaseStatus",
    "Channel",
    "DisputeDetail",
    "DisputeOutcome",
    "DisputeWindow",
    "IssuePattern",
    "NextAction",
    "NotificationPreference",
    "Priority",
    "SlaState",
    "SlaTarget",
    "StatementType",
    "attachment_path",
]
