"""PLACEHOLDER: being written; replace this whole module."""
from django.http import Http404
from django.views import View


class _Placeholder(View):
    def dispatch(self, request, *args, **kwargs):
        raise Http404


CaseQueueView = _Placeholder
CaseCreateView = _Placeholder
CaseBulkView = _Placeholder
AttachmentDownloadView = _Placeholder
CaseDetailView = _Placeholder
CaseReplyView = _Placeholder
CaseTransitionView = _Placeholder
CaseAssignView = _Placeholder
CaseEscalateView = _Placeholder
CaseUpdateView = _Placeholder
CaseMergeView = _Placeholder
CaseLinkView = _Placeholder
CaseCloneView = _Placeholder
