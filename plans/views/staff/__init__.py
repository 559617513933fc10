"""Workspace (staff) pages for plan management: the MP's account plan, action items, meetings, feedback and
improvement opportunities (seed 000, "Plan Management"), one module per entity.

Views stay thin: they read through ``plans.selectors`` (and a few bounded querysets of their own for the
list pages), write through ``plans.services``, and turn a ``DomainError`` into a form error shown on the page
(status 400) with what was typed kept. The form pages share that in ``ercot_services.core.actions.ActionView`` (``common.StaffActionView``); the list pages share
their pagination and filter-bar context in ``common.render_list``. Reading needs staff; every write needs the
add/change permission of the model it writes.
"""

from .action_items import ActionItemCreateView, ActionItemEditView, ActionItemListView, ActionItemTransitionView
from .feedback import FeedbackCreateView, FeedbackFollowUpView, FeedbackListView
from .improvements import ImprovementCreateView, ImprovementListView, ImprovementStatusView
from .meetings import (
    MeetingCancelView,
    MeetingCreateView,
    MeetingDetailView,
    MeetingEditView,
    MeetingIcsView,
    MeetingListView,
    MeetingMinutesView,
    MeetingShareMinutesView,
)
from .patterns import PatternDetailView, PatternDismissView
from .plans import ObjectiveCreateView, ObjectiveEditView, ObjectiveStatusView, ParticipantPlanView, PlanUpdateView

__all__ = [
    "ParticipantPlanView",
    "PlanUpdateView",
    "ObjectiveCreateView",
    "ObjectiveEditView",
    "ObjectiveStatusView",
    "ActionItemCreateView",
    "ActionItemEditView",
    "ActionItemTransitionView",
    "ActionItemListView",
    "MeetingListView",
    "MeetingCreateView",
    "MeetingDetailView",
    "MeetingEditView",
    "MeetingCancelView",
    "MeetingMinutesView",
    "MeetingShareMinutesView",
    "MeetingIcsView",
    "FeedbackListView",
    "FeedbackCreateView",
    "FeedbackFollowUpView",
    "ImprovementListView",
    "ImprovementCreateView",
    "ImprovementStatusView",
    "PatternDetailView",
    "PatternDismissView",
]
