"""``{% may_draft_notice_from_dispute user case as may_draft %}``: whether the case page links "Draft a market
notice" (the rule lives in ``notices.services.from_dispute``; cases templates ask here, cases code never imports
notices)."""

from django import template

from ..services.from_dispute import may_draft_from_dispute

register = template.Library()


@register.simple_tag
def may_draft_notice_from_dispute(user, case) -> bool:
    return bool(user and user.is_authenticated and may_draft_from_dispute(user, case))
