"""PLACEHOLDER: being written; replace this whole module."""
from django.http import Http404
from django.views import View


class _Placeholder(View):
    def dispatch(self, request, *args, **kwargs):
        raise Http404


ApplicationQueueView = _Placeholder
DocumentDownloadView = _Placeholder
DocumentReviewView = _Placeholder
ApplicationReviewView = _Placeholder
ApplicationStartReviewView = _Placeholder
ApplicationRequestInfoView = _Placeholder
ApplicationApproveView = _Placeholder
ApplicationRejectView = _Placeholder
RegistrationFactsView = _Placeholder
PotentialParticipantInviteView = _Placeholder
