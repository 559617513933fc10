"""Read-side queries for market notices: the public archive (filters and full-text search), feeds,
thread navigation, the portal inbox of one MP, and the signed preferences link.

Every function returns a queryset with its joins decided here, so pages cost a fixed number of
queries whatever the number of notices.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings
from django.core import signing
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse

from accounts.email_address import canonical_email
from accounts.models import MarketParticipant, Membership, User
from ercot_services.core.arrays import array_subquery
from ercot_services.core.search import text_search

from ..models import (
    Acknowledgement,
    ContactListOptOut,
    DistributionList,
    Notice,
    NoticeStatus,
    NoticeType,
    Subscription,
)

PREFERENCES_SALT = "notices.preferences"


# --- the signed preferences link --------------------------------------------------------------------


def preferences_token(email: str) -> str:
    return signing.dumps(email.strip().lower(), salt=PREFERENCES_SALT)


def preferences_email(token: str) -> str:
    """The address a preferences token was made for; ``signing.BadSignature`` when it was tampered with."""
    email = signing.loads(token, salt=PREFERENCES_SALT)
    if not isinstance(email, str) or "@" not in email:
        raise signing.BadSignature("Not an address.")
    return email


def preferences_url(email: str, *, absolute: bool = True) -> str:
    """The page where ``email`` manages its notice lists without signing in (for every notice email)."""
    path = reverse("notices:preferences", args=[preferences_token(email)])
    return settings.SITE_URL + path if absolute else path


# --- the public archive -------------------------------------------------------------------------------


def published_notices() -> QuerySet[Notice]:
    return Notice.objects.filter(status=NoticeStatus.PUBLISHED, notice_id__isnull=False)


def with_thread_cancelled(queryset: QuerySet[Notice]) -> QuerySet[Notice]:
    """Annotate ``thread_cancelled``: a published cancellation ends the notice's thread (no action needed any more)."""
    return queryset.annotate(
        thread_cancelled=Exists(
            Notice.objects.filter(
                thread_id=OuterRef("thread_id"), kind=Notice.Kind.CANCELLATION, status=NoticeStatus.PUBLISHED
            )
        )
    )


@dataclasses.dataclass
class ArchiveFilters:
    notice_type: NoticeType | None = None
    scope: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    distribution_list: DistributionList | None = None
    q: str = ""
    action_required: bool = False


def search_notices(queryset: QuerySet[Notice], q: str) -> QuerySet[Notice]:
    """The archive's search (``core.search.text_search``); a notice id typed whole finds that notice."""
    return text_search(
        queryset,
        q,
        fields={"notice_id": "A", "short_description": "A", "action_required": "B", "long_description": "C"},
        order=("-published_at",),
        also=Q(notice_id__iexact=(q or "").strip()),
    )


def archive_notices(filters: ArchiveFilters) -> QuerySet[Notice]:
    """Published notices, newest first (or by relevance when searching), filtered."""
    notices = published_notices()
    if filters.notice_type is not None:
        notices = notices.filter(notice_type=filters.notice_type)
    if filters.scope:
        notices = notices.filter(scope=filters.scope)
    if filters.date_from:
        notices = notices.filter(notice_date__gte=filters.date_from)
    if filters.date_to:
        notices = notices.filter(notice_date__lte=filters.date_to)
    if filters.distribution_list is not None:
        dl = filters.distribution_list
        notices = notices.filter(
            Q(pk__in=Notice.lists.through.objects.filter(distributionlist=dl).values("notice_id"))
            | Q(notice_type__in=dl.notice_types.values("pk"))
        )
    if filters.action_required:
        notices = notices.exclude(action_required="")
    notices = with_thread_cancelled(notices.select_related("notice_type")).order_by("-published_at", "-pk")
    return search_notices(notices, filters.q)


def feed_notices(notice_type: NoticeType | None = None, limit: int = 50) -> list[Notice]:
    notices = published_notices().select_related("notice_type").order_by("-published_at", "-pk")
    if notice_type is not None:
        notices = notices.filter(notice_type=notice_type)
    return list(notices[:limit])


def latest_notices(limit: int = 5) -> list[Notice]:
    notices = with_thread_cancelled(published_notices().select_related("notice_type"))
    return list(notices.order_by("-published_at", "-pk")[:limit])


def notice_for_detail(notice_id: str) -> Notice | None:
    return (
        published_notices()
        .select_related("notice_type", "thread", "previous")
        .prefetch_related("audience")
        .filter(notice_id=notice_id)
        .first()
    )


