"""Metrics scoping by Account Manager: the MPs of an AM's book as it is today, and the AMs themselves."""

from __future__ import annotations

from django.db.models import (
    Count,
    OuterRef,
    Q,
    Subquery,
)

from accounts.models import AccountManager, AccountManagerAssignment
from accounts.selectors.participants import book_participant_ids
from ercot_services.core.metrics import (
    MetricsFilter,
)


def current_am_user_subquery():
    """Subquery: the user id of the current AM of the row's ``participant_id``."""
    return Subquery(
        AccountManagerAssignment.objects.with_active_manager()
        .filter(participant=OuterRef("participant_id"))
        .values("account_manager__user_id")[:1]
    )


def book_q(f: MetricsFilter, path: str = "participant") -> Q:
    """Rows of the MPs currently in the chosen AM's book (everything when no AM is chosen)."""
    if not f.manager_id:
        return Q()
    return Q(**{f"{path}_id__in": book_participant_ids(f.manager_id)})


def managers() -> list[AccountManager]:
    return list(
        AccountManager.objects.select_related("user")
        .annotate(book_size=Count("assignments", filter=Q(assignments__ended_at__isnull=True)))
        .order_by("user__full_name")
    )
