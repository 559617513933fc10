"""``{% portal_plan_card %}``: the "Working with your Account Manager" card of the portal home page (two queries)."""

from django import template
from django.db.models import Count
from django.utils import timezone

from ..models import ACTION_ITEM_OPEN_STATUSES, MeetingStatus, overdue_action_items_q
from ..selectors import portal_action_items, portal_meetings

register = template.Library()


@register.inclusion_tag("portal/plan/_home_card.html", takes_context=True)
def portal_plan_card(context):
    request = context.get("request")
    participant = context.get("participant")
    if request is None or participant is None or not request.user.is_authenticated or request.user.is_staff:
        return {"show": False}
    return portal_plan_card_context(request.user, participant)


def portal_plan_card_context(user, participant) -> dict:
    now = timezone.now()
    next_meeting = (
        portal_meetings(user=user, participant=participant)
        .filter(status=MeetingStatus.SCHEDULED, ends_at__gte=now)
        .prefetch_related(None)
        .order_by("starts_at", "pk")
        .first()
    )
    today = timezone.localdate()
    open_items = portal_action_items(user=user, participant=participant).filter(status__in=ACTION_ITEM_OPEN_STATUSES)
    counts = open_items.order_by().aggregate(
        open=Count("pk"), overdue=Count("pk", filter=overdue_action_items_q(today))
    )
    return {"show": True, "next_meeting": next_meeting, "counts": counts, "now": now}