@dataclasses.dataclass
class ThreadView:
    notices: list[Notice]
    original: Notice | None
    cancellation: Notice | None
    later: list[Notice]

    @property
    def has_siblings(self) -> bool:
        return len(self.notices) > 1


def _published_thread_notices() -> QuerySet[Notice]:
    return published_notices().select_related("notice_type").order_by("number")


def thread_for(notice: Notice) -> ThreadView:
    """The published notices of ``notice``'s thread in order, its original, its cancellation, and what came later."""
    if not notice.thread_id:
        return ThreadView(notices=[notice], original=notice, cancellation=None, later=[])
    notices = list(_published_thread_notices().filter(thread_id=notice.thread_id))
    original = next((n for n in notices if n.kind == Notice.Kind.ORIGINAL), notices[0] if notices else None)
    cancellation = next((n for n in notices if n.kind == Notice.Kind.CANCELLATION), None)
    later = [n for n in notices if (n.number or 0) > (notice.number or 0)]
    return ThreadView(notices=notices, original=original, cancellation=cancellation, later=later)


def with_public_relations(queryset: QuerySet[Notice]) -> QuerySet[Notice]:
    """``queryset`` with what the public notice page shows of each notice, for many notices at once: its type, the
    notice it follows and its thread joined; its audience, files and its thread's published notices (as
    ``thread.published_notices``, read by :func:`thread_notices`) prefetched. Five queries however many notices."""
    return queryset.select_related("notice_type", "previous", "thread").prefetch_related(
        "audience",
        "attachments",
        Prefetch("thread__notices", queryset=_published_thread_notices(), to_attr="published_notices"),
    )


def thread_notices(notice: Notice) -> list[Notice]:
    """The published notices of ``notice``'s thread in order (``notice`` alone when it has no thread): prefetched by
    :func:`with_public_relations`, else read."""
    if not notice.thread_id:
        return [notice]
    prefetched = getattr(notice.thread, "published_notices", None)
    return prefetched if prefetched is not None else thread_for(notice).notices


def public_lists() -> QuerySet[DistributionList]:
    return DistributionList.objects.prefetch_related("notice_types").order_by("name")


# --- the portal inbox ---------------------------------------------------------------------------------


def inbox_notices(participant: MarketParticipant, *, action_only: bool = False) -> QuerySet[Notice]:
    """Published notices addressed to the MP (``Notice.objects.addressed_to``: no audience, or one of its roles).

    Each notice carries ``mp_acknowledgements``: this MP's acknowledgement only (never another MP's).
    """
    notices = (
        with_thread_cancelled(published_notices().addressed_to(participant))
        .select_related("notice_type")
        .prefetch_related(
            Prefetch(
                "acknowledgements",
                queryset=Acknowledgement.objects.filter(participant=participant).select_related("user"),
                to_attr="mp_acknowledgements",
            )
        )
        .order_by("-published_at", "-pk")
    )
    if action_only:
        notices = notices.exclude(action_required="")
    return notices


def participants_addressed_by(notice: Notice) -> QuerySet[MarketParticipant]:
    """The Market Participants ``notice`` is addressed to: the other side of ``Notice.objects.addressed_to``."""
    return MarketParticipant.objects.filter(Exists(Notice.objects.filter(pk=notice.pk).addressed_to(OuterRef("pk"))))


def inbox_unacknowledged(participant: MarketParticipant) -> QuerySet[Notice]:
    """The MP's ACTION REQUIRED notices awaiting its acknowledgement: neither acknowledged nor cancelled."""
    return (
        inbox_notices(participant, action_only=True)
        .filter(thread_cancelled=False)
        .exclude(Exists(Acknowledgement.objects.filter(notice_id=OuterRef("pk"), participant=participant)))
    )


def inbox_unacknowledged_count(participant: MarketParticipant) -> int:
    return inbox_unacknowledged(participant).count()


# How many of the notices awaiting acknowledgement the portal home lists (its count says how many there are).
HOME_CARD_NOTICES = 3


def portal_notices_card_context(user, participant: MarketParticipant) -> dict:
    """The portal home's card of ACTION REQUIRED notices awaiting the MP's acknowledgement: their count and the
    oldest few (two queries; the card is left out when none waits)."""
    waiting = inbox_unacknowledged(participant).prefetch_related(None)
    count = waiting.count()
    first = list(waiting.order_by("published_at", "pk")[:HOME_CARD_NOTICES]) if count else []
    return {"count": count, "notices": first, "participant": participant}


