"""Qualification pages, mounted inside the portal and workspace namespaces by ercot_services/urls.py."""

from django.urls import path

from .views import portal, staff

portal_patterns = [
    path("qualification/", portal.QualificationHomeView.as_view(), name="qualification"),
    path("qualification/letters/<int:pk>/", portal.LetterDownloadView.as_view(), name="letter-download"),
    path("qualification/connectivity/", portal.ConnectivitySpecView.as_view(), name="connectivity-spec"),
    path(
        "qualification/connectivity/tests/<int:pk>/ticket/",
        portal.ConnectivityTicketView.as_view(),
        name="connectivity-ticket",
    ),
]

workspace_patterns = [
    path("qualification/flights/", staff.FlightListView.as_view(), name="flights"),
    path("qualification/flights/new/", staff.FlightCreateView.as_view(), name="flight-new"),
    path("qualification/flights/<str:name>/", staff.FlightBoardView.as_view(), name="flight-detail"),
    path("qualification/enrollments/new/", staff.EnrollmentCreateView.as_view(), name="enrollment-new"),
    path("qualification/enrollments/<int:pk>/", staff.EnrollmentDetailView.as_view(), name="enrollment-detail"),
    path(
        "qualification/enrollments/<int:pk>/<str:action>/",
        staff.EnrollmentActionView.as_view(),
        name="enrollment-action",
    ),
    path("qualification/retail-operations/", staff.RetailOperationsQueueView.as_view(), name="retail-ops-queue"),
    path("qualification/letters/", staff.LetterReportView.as_view(), name="letters"),
    path("qualification/letters/<int:pk>/download/", staff.LetterDownloadView.as_view(), name="letter-download"),
    path("qualification/deliveries/<int:pk>/resend/", staff.DeliveryResendView.as_view(), name="delivery-resend"),
    path(
        "qualification/certificates/<int:pk>/advance/",
        staff.CertificateAdvanceView.as_view(),
        name="certificate-advance",
    ),
    path(
        "qualification/connectivity/<int:pk>/record/",
        staff.ConnectivityRecordView.as_view(),
        name="connectivity-record",
    ),
    path(
        "qualification/connectivity/<int:pk>/ticket/",
        staff.ConnectivityTicketView.as_view(),
        name="connectivity-ticket",
    ),
]
