"""Read-side queries for participants, AMs and contacts.

Portal scoping lives here: :func:`participants_for_user` is the one place that
decides which MPs a user may see, and every portal queryset goes through it.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from ..models import AccountManager, AccountManagerAssignment, MarketParticipant, Membership, PortalAccess, User


def participants_for_user(user: User) -> QuerySet[MarketParticipant]:
    """The MPs ``user`` may see: all of them for staff, their own for participant users (an active role and an
    active link, ``PortalAccess``)."""
    if not user.is_authenticated:
        return MarketParticipant.objects.none()
    if user.is_staff:
        return MarketParticipant.objects.all()
    # An active role there, through an active link: the MP's USA suspends or removes the link
    # (accounts.services.access), which ends the person's access to that MP alone.
    return MarketParticipant.objects.filter(
        pk__in=Membership.objects.active().filter(user=user).values("participant_id")
    ).filter(pk__in=PortalAccess.objects.active().filter(user=user).values("participant_id"))


def participant_ids_for_user(user: User) -> list[int]:
    return list(participants_for_user(user).values_list("pk", flat=True))


def participant_get_for_user(user: User, pk) -> MarketParticipant:
    """The MP with ``pk`` if ``user`` may see it, otherwise 404 (never 403: existence is not disclosed)."""
    return get_object_or_404(participants_for_user(user), pk=pk)


def scope_to_user(queryset: QuerySet, user: User, path: str = "participant") -> QuerySet:
    """Limit any queryset of MP-owned rows to what ``user`` may see; ``path`` leads to the MP."""
    if user.is_authenticated and user.is_staff:
        return queryset
    return queryset.filter(**{f"{path}__in": participants_for_user(user)})


def _current_assignment_prefetch() -> Prefetch:
    return Prefetch(
        "am_assignments",
        queryset=AccountManagerAssignment.objects.with_active_manager().select_related("account_manager__user"),
        to_attr="current_assignments",
    )


def with_current_manager(queryset: QuerySet[MarketParticipant]) -> QuerySet[MarketParticipant]:
    """Prefetch roles and the current AM so lists and cards cost a fixed number of queries."""
    return queryset.prefetch_related("roles", _current_assignment_prefetch())


def current_manager(participant: MarketParticipant) -> AccountManager | None:
    """The MP's current (active) AM, using the prefetch from :func:`with_current_manager` when present."""
    assignments = getattr(participant, "current_assignments", None)
    if assignments is None:
        assignments = list(
            AccountManagerAssignment.objects.with_active_manager()
            .filter(participant=participant)
            .select_related("account_manager__user")
        )
    return assignments[0].account_manager if assignments else None


def participant_list(*, user: User) -> QuerySet[MarketParticipant]:
    return with_current_manager(participants_for_user(user)).order_by("short_name")


def participant_contacts(participant: MarketParticipant) -> QuerySet[Membership]:
    return (
        Membership.objects.active()
        .filter(participant=participant)
        .select_related("user")
        .order_by("contact_role", "rank", "user__full_name")
    )


def assignment_history(participant: MarketParticipant) -> QuerySet[AccountManagerAssignment]:
    return participant.am_assignments.select_related("account_manager__user", "assigned_by").order_by("-started_at")


def memberships_for_user(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.active().filter(user=user).select_related("participant").order_by("participant__short_name")
    )


def account_managers_with_book_size() -> QuerySet[AccountManager]:
    return AccountManager.objects.select_related("user").annotate(
        book_size=Count("assignments", filter=Q(assignments__ended_at__isnull=True))
    )


def book_participant_ids(user) -> QuerySet:
    """Subquery: the MPs currently assigned to ``user`` (a user or a user id) as Account Manager."""
    return AccountManagerAssignment.objects.current().filter(account_manager__user=user).values("participant_id")


def book_participant_ids_for_manager(account_manager_id) -> QuerySet:
    """Subquery: the MPs currently in the book of the Account Manager with this id."""
    return (
        AccountManagerAssignment.objects.current()
        .filter(account_manager_id=account_manager_id)
        .values("participant_id")
    )
