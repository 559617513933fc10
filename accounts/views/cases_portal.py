"""PLACEHOLDER: being written; replace this whole module."""
from django.http import Http404
from django.views import View


class _Placeholder(View):
    def dispatch(self, request, *args, **kwargs):
        raise Http404


CaseListView = _Placeholder
InquiryCreateView = _Placeholder
DisputeCreateView = _Placeholder
DisputeDeadlineView = _Placeholder
AttachmentDownloadView = _Placeholder
CaseDetailView = _Placeholder
CaseReplyView = _Placeholder
CaseWithdrawView = _Placeholder
CaseReopenView = _Placeholder
