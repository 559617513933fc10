"""Services for plan management, one module per entity: the account plan and its objectives (``plans``),
action items (``action_items``), meetings with the MP (``meetings``), the MP's performance feedback (``feedback``)
and the improvement opportunities it shows (``improvements``).

Each is keyword-only and transactional, validates what it writes, records an audit event and queues its
emails through the outbox (sent after commit, once per key).
"""

from .action_items import (
    ActionItemInput,
    action_item_create,
    action_item_send_reminders,
    action_item_transition,
    action_item_update,
)
from .calendar_invites import meeting_ics, meeting_ics_uid
from .feedback import feedback_follow_up, feedback_record
from .improvements import ImprovementActionInput, improvement_action_create, improvement_action_set_status
from .meetings import (
    MeetingInput,
    meeting_cancel,
    meeting_record_minutes,
    meeting_schedule,
    meeting_share_minutes,
    meeting_update,
)
from .plans import objective_create, objective_set_status, objective_update, plan_get_or_create, plan_update

__all__ = [
    "ActionItemInput",
    "MeetingInput",
    "ImprovementActionInput",
    "plan_get_or_create",
    "plan_update",
    "objective_create",
    "objective_update",
    "objective_set_status",
    "action_item_create",
    "action_item_update",
    "action_item_transition",
    "action_item_send_reminders",
    "meeting_schedule",
    "meeting_update",
    "meeting_cancel",
    "meeting_record_minutes",
    "meeting_share_minutes",
    "feedback_record",
    "feedback_follow_up",
    "improvement_action_set_status",
    "improvement_action_create",
    "meeting_ics",
    "meeting_ics_uid",
]
