"""Market notice metrics: notices published and how their deliveries went (the AM filter does not apply)."""

from __future__ import annotations

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
)

from ercot_services.core.metrics import (
    MetricsFilter,
    ratio,
)

from ..models import Notice, NoticeDelivery, NoticeStatus, Suppression


def notice_rows(f: MetricsFilter) -> list[dict]:
    """Notices published in the range by type (market-wide: the AM filter does not apply)."""
    return list(
        Notice.objects.filter(f.in_range("published_at"), status=NoticeStatus.PUBLISHED)
        .values("notice_type__name", "notice_type__slug")
        .annotate(count=Count("pk"))
        .order_by("-count", "notice_type__name")
    )


def delivery_stats(f: MetricsFilter) -> dict:
    """Emails of the notices published in the range: delivered, bounced (hard bounce after sending), failed, pending."""
    bounced = Exists(
        Suppression.objects.filter(
            email=OuterRef("email"), reason=Suppression.Reason.HARD_BOUNCE, created_at__gte=OuterRef("sent_at")
        )
    )
    sent = Q(status=NoticeDelivery.Status.SENT)
    stats = NoticeDelivery.objects.filter(
        notice__in=Notice.objects.filter(f.in_range("published_at"), status=NoticeStatus.PUBLISHED)
    ).aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=sent),
        bounced=Count("pk", filter=sent & Q(bounced)),
        failed=Count("pk", filter=Q(status=NoticeDelivery.Status.FAILED)),
        pending=Count("pk", filter=Q(status__in=[NoticeDelivery.Status.PENDING, NoticeDelivery.Status.CLAIMED])),
    )
    stats["delivered"] = stats["sent"] - stats["bounced"]
    stats["finished"] = stats["sent"] + stats["failed"]
    stats["success"] = ratio(stats["delivered"], stats["finished"])
    return stats
