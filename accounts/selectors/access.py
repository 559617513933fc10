"""Reads for the MP's people pages (its User Security Administrator's) and the access reviews."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from ercot_services.core.models import AuditEvent

from ..models import (
    AccessReview,
    AccessReviewEntry,
    AccessReviewStatus,
    MarketParticipant,
    Membership,
    PortalAccess,
    PortalAccessStatus,
    PortalInvitation,
)
from ..portal_home import WaitingGroup, WaitingItem
from .history import security_history
from .second_factor import second_factor_user_ids


def people_for_participant(participant: MarketParticipant, *, include_removed: bool = False) -> QuerySet[PortalAccess]:
    """The MP's people (their link), with the user and their active roles here (``roles_here``) in two queries."""
    queryset = PortalAccess.objects.filter(participant=participant)
    if not include_removed:
        queryset = queryset.exclude(status=PortalAccessStatus.REMOVED)
    return (
        queryset.select_related("user", "changed_by")
        .prefetch_related(
            Prefetch(
                "user__memberships",
                queryset=Membership.objects.active().filter(participant=participant).order_by("contact_role"),
                to_attr="roles_here",
            )
        )
        .order_by("user__full_name", "user__email")
    )


def with_second_factor(accesses: list[PortalAccess]) -> list[PortalAccess]:
    """Set ``has_second_factor`` on each row (one call of ``second_factor_user_ids`` for the page)."""
    having = second_factor_user_ids([access.user_id for access in accesses])
    for access in accesses:
        access.has_second_factor = access.user_id in having
    return accesses


def person_get(participant: MarketParticipant, user_id) -> PortalAccess:
    """One person of the MP (their link, removed ones too), or a 404: another MP's person is never found here."""
    access = get_object_or_404(people_for_participant(participant, include_removed=True), user_id=user_id)
    return with_second_factor([access])[0]


def person_events(access: PortalAccess, limit: int = 50) -> list[AuditEvent]:
    """The person's events the MP's USA answers for, newest first: those of their link at this MP (grants, roles,
    suspensions, removals) and their own security events (sign-ins, failures, lockouts, factor and session changes)."""
    events = AuditEvent.objects.for_object(access) | security_history(access.user)
    return list(events.select_related("actor", "target_content_type")[:limit])


def pending_invitations(participant: MarketParticipant) -> QuerySet[PortalInvitation]:
    return PortalInvitation.objects.pending().filter(participant=participant).select_related("invited_by")


def invitation_get(participant: MarketParticipant, pk) -> PortalInvitation:
    return get_object_or_404(PortalInvitation.objects.filter(participant=participant), pk=pk)


def open_review(participant: MarketParticipant) -> AccessReview | None:
    return AccessReview.objects.filter(participant=participant, status=AccessReviewStatus.OPEN).first()


def review_entries(review: AccessReview) -> list[AccessReviewEntry]:
    return list(review.entries.select_related("user", "confirmed_by"))


def latest_review_for_staff(participant: MarketParticipant) -> dict:
    """The MP 360° page's card: the latest review, its counts and the people it suspended (two queries)."""
    review = AccessReview.objects.filter(participant=participant).order_by("-opened_at").first()
    if review is None:
        return {"review": None}
    entries = review_entries(review)
    return {
        "review": review,
        "reviewed": len(entries),
        "confirmed": sum(1 for e in entries if e.confirmed_at),
        "suspended_people": [e for e in entries if e.suspended_at],
        "overdue": review.is_open and review.due_at <= timezone.now(),
    }


def portal_people_card_context(user, participant) -> dict:
    """The portal home's card for the MP's USA: a link to the people pages and the open review's banner (one query,
    none for anyone else: ``manages_people`` comes with the MP from ``current_participant``)."""
    if not getattr(participant, "manages_people", False):
        return {"show": False}
    return {"show": True, "review": open_review(participant), "participant": participant}


def portal_waiting_access(user, participant) -> WaitingGroup | None:
    """The "Waiting on you" card's group for the MP's USA: the open access review and the invitations not accepted
    yet (two queries; none for anyone else, as for :func:`portal_people_card_context`)."""
    if not getattr(participant, "manages_people", False):
        return None
    items = []
    review = open_review(participant)
    if review is not None:
        items.append(
            WaitingItem(
                text=f"Confirm who still needs access ({review.quarter} access review)",
                url=reverse("portal:access-review"),
                due=review.due_at,
                overdue=review.due_at <= timezone.now(),
            )
        )
    invitations = PortalInvitation.objects.pending().filter(participant=participant).count()
    if invitations:
        items.append(
            WaitingItem(
                text=f"{invitations} invitation{pluralize(invitations)} not accepted yet", url=reverse("portal:people")
            )
        )
    if not items:
        return None
    return WaitingGroup(
        title="People and access",
        count=len(items),
        items=items,
        url=reverse("portal:people"),
        link_text="Manage people",
    )
