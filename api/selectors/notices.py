"""Notices: the public archive (the public page's filters, plus ``since``), one published notice, and the key's MP's
action-required notices, all read through ``notices.selectors`` so the API shows what the site shows."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import MarketParticipant
from notices import selectors as notice_selectors
from notices.models import Notice, NoticeStatus

from . import MAX_ID


def api_notices(
    *, filters: notice_selectors.ArchiveFilters, since: datetime.datetime | None = None
) -> QuerySet[Notice]:
    """The public archive with ``filters`` (``notices.selectors.archive_notices``), with what a notice shows joined
    and prefetched. ``since``: published or changed at or after it, or followed since by a published update or
    cancellation of its thread (its ``thread`` and ``cancelled`` changed)."""
    notices = notice_selectors.archive_notices(filters)
    if since is not None:
        followed = Notice.objects.filter(
            thread_id=OuterRef("thread_id"), status=NoticeStatus.PUBLISHED, published_at__gte=since
        )
        notices = notices.filter(Q(published_at__gte=since) | Q(updated_at__gte=since) | Exists(followed))
    return notice_selectors.with_public_relations(notices)


def _by_identifier(notices: QuerySet[Notice], identifier: str) -> Notice:
    """The notice of ``notices`` whose notice ID is ``identifier`` or, failing that, whose ``id`` it is; else 404."""
    notice = notices.filter(notice_id=identifier).first()
    if notice is None and identifier.isascii() and identifier.isdecimal() and int(identifier) <= MAX_ID:
        notice = notices.filter(pk=int(identifier)).first()
    if notice is None:
        raise Http404("No published notice has this ID.")
    return notice


def api_notice_get(identifier: str) -> Notice:
    """A published notice by its notice ID (``M-A042424-01``) or its ``id``; a draft or an unknown one is a 404."""
    notices = notice_selectors.with_thread_cancelled(notice_selectors.published_notices())
    return _by_identifier(notice_selectors.with_public_relations(notices), identifier)


def api_action_required_notices(*, participant: MarketParticipant, unacknowledged: bool = False) -> QuerySet[Notice]:
    """The MP's notices with ACTION REQUIRED as its portal inbox lists them (``notices.selectors.inbox_notices``),
    each with the MP's acknowledgement; ``unacknowledged``: only those the portal counts as awaiting it."""
    if unacknowledged:
        notices = notice_selectors.inbox_unacknowledged(participant)
    else:
        notices = notice_selectors.inbox_notices(participant, action_only=True)
    return notice_selectors.with_public_relations(notices)


def api_inbox_notice_get(*, participant: MarketParticipant, identifier: str) -> Notice:
    """A notice of the MP's inbox (the portal's rule for what it may acknowledge), by notice ID or ``id``; else 404."""
    return _by_identifier(notice_selectors.inbox_notices(participant), identifier)
