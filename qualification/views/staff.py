"""PLACEHOLDER: being written; replace this whole module."""
from django.http import Http404
from django.views import View


class _Placeholder(View):
    def dispatch(self, request, *args, **kwargs):
        raise Http404


FlightListView = _Placeholder
FlightCreateView = _Placeholder
FlightBoardView = _Placeholder
EnrollmentCreateView = _Placeholder
EnrollmentDetailView = _Placeholder
EnrollmentActionView = _Placeholder
RetailOperationsQueueView = _Placeholder
LetterReportView = _Placeholder
LetterDownloadView = _Placeholder
DeliveryResendView = _Placeholder
CertificateAdvanceView = _Placeholder
ConnectivityRecordView = _Placeholder
