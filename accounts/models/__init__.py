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
from .summary import ParticipantSummary

__all__ = [
    "AUTHORIZING_ROLES",
    "AccountManager",
    "AccountManagerAssignment",
    "ContactRank",
    "ContactRole",
    "MarketParticipant",
    "MarketRole",
    "Membership",
    "ParticipantStatus",
    "ParticipantSummary",
    "ServiceTerritory",
    "User",
    "UserManager",
]
