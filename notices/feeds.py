"""RSS (``/notices/feed/``) and Atom (``/notices/atom/``) feeds of published notices, all or one type."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from . import selectors
from .models import Notice, NoticeType
from .rendering import render_markdown

FEED_SIZE = 50


class NoticeRssFeed(Feed):
    description_template = None

    def get_object(self, request, type_slug=None):
        return get_object_or_404(NoticeType, slug=type_slug) if type_slug else None

    def title(self, obj):
        return f"ERCOT market notices: {obj.name}" if obj else "ERCOT market notices"

    def link(self, obj):
        url = reverse("notices:archive")
        return f"{url}?type={obj.slug}" if obj else url

    def description(self, obj):
        what = f"{obj.name} market notices" if obj else "Market notices"
        return f"{what} published by ERCOT Client Services, newest first."

    subtitle = description

    def items(self, obj):
        return selectors.feed_notices(obj, limit=FEED_SIZE)

    def item_title(self, item: Notice):
        return f"{item.notice_id} {item.notice_type.name}: {item.short_description}"

    def item_description(self, item: Notice):
        parts = []
        if item.action_required:
            parts.append(f"<p><strong>ACTION REQUIRED:</strong></p>{render_markdown(item.action_required)}")
        parts.append(str(render_markdown(item.long_description)))
        return "".join(parts)

    def item_link(self, item: Notice):
        return item.get_absolute_url()

    def item_guid(self, item: Notice):
        return item.notice_id

    item_guid_is_permalink = False

    def item_pubdate(self, item: Notice):
        return item.published_at

    def item_updateddate(self, item: Notice):
        return item.published_at

    def item_categories(self, item: Notice):
        return [item.notice_type.name, item.get_scope_display()]


class NoticeAtomFeed(NoticeRssFeed):
    feed_type = Atom1Feed

    def feed_url(self, obj):
        return reverse("notices:atom-type", args=[obj.slug]) if obj else reverse("notices:atom")
