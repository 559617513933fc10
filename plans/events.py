"""The audit verbs plans writes (``AuditEvent.verb``): one enum, the stored values unchanged."""

from django.db import models


class PlanEvent(models.TextChoices):
    ACTION_ITEM_CREATED = "action_item.created", "Action item created"
    ACTION_ITEM_REMINDED = "action_item.reminded", "Action item reminded"
    ACTION_ITEM_OPENED_FOR_LOW_SCORE = "action_item.opened_for_low_score", "Action item opened for a low survey score"
    ACTION_ITEM_STATUS_CHANGED = "action_item.status_changed", "Action item status changed"
    ACTION_ITEM_UPDATED = "action_item.updated", "Action item updated"
    FEEDBACK_FOLLOWED_UP = "feedback.followed_up", "Feedback followed up"
    FEEDBACK_RECORDED = "feedback.recorded", "Feedback recorded"
    IMPROVEMENT_ACTION_CREATED = "improvement_action.created", "Improvement action created"
    IMPROVEMENT_ACTION_STATUS_CHANGED = "improvement_action.status_changed", "Improvement action status changed"
    MEETING_CANCELLED = "meeting.cancelled", "Meeting cancelled"
    MEETING_MINUTES_RECORDED = "meeting.minutes_recorded", "Meeting minutes recorded"
    MEETING_MINUTES_SHARED = "meeting.minutes_shared", "Meeting minutes shared"
    MEETING_SCHEDULED = "meeting.scheduled", "Meeting scheduled"
    MEETING_UPDATED = "meeting.updated", "Meeting updated"
    OBJECTIVE_CREATED = "objective.created", "Objective created"
    OBJECTIVE_STATUS_CHANGED = "objective.status_changed", "Objective status changed"
    OBJECTIVE_UPDATED = "objective.updated", "Objective updated"
    PLAN_UPDATED = "plan.updated", "Plan updated"
