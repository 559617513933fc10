"""``{% registration_home_card %}``: the "Registration" card of the portal home page."""

from django import template

from registration.models import INITIAL_STATUSES, ApplicationKind, start_offered
from registration.selectors import application_summary

register = template.Library()


@register.inclusion_tag("portal/registration/_home_card_body.html", takes_context=True)
def registration_home_card(context):
    request = context.get("request")
    participant = context.get("participant")
    if request is None or participant is None or not request.user.is_authenticated or request.user.is_staff:
        return {"summary": None}
    return registration_home_card_context(request.user, participant)


def registration_home_card_context(user, participant) -> dict:
    summary = application_summary(participant)
    has_initial = any(a.kind == ApplicationKind.INITIAL for a in summary["active"])
    return {
        "summary": summary,
        "participant": participant,
        "can_start_initial": start_offered(participant, ApplicationKind.INITIAL, initial_under_way=has_initial),
        "unregistered": participant.status in INITIAL_STATUSES,
        "can_start_revision": start_offered(participant, ApplicationKind.REVISION),
    }
