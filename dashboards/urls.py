"""Dashboard pages, mounted inside the workspace namespace by ercot_services/urls.py."""

from django.urls import path

from .views import staff

workspace_patterns = [
    path("", staff.WorkspaceHomeView.as_view(), name="home"),
    path("home/lists/", staff.WorkspaceHomeListsView.as_view(), name="home-lists"),
    path("participants/<int:pk>/", staff.ParticipantDetailView.as_view(), name="participant-detail"),
    path(
        "participants/<int:pk>/sections/<slug:section>/",
        staff.ParticipantSectionView.as_view(),
        name="participant-section",
    ),
    path("metrics/", staff.MetricsView.as_view(), name="metrics"),
    path("metrics/<slug:table>.csv", staff.MetricsCsvView.as_view(), name="metrics-csv"),
]
