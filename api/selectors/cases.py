"""Cases of the key's MP; internal notes and internal attachments are left out by ``cases.selectors.portal``."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import MarketParticipant
from cases.models import Case, CaseAttachment, CaseKind
from cases.selectors.dispute_days import dispute_days_of
from cases.selectors.portal import portal_case_initial_attachments, portal_case_messages, public_attachments


def api_cases(
    *, participant: MarketParticipant, status: str = "", kind: str = "", updated_since=None
) -> QuerySet[Case]:
    queryset = Case.objects.filter(participant=participant).select_related("category", "dispute")
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if updated_since is not None:
        queryset = queryset.filter(updated_at__gte=updated_since)
    return queryset


def api_case_get(*, participant: MarketParticipant, reference: str) -> Case:
    """One case of the MP with its public messages and attachments (two prefetches) and a dispute's days, else 404."""
    queryset = Case.objects.filter(participant=participant).select_related("category", "dispute")
    case = get_object_or_404(queryset, reference=reference)
    case.public_messages = list(portal_case_messages(case))
    case.initial_attachments = list(portal_case_initial_attachments(case))
    case.api_dispute = getattr(case, "dispute", None) if case.kind == CaseKind.DISPUTE else None
    if case.api_dispute is not None:
        case.api_dispute.day_list = dispute_days_of(case)
    return case


def api_case_lookup(*, participant: MarketParticipant, reference: str) -> Case:
    """The MP's case a write acts on (the service locks it), else 404."""
    return get_object_or_404(Case.objects.filter(participant=participant), reference=reference)


def api_attachment_get(*, participant: MarketParticipant, reference: str, pk: int) -> CaseAttachment:
    """A public attachment of the MP's case (the portal's rule: not internal, not on an internal note), else 404."""
    queryset = public_attachments().filter(case__participant=participant, case__reference=reference)
    return get_object_or_404(queryset, pk=pk)
