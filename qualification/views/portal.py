"""PLACEHOLDER: being written; replace this whole module."""
from django.http import Http404
from django.views import View


class _Placeholder(View):
    def dispatch(self, request, *args, **kwargs):
        raise Http404


QualificationHomeView = _Placeholder
LetterDownloadView = _Placeholder
ConnectivitySpecView = _Placeholder
