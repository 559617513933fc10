from django.urls import path

from . import views

portal_patterns = (
    [
        path("", views.PortalHomeView.as_view(), name="home"),
        path("company/<int:pk>/", views.PortalCompanyView.as_view(), name="company"),
        path("switch/<int:pk>/", views.PortalSwitchView.as_view(), name="switch"),
    ],
    "portal",
)

workspace_patterns = (
    [
        path("", views.WorkspaceHomeView.as_view(), name="home"),
        path("participants/", views.ParticipantListView.as_view(), name="participants"),
        path("participants/<int:pk>/", views.ParticipantDetailView.as_view(), name="participant-detail"),
        path("participants/<int:pk>/reassign/", views.ParticipantReassignView.as_view(), name="participant-reassign"),
        path("account-managers/", views.AccountManagerListView.as_view(), name="account-managers"),
        path("account-managers/<int:pk>/reassign-book/", views.BookReassignView.as_view(), name="book-reassign"),
    ],
    "workspace",
)
