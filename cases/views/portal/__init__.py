"""Portal pages of cases: the list and one case (``cases``), filing an inquiry or a dispute (``filing``), and the
email preferences every signed-in user keeps (``preferences``, outside the portal namespace)."""

from .cases import AttachmentDownloadView, CaseDetailView, CaseListView, CaseReopenView, CaseReplyView, CaseWithdrawView
from .deadlines import DisputeDeadlinesView
from .filing import DisputeCreateView, DisputeDeadlineView, InquiryCreateView

__all__ = [
    "AttachmentDownloadView",
    "CaseDetailView",
    "CaseListView",
    "CaseReopenView",
    "CaseReplyView",
    "CaseWithdrawView",
    "DisputeCreateView",
    "DisputeDeadlineView",
    "DisputeDeadlinesView",
    "InquiryCreateView",
]
