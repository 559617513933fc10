"""API keys of an MP, for its USA's pages."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import MarketParticipant

from ..models import ApiKey


def api_keys_for_participant(participant: MarketParticipant) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(participant=participant).select_related("created_by")


def api_key_get(participant: MarketParticipant, pk: int) -> ApiKey:
    """A key of the MP (another MP's key is a 404)."""
    return get_object_or_404(ApiKey.objects.select_related("participant"), participant=participant, pk=pk)
