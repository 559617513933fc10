"""PLACEHOLDER: being written; replace this whole module."""
from django.http import Http404
from django.views import View


class _Placeholder(View):
    def dispatch(self, request, *args, **kwargs):
        raise Http404


ApplicationListView = _Placeholder
ApplicationCreateView = _Placeholder
DocumentDownloadView = _Placeholder
ApplicationDetailView = _Placeholder
ApplicationEditView = _Placeholder
DocumentUploadView = _Placeholder
ContactChangeView = _Placeholder
ApplicationSubmitView = _Placeholder
ApplicationWithdrawView = _Placeholder
