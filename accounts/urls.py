from django.urls import path

from .views import participants

portal_patterns = (
    [
        path("", participants.PortalHomeView.as_view(), name="home"),
        path("company/<int:pk>/", participants.PortalCompanyView.as_view(), name="company"),
        path("switch/<int:pk>/", participants.PortalSwitchView.as_view(), name="switch"),
    ],
    "portal",
)

workspace_patterns = (
    [
        path("participants/", participants.ParticipantListView.as_view(), name="participants"),
        path(
            "participants/<int:pk>/reassign/",
            participants.ParticipantReassignView.as_view(),
            name="participant-reassign",
        ),
        path("account-managers/", participants.AccountManagerListView.as_view(), name="account-managers"),
        path("account-managers/<int:pk>/reassign-book/", participants.BookReassignView.as_view(), name="book-reassign"),
    ],
    "workspace",
)
