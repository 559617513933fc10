"""accounts views, one module per area; import from here."""

from .participants import (
    AccountManagerListView,
    BookReassignView,
    ParticipantDetailView,
    ParticipantListView,
    ParticipantReassignView,
    PortalCompanyView,
    PortalHomeView,
    PortalSwitchView,
    WorkspaceHomeView,
)

__all__ = [
    "PortalHomeView",
    "PortalCompanyView",
    "PortalSwitchView",
    "WorkspaceHomeView",
    "ParticipantListView",
    "ParticipantDetailView",
    "ParticipantReassignView",
    "AccountManagerListView",
    "BookReassignView",
]
