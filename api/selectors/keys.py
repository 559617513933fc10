"""API keys of an MP, for its USA's pages, and a key's latest calls."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import MarketParticipant

from ..models import ApiCallLog, ApiKey


def api_keys_for_participant(participant: MarketParticipant) -> QuerySet[ApiKey]:
    """The MP's keys with their creator and whether it still administers the MP (``is_orphaned``)."""
    return ApiKey.objects.filter(participant=participant).select_related("created_by").with_owner_standing()


def api_key_get(participant: MarketParticipant, pk: int) -> ApiKey:
    """A key of the MP (another MP's key is a 404)."""
    return get_object_or_404(
        ApiKey.objects.select_related("participant", "created_by", "revoked_by").with_owner_standing(),
        participant=participant,
        pk=pk,
    )


def api_key_calls(api_key: ApiKey) -> QuerySet[ApiCallLog]:
    """The key's calls, latest first (the ``api_call_log_key_latest`` index serves it)."""
    return ApiCallLog.objects.filter(api_key=api_key).order_by("-created_at", "-id")
