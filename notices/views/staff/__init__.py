"""Workspace (staff) pages for market notices: ``pages`` (the list, the draft form, the notice page and its actions,
progress, report, acknowledgements, attachments) and ``from_cases`` (a draft started from a case or an incident)."""

from .from_cases import NoticeFromDisputeView, NoticeFromIncidentView
from .pages import (
    NoticeAcknowledgementsView,
    NoticeActionView,
    NoticeAttachView,
    NoticeCreateView,
    NoticeDetachView,
    NoticeDetailView,
    NoticeEditView,
    NoticeListView,
    NoticePreviewView,
    NoticeProgressView,
    NoticeReportView,
    StaffAttachmentDownloadView,
)

__all__ = [
    "NoticeAcknowledgementsView",
    "NoticeActionView",
    "NoticeAttachView",
    "NoticeCreateView",
    "NoticeDetachView",
    "NoticeDetailView",
    "NoticeEditView",
    "NoticeFromDisputeView",
    "NoticeFromIncidentView",
    "NoticeListView",
    "NoticePreviewView",
    "NoticeProgressView",
    "NoticeReportView",
    "StaffAttachmentDownloadView",
]
