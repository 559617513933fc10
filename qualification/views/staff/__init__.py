"""Workspace (staff) qualification pages (seed 004): flights and their board, enrolling an MP, the
enrollment page and its actions, the Retail Operations queue and the letter delivery report.

Who does what follows the seed: the Flight Administrator records results and hands them to Retail
Operations; Retail Operations (or the Client Services Lead) checks the criteria, issues letters,
records changes that produce none, resends deliveries and follows certificates and connectivity.

Views stay thin: they read through ``qualification.selectors``, write through
``qualification.services``, and turn a ``DomainError`` into a form error shown on the page
(status 400) with what was typed kept. One module per page or concern; the views are re-exported here for
``qualification.urls``."""

from .connectivity import CertificateAdvanceView, ConnectivityRecordView, ConnectivityTicketView
from .enrollments import EnrollmentActionView, EnrollmentCreateView, EnrollmentDetailView
from .flights import FlightBoardView, FlightCreateView, FlightListView
from .letters import DeliveryResendView, LetterDownloadView, LetterReportView, RetailOperationsQueueView

__all__ = [
    "CertificateAdvanceView",
    "ConnectivityRecordView",
    "ConnectivityTicketView",
    "EnrollmentActionView",
    "EnrollmentCreateView",
    "EnrollmentDetailView",
    "FlightBoardView",
    "FlightCreateView",
    "FlightListView",
    "DeliveryResendView",
    "LetterDownloadView",
    "LetterReportView",
    "RetailOperationsQueueView",
]
