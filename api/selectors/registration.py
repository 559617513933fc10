"""Registration applications of the key's MP with their checklists, read through ``registration.selectors`` (the
portal's registration pages read the same)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import MarketParticipant
from registration import selectors as registration_selectors
from registration.models import Application


def api_applications(
    *, participant: MarketParticipant, status: str = "", kind: str = "", updated_since=None
) -> QuerySet[Application]:
    """The MP's applications, newest first, filtered, with their checklists prefetched (a page of them is then
    marked by :func:`with_marked_checklists`)."""
    queryset = registration_selectors.with_checklists(registration_selectors.applications_for_participant(participant))
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if updated_since is not None:
        queryset = queryset.filter(updated_at__gte=updated_since)
    return queryset


def with_marked_checklists(applications: list[Application]) -> list[Application]:
    """Each checklist line marked required and missing, as the portal's application page marks it."""
    return registration_selectors.mark_checklists(list(applications))


def api_application_get(*, participant: MarketParticipant, reference: str) -> Application:
    """One application of the MP with its marked checklist, else 404."""
    queryset = registration_selectors.with_checklists(Application.objects.filter(participant=participant))
    application = get_object_or_404(queryset, reference=reference)
    return with_marked_checklists([application])[0]
