"""The key's MP."""

from __future__ import annotations

from accounts.models import MarketParticipant
from accounts.selectors.participants import participant_contacts, with_current_manager


def participant_for_api(participant: MarketParticipant) -> MarketParticipant:
    """The MP with its roles and current Account Manager prefetched, and its active contacts."""
    participant = with_current_manager(MarketParticipant.objects.filter(pk=participant.pk)).get()
    participant.api_contacts = list(participant_contacts(participant))
    return participant
