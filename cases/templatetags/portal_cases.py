"""``{% portal_cases_card %}``: the "Your cases" card of the portal home page."""

from django import template

from ..selectors.portal import portal_case_summary

register = template.Library()


@register.inclusion_tag("portal/cases/_home_card.html", takes_context=True)
def portal_cases_card(context):
    request = context.get("request")
    participant = context.get("participant")
    if request is None or participant is None or not request.user.is_authenticated or request.user.is_staff:
        return {"summary": None}
    return portal_cases_card_context(request.user, participant)


def portal_cases_card_context(user, participant) -> dict:
    return {"summary": portal_case_summary(user=user, participant=participant), "participant": participant}
