"""Workspace pages for market notices; the lead mounts ``workspace_patterns`` in the "workspace" namespace."""

from django.urls import path

from .views import staff

workspace_patterns = [
    path("notices/", staff.NoticeListView.as_view(), name="notice-list"),
    path("notices/new/", staff.NoticeCreateView.as_view(), name="notice-new"),
    path("notices/from-dispute/<str:reference>/", staff.NoticeFromDisputeView.as_view(), name="notice-from-dispute"),
    path("notices/preview/", staff.NoticePreviewView.as_view(), name="notice-preview"),
    path(
        "notices/from-incident/<int:pk>/",
        staff.NoticeFromIncidentView.as_view(),
        name="notice-from-incident",
    ),
    path("notices/<int:pk>/", staff.NoticeDetailView.as_view(), name="notice-detail"),
    path("notices/<int:pk>/edit/", staff.NoticeEditView.as_view(), name="notice-edit"),
    path("notices/<int:pk>/actions/<slug:action>/", staff.NoticeActionView.as_view(), name="notice-action"),
    path("notices/<int:pk>/attachments/", staff.NoticeAttachView.as_view(), name="notice-attach"),
    path(
        "notices/<int:pk>/attachments/<int:attachment_pk>/",
        staff.StaffAttachmentDownloadView.as_view(),
        name="notice-attachment",
    ),
    path(
        "notices/<int:pk>/attachments/<int:attachment_pk>/remove/",
        staff.NoticeDetachView.as_view(),
        name="notice-detach",
    ),
    path("notices/<int:pk>/progress/", staff.NoticeProgressView.as_view(), name="notice-progress"),
    path("notices/<int:pk>/report/", staff.NoticeReportView.as_view(), name="notice-report"),
    path(
        "notices/<int:pk>/acknowledgements/",
        staff.NoticeAcknowledgementsView.as_view(),
        name="notice-acknowledgements",
    ),
]
