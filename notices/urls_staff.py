"""Workspace pages for market notices; the lead mounts ``workspace_patterns`` in the "workspace" namespace."""

from django.urls import path

from . import views_staff

workspace_patterns = [
    path("notices/", views_staff.NoticeListView.as_view(), name="notice-list"),
    path("notices/new/", views_staff.NoticeCreateView.as_view(), name="notice-new"),
    path("notices/preview/", views_staff.NoticePreviewView.as_view(), name="notice-preview"),
    path("notices/<int:pk>/", views_staff.NoticeDetailView.as_view(), name="notice-detail"),
    path("notices/<int:pk>/edit/", views_staff.NoticeEditView.as_view(), name="notice-edit"),
    path("notices/<int:pk>/actions/<slug:action>/", views_staff.NoticeActionView.as_view(), name="notice-action"),
    path("notices/<int:pk>/attachments/", views_staff.NoticeAttachView.as_view(), name="notice-attach"),
    path(
        "notices/<int:pk>/attachments/<int:attachment_pk>/",
        views_staff.StaffAttachmentDownloadView.as_view(),
        name="notice-attachment",
    ),
    path(
        "notices/<int:pk>/attachments/<int:attachment_pk>/remove/",
        views_staff.NoticeDetachView.as_view(),
        name="notice-detach",
    ),
    path("notices/<int:pk>/progress/", views_staff.NoticeProgressView.as_view(), name="notice-progress"),
    path("notices/<int:pk>/report/", views_staff.NoticeReportView.as_view(), name="notice-report"),
    path(
        "notices/<int:pk>/acknowledgements/",
        views_staff.NoticeAcknowledgementsView.as_view(),
        name="notice-acknowledgements",
    ),
]
