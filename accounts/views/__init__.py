"""accounts views, one module per area; import from here."""

from .participants import (
    PortalHomeView,
    PortalCompanyView,
    PortalSwitchView,
    WorkspaceHomeView,
    ParticipantListView,
    ParticipantDetailView,
    ParticipantReassignView,
    AccountManagerListView,
    BookReassignView,
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
