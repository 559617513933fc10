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
from .dispute_days import MAX_DISPUTE_DAYS, DayOutcome, DisputeDay
from .disputes import DisputeDetail, DisputeWindow
from .inbound import InboundMessage, InboundOutcome, InboundSource, InboundStatus
from .incidents import (
    ACTIVE_INCIDENT_STATUSES,
    INCIDENT_TRANSITIONS,
    Incident,
    IncidentDimension,
    IncidentReply,
    IncidentRule,
    IncidentStatus,
)
from .notifications import CaseNotification, NotificationPreference
from .patterns import IssuePattern
from .rollups import CaseDayDisputeRollup, CaseDayRollup, CaseDurationBucket, CaseRollupDay, local_day
from .settlement_calendar import DeadlineReminder, DeadlineReminderWindow, SettlementStatement
from .surveys import CaseSurvey, SurveyScore

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
    "MAX_DISPUTE_DAYS",
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
    "CaseSurvey",
    "Channel",
    "DeadlineReminder",
    "DeadlineReminderWindow",
    "DayOutcome",
    "DisputeDay",
    "DisputeDetail",
    "DisputeOutcome",
    "DisputeWindow",
    "InboundMessage",
    "InboundOutcome",
    "InboundSource",
    "InboundStatus",
    "IssuePattern",
    "ACTIVE_INCIDENT_STATUSES",
    "INCIDENT_TRANSITIONS",
    "Incident",
    "IncidentDimension",
    "IncidentReply",
    "IncidentRule",
    "IncidentStatus",
    "NextAction",
    "NotificationPreference",
    "Priority",
    "SettlementStatement",
    "SlaState",
    "SlaTarget",
    "StatementType",
    "SurveyScore",
    "attachment_path",
]
