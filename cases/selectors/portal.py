"""Read-side queries for the participant portal's cases.

Every queryset here starts from :func:`accounts.selectors.participants.scope_to_user`,
so a case, message or attachment of another Market Participant is simply not
found (a 404 in the views, never a 403). Internal notes and internal
attachments are filtered out here, not in templates.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts.models import MarketParticipant, User
from accounts.portal_home import WAITING_ITEMS_SHOWN, WaitingGroup, WaitingItem
from accounts.selectors.participants import scope_to_user

from ..models import OPEN_STATUSES, Case, CaseAttachment, CaseMessage, CaseStatus, NextAction

FINISHED_STATUSES = (CaseStatus.RESOLVED, CaseStatus.CLOSED, CaseStatus.WITHDRAWN)

# The list filter: value → (label, condition).
STATUS_FILTERS: dict[str, tuple[str, Q]] = {
    "open": ("Open", Q(status__in=OPEN_STATUSES)),
    "waiting": ("Waiting on you", Q(status__in=OPEN_STATUSES, next_action_by=NextAction.PARTICIPANT)),
    "resolved": ("Resolved or closed", Q(status__in=FINISHED_STATUSES)),
    "all": ("All", Q()),
}
DEFAULT_STATUS_FILTER = "open"


def portal_cases_base(*, user: User, participant: MarketParticipant, mine: bool = False) -> QuerySet[Case]:
    """The cases of ``participant`` that ``user`` may see (only the ones they filed when ``mine``)."""
    queryset = scope_to_user(Case.objects.filter(participant=participant), user)
    if mine:
        queryset = queryset.filter(submitted_by=user)
    return queryset


def portal_case_list(
    *,
    user: User,
    participant: MarketParticipant,
    mine: bool = False,
    status: str = DEFAULT_STATUS_FILTER,
    search: str = "",
) -> QuerySet[Case]:
    """The portal list: filtered, searched, newest activity first, with what each row shows pre-joined."""
    queryset = portal_cases_base(user=user, participant=participant, mine=mine)
    _label, condition = STATUS_FILTERS.get(status, STATUS_FILTERS[DEFAULT_STATUS_FILTER])
    queryset = queryset.filter(condition)
    search = (search or "").strip()
    if search:
        queryset = queryset.filter(Q(reference__icontains=search) | Q(subject__icontains=search))
    return queryset.select_related("category", "submitted_by").order_by("-updated_at", "-id")


def portal_case_counts(*, user: User, participant: MarketParticipant, mine: bool = False) -> dict[str, int]:
    """How many cases each status filter holds, in one query."""
    queryset = portal_cases_base(user=user, participant=participant, mine=mine)
    return queryset.aggregate(
        **{
            key: Count("pk", filter=condition) if key != "all" else Count("pk")
            for key, (_, condition) in STATUS_FILTERS.items()
        }
    )


def portal_case_get(*, user: User, reference: str) -> Case:
    """One case by reference, if ``user`` may see it; otherwise 404 (the reference alone never grants access)."""
    queryset = scope_to_user(Case.objects.all(), user).select_related(
        "participant", "category", "assignee", "queue", "submitted_by", "merged_into"
    )
    return get_object_or_404(queryset, reference=reference)


def public_attachments() -> QuerySet[CaseAttachment]:
    """Attachments a participant may see: not internal, and not on an internal note."""
    return CaseAttachment.objects.filter(is_internal=False).filter(
        Q(message__isnull=True) | Q(message__is_internal=False)
    )


def portal_case_messages(case: Case) -> QuerySet[CaseMessage]:
    """The public conversation of a case (internal notes excluded), each with its public attachments."""
    return (
        CaseMessage.objects.filter(case=case, is_internal=False)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=public_attachments().order_by("created_at", "id")))
        .order_by("created_at", "id")
    )


def portal_case_initial_attachments(case: Case) -> QuerySet[CaseAttachment]:
    """Public attachments that came with the case itself (not with a reply)."""
    return public_attachments().filter(case=case, message__isnull=True).order_by("created_at", "id")


def portal_attachment_get(*, user: User, pk: int) -> CaseAttachment:
    """A public attachment of a case ``user`` may see; otherwise 404."""
    queryset = scope_to_user(public_attachments(), user, path="case__participant")
    return get_object_or_404(queryset.select_related("case"), pk=pk)


def portal_case_summary(*, user: User, participant: MarketParticipant) -> dict[str, int]:
    """Counts for the portal home card: open cases, and those waiting on the participant."""
    counts = portal_case_counts(user=user, participant=participant)
    return {"open": counts["open"], "waiting": counts["waiting"], "all": counts["all"]}


def portal_waiting_cases(user: User, participant: MarketParticipant) -> WaitingGroup | None:
    """The "Waiting on you" card's group: open cases of the MP on which Client Services waits for the participant
    (an information request), the oldest first; two queries."""
    waiting = portal_cases_base(user=user, participant=participant).filter(STATUS_FILTERS["waiting"][1])
    count = waiting.count()
    if not count:
        return None
    first = waiting.order_by("updated_at", "id").only("reference", "subject")[:WAITING_ITEMS_SHOWN]
    return WaitingGroup(
        title="Information requested on your cases",
        count=count,
        items=[WaitingItem(text=f"{case.reference}: {case.subject}", url=case.get_portal_url()) for case in first],
        url=f"{reverse('portal:cases')}?status=waiting",
        link_text="All cases waiting on you",
    )
