"""Workspace (staff) pages of cases: the queue (``queue``), one case (``cases``) and issue patterns (``patterns``)."""

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
    "PatternListView",
]
