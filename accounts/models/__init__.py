"""accounts models: participants and the people who act for them."""

from .participants import (
    AUTHORIZING_ROLES,
    AccountManager,
    AccountManagerAssignment,
    ContactRank,
    ContactRole,
    MarketParticipant,
    MarketRole,
    Membership,
    ParticipantStatus,
    ServiceTerritory,
    User,
    UserManager,
)
from .security import KnownBrowser
from .summary import ParticipantSummary

__all__ = [
    "AUTHORIZING_ROLES",
    "AccountManager",
    "AccountManagerAssignment",
    "ContactRank",
    "ContactRole",
    "KnownBrowser",
    "MarketParticipant",
    "MarketRole",
    "Membership",
    "ParticipantStatus",
    "ParticipantSummary",
    "ServiceTerritory",
    "User",
    "UserManager",
]
