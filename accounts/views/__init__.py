"""accounts views, one module per area; import from here."""

from .participants import (
    AccountManagerListView,
    BookReassignView,
    ParticipantListView,
    ParticipantReassignView,
    PortalCompanyView,
    PortalHomeView,
    PortalSwitchView,
)

__all__ = [
    "PortalHomeView",
    "PortalCompanyView",
    "PortalSwitchView",
    "ParticipantListView",
    "ParticipantReassignView",
    "AccountManagerListView",
    "BookReassignView",
]
