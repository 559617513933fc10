"""``{% may_draft_notice_from_dispute user case decision dispute as may_draft %}``: whether the case page links "Draft a market
notice" (the rule lives in ``notices.services.from_dispute``; cases templates ask here, cases code never imports
notices)."""

from django import template

from ..services.from_dispute import may_draft_from_dispute

register = template.Library()


@register.simple_tag
def may_draft_notice_from_dispute(user, case, decision, dispute) -> bool:
    """Reads what the view loaded (the case page's decision and dispute): no query."""
    outcome = getattr(dispute, "outcome", "")
    return bool(user and user.is_authenticated and may_draft_from_dispute(user, case, decision, outcome))
