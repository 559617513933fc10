"""Workspace (staff) pages of cases: the queue (``queue``), one case (``cases``) issue patterns (``patterns``) and market
incidents (``incidents``)."""

from .cases import (
    AttachmentDownloadView,
    CaseAssignView,
    CaseCloneView,
    CaseCreateView,
    CaseDetailView,
    CaseEscalateView,
    CaseLinkView,
    CaseMergeView,
    CaseReplyView,
    CaseTransitionView,
    CaseUpdateView,
    RequesterOptionsView,
)
from .incidents import (
    IncidentConfirmView,
    IncidentDetailView,
    IncidentDismissView,
    IncidentLinkView,
    IncidentListView,
    IncidentReplyView,
    IncidentResolveView,
    IncidentUnlinkView,
)
from .patterns import PatternListView
from .queue import CaseBulkView, CaseQueueView

__all__ = [
    "AttachmentDownloadView",
    "CaseAssignView",
    "CaseBulkView",
    "CaseCloneView",
    "CaseCreateView",
    "CaseDetailView",
    "CaseEscalateView",
    "CaseLinkView",
    "CaseMergeView",
    "CaseQueueView",
    "CaseReplyView",
    "RequesterOptionsView",
    "CaseTransitionView",
    "CaseUpdateView",
    "IncidentConfirmView",
    "IncidentDetailView",
    "IncidentDismissView",
    "IncidentLinkView",
    "IncidentListView",
    "IncidentReplyView",
    "IncidentResolveView",
    "IncidentUnlinkView",
    "PatternListView",
]
