"""Registration pages, mounted inside the portal and workspace namespaces by ercot_services/urls.py."""

from django.urls import path

from .views import portal, staff

portal_patterns = [
    path("registration/", portal.ApplicationListView.as_view(), name="applications"),
    path("registration/new/<str:kind>/", portal.ApplicationCreateView.as_view(), name="application-new"),
    path("registration/documents/<int:pk>/", portal.DocumentDownloadView.as_view(), name="application-document"),
    path("registration/<str:reference>/", portal.ApplicationDetailView.as_view(), name="application-detail"),
    path("registration/<str:reference>/edit/", portal.ApplicationEditView.as_view(), name="application-edit"),
    path(
        "registration/<str:reference>/upload/<int:line_pk>/",
        portal.DocumentUploadView.as_view(),
        name="application-upload",
    ),
    path(
        "registration/<str:reference>/contacts/",
        portal.ContactChangeView.as_view(),
        name="application-contact-change",
    ),
    path("registration/<str:reference>/submit/", portal.ApplicationSubmitView.as_view(), name="application-submit"),
    path(
        "registration/<str:reference>/withdraw/", portal.ApplicationWithdrawView.as_view(), name="application-withdraw"
    ),
]

workspace_patterns = [
    path("registration/", staff.ApplicationQueueView.as_view(), name="applications"),
    path("registration/documents/<int:pk>/", staff.DocumentDownloadView.as_view(), name="application-document"),
    path(
        "registration/documents/<int:pk>/review/",
        staff.DocumentReviewView.as_view(),
        name="application-document-review",
    ),
    path("registration/<str:reference>/", staff.ApplicationReviewView.as_view(), name="application-detail"),
    path(
        "registration/<str:reference>/start-review/",
        staff.ApplicationStartReviewView.as_view(),
        name="application-start-review",
    ),
    path(
        "registration/<str:reference>/request-info/",
        staff.ApplicationRequestInfoView.as_view(),
        name="application-request-info",
    ),
    path("registration/<str:reference>/approve/", staff.ApplicationApproveView.as_view(), name="application-approve"),
    path("registration/<str:reference>/reject/", staff.ApplicationRejectView.as_view(), name="application-reject"),
    path(
        "participants/<int:pk>/registration-facts/",
        staff.RegistrationFactsView.as_view(),
        name="participant-facts",
    ),
    path("cases/<str:reference>/invite/", staff.PotentialParticipantInviteView.as_view(), name="case-invite"),
]