# --- list memberships and subscriptions ----------------------------------------------------------------


@dataclasses.dataclass
class RoleListMembership:
    distribution_list: DistributionList
    reasons: list[str]  # "credit contact of ACME", ...
    opted_out: bool


def role_lists_for_email(email: str) -> list[RoleListMembership]:
    """The lists an address belongs to as an MP contact, why, and whether it opted out."""
    email = canonical_email(email)
    memberships = list(
        Membership.objects.active()
        .filter(user__email=email, user__is_active=True)
        .select_related("participant")
        .order_by("participant__short_name", "contact_role")
    )
    if not memberships:
        return []
    opted_out = set(
        ContactListOptOut.objects.filter(email__iexact=email).values_list("distribution_list_id", flat=True)
    )
    result = []
    for dl in DistributionList.objects.exclude(contact_roles=[]).order_by("name"):
        reasons = [
            f"{m.get_contact_role_display()} of {m.participant.short_name}"
            for m in memberships
            if m.contact_role in (dl.contact_roles or [])
        ]
        if reasons:
            result.append(RoleListMembership(distribution_list=dl, reasons=reasons, opted_out=dl.pk in opted_out))
    return result


def subscriptions_for_email(email: str) -> list[Subscription]:
    return list(
        Subscription.objects.filter(email__iexact=email.strip())
        .select_related("distribution_list")
        .order_by("distribution_list__name")
    )


def thread_lists(notice: Notice) -> list[DistributionList]:
    """Every list the notices of ``notice``'s thread went to: the ones chosen on each and those their type routes to."""
    notices = Notice.objects.filter(Q(thread_id=notice.thread_id) if notice.thread_id else Q(pk=notice.pk))
    return list(
        DistributionList.objects.filter(Q(notices__in=notices) | Q(notice_types__notices__in=notices))
        .distinct()
        .order_by("name")
    )


def lists_left_by_unsubscribe(delivery) -> list[DistributionList]:
    """What one-click unsubscribe from ``delivery`` takes the address off: every list of the notice's thread that it
    receives (a confirmed subscription, or a contact role it has not opted out of), so no update of the same notice
    comes by another list. The preferences page, linked from the same email, can take any of them back.
    """
    subscriptions = subscriptions_for_email(delivery.email)
    receives = {s.distribution_list_id for s in subscriptions if s.status == Subscription.Status.CONFIRMED}
    receives |= {item.distribution_list.pk for item in role_lists_for_email(delivery.email) if not item.opted_out}
    return [dl for dl in thread_lists(delivery.notice) if dl.pk in receives]


def user_role_lists(user: User) -> list[RoleListMembership]:
    return role_lists_for_email(user.email)


def book_acknowledgement_gaps(
    user: User, *, limit: int = 5, days: int = 90
) -> list[tuple[Notice, list[MarketParticipant]]]:
    """Recent ACTION REQUIRED notices and the active MPs of ``user``'s book they are addressed to that have not
    acknowledged them.

    Two queries whatever the size of the book or the number of notices: the notices, then the book's MPs, each
    with the ids of those notices addressed to it that it has not acknowledged.
    """
    from django.utils import timezone

    from accounts.models import AccountManagerAssignment, ParticipantStatus

    notices = list(
        Notice.objects.filter(
            status=NoticeStatus.PUBLISHED, published_at__gte=timezone.now() - datetime.timedelta(days=days)
        )
        .exclude(action_required="")
        .order_by("-published_at")[:limit]
    )
    if not notices:
        return []
    not_acknowledged = (
        Notice.objects.filter(pk__in=[notice.pk for notice in notices])
        .addressed_to(OuterRef("pk"))
        .exclude(
            Exists(Acknowledgement.objects.filter(notice_id=OuterRef("pk"), participant_id=OuterRef(OuterRef("pk"))))
        )
        .order_by()
        .values("pk")
    )
    book = list(
        MarketParticipant.objects.filter(
            status=ParticipantStatus.ACTIVE,
            pk__in=AccountManagerAssignment.objects.current()
            .filter(account_manager__user=user)
            .values("participant_id"),
        )
        .annotate(missing_notice_ids=array_subquery(not_acknowledged))
        .order_by("short_name")
    )
    gaps = []
    for notice in notices:
        missing = [mp for mp in book if notice.pk in mp.missing_notice_ids]
        if missing:
            gaps.append((notice, missing))
    return gaps
