"""What a key's MP may read: the portal's own selectors, scoped to the key's MP instead of a signed-in person.

A case of another MP is not found (404), exactly as in the portal; internal notes and internal attachments are
left out by ``cases.selectors.portal``.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import MarketParticipant
from accounts.selectors.participants import participant_contacts, with_current_manager
from cases.models import Case
from cases.selectors.portal import portal_case_initial_attachments, portal_case_messages

from .models import ApiKey


def participant_for_api(participant: MarketParticipant) -> MarketParticipant:
    """The MP with its roles and current Account Manager prefetched, and its active contacts."""
    participant = with_current_manager(MarketParticipant.objects.filter(pk=participant.pk)).get()
    participant.api_contacts = list(participant_contacts(participant))
    return participant


def api_cases(
    *, participant: MarketParticipant, status: str = "", kind: str = "", updated_since=None
) -> QuerySet[Case]:
    queryset = Case.objects.filter(participant=participant).select_related("category")
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if updated_since is not None:
        queryset = queryset.filter(updated_at__gte=updated_since)
    return queryset


def api_case_get(*, participant: MarketParticipant, reference: str) -> Case:
    """One case of the MP with its public messages and attachments (two prefetches), else 404."""
    queryset = Case.objects.filter(participant=participant).select_related("category")
    case = get_object_or_404(queryset, reference=reference)
    case.public_messages = list(portal_case_messages(case))
    case.initial_attachments = list(portal_case_initial_attachments(case))
    return case


def api_keys_for_participant(participant: MarketParticipant) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(participant=participant).select_related("created_by")


def api_key_get(participant: MarketParticipant, pk: int) -> ApiKey:
    """A key of the MP (another MP's key is a 404)."""
    return get_object_or_404(ApiKey.objects.select_related("participant"), participant=participant, pk=pk)
