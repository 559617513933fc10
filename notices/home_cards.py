"""The Notice Publisher's cards on the staff home (see ``ercot_services.core.home_cards``)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from accounts.roles import StaffGroup
from ercot_services.core.home_cards import CardRow, card_from_queryset, register_card

from .models import Notice, NoticeDelivery, NoticeStatus

PUBLISHERS = [StaffGroup.NOTICE_PUBLISHER]


def _moment(value) -> str:
    return format_date(timezone.localtime(value), "M j, g:i A") if value else ""


def _notice_row(notice: Notice, detail: str, *, urgent: bool = False) -> CardRow:
    label = f"{notice.notice_id} · {notice.short_description}" if notice.notice_id else notice.short_description
    return CardRow(label=label, url=reverse("workspace:notice-detail", args=[notice.pk]), detail=detail, urgent=urgent)


def _list_url(status: str) -> str:
    return f"{reverse('workspace:notice-list')}?status={status}"


def _with_deliveries(*statuses: str):
    """Published notices with at least one delivery in ``statuses``, the latest published first."""
    deliveries = NoticeDelivery.objects.filter(notice=OuterRef("pk"), status__in=statuses)
    return Notice.objects.filter(Exists(deliveries), status=NoticeStatus.PUBLISHED).order_by("-published_at", "-pk")


@register_card("notices-to-approve", groups=PUBLISHERS, mine=True, order=10)
def notices_to_approve(user, *, today):
    """Notices in review written by another publisher: the second pair of eyes is this user's."""
    return card_from_queryset(
        Notice.objects.filter(status=NoticeStatus.IN_REVIEW)
        .exclude(author=user)
        .select_related("author")
        .order_by("updated_at", "pk"),
        title="Waiting for my approval",
        row=lambda notice: _notice_row(
            notice, f"By {notice.author.full_name if notice.author else 'a former publisher'}"
        ),
        list_url=_list_url(NoticeStatus.IN_REVIEW),
        list_label="All notices in review",
        empty_text="No notice is waiting for your approval.",
    )


@register_card("notice-drafts", groups=PUBLISHERS, order=20)
def notice_drafts(user, *, today):
    return card_from_queryset(
        Notice.objects.filter(status=NoticeStatus.DRAFT).order_by("-updated_at", "-pk"),
        title="Drafts",
        row=lambda notice: _notice_row(notice, f"Edited {_moment(notice.updated_at)}"),
        list_url=_list_url(NoticeStatus.DRAFT),
        list_label="All drafts",
        empty_text="No notice is in draft.",
    )


@register_card("notices-scheduled", groups=PUBLISHERS, order=30)
def notices_scheduled(user, *, today):
    return card_from_queryset(
        Notice.objects.filter(status=NoticeStatus.SCHEDULED).order_by("scheduled_for", "pk"),
        title="Scheduled",
        row=lambda notice: _notice_row(notice, f"Publishes {_moment(notice.scheduled_for)}"),
        list_url=_list_url(NoticeStatus.SCHEDULED),
        list_label="All scheduled notices",
        empty_text="No notice is scheduled.",
    )


@register_card("notices-delivering", groups=PUBLISHERS, order=40)
def notices_delivering(user, *, today):
    return card_from_queryset(
        _with_deliveries(NoticeDelivery.Status.PENDING, NoticeDelivery.Status.CLAIMED),
        title="Delivering",
        row=lambda notice: _notice_row(notice, f"Published {_moment(notice.published_at)}"),
        list_url=_list_url(NoticeStatus.PUBLISHED),
        list_label="All published notices",
        empty_text="No notice is being delivered.",
    )


@register_card("notices-failed-deliveries", groups=PUBLISHERS, order=50)
def notices_with_failed_deliveries(user, *, today):
    return card_from_queryset(
        _with_deliveries(NoticeDelivery.Status.FAILED),
        title="Failed deliveries",
        row=lambda notice: _notice_row(notice, f"Published {_moment(notice.published_at)}", urgent=True),
        list_url=_list_url(NoticeStatus.PUBLISHED),
        list_label="All published notices",
        empty_text="No notice delivery has failed.",
    )
