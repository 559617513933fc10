"""``{% dispute_decision_portal case %}`` and ``{% dispute_decision_staff case %}``: the decision loop's card on the
portal and workspace case pages (the decision, the window's last day, the answers, ADR)."""

from django import template
from django.utils import timezone

from .. import policies
from ..forms.decisions import MarketEffectForm
from ..models import CaseKind, DisputeDecision

register = template.Library()


def _decision(case) -> DisputeDecision | None:
    if case.kind != CaseKind.DISPUTE:
        return None
    return DisputeDecision.objects.filter(case=case).first()


@register.inclusion_tag("portal/cases/_decision.html", takes_context=True)
def dispute_decision_portal(context, case):
    decision = _decision(case)
    request = context.get("request")
    today = timezone.localdate()
    awaiting = decision is not None and decision.is_awaiting
    return {
        "case": case,
        "decision": decision,
        "can_answer": awaiting
        and decision.respond_by >= today
        and request is not None
        and policies.can_answer_decision(request.user, case),
        "window_passed": awaiting and decision.respond_by < today,
    }


@register.inclusion_tag("workspace/cases/_decision.html", takes_context=True)
def dispute_decision_staff(context, case):
    decision = _decision(case)
    request = context.get("request")
    user = request.user if request is not None else None
    return {
        "case": case,
        "decision": decision,
        "dispute": getattr(case, "dispute", None),
        "can_record": user is not None and policies.can_resolve_dispute(user, case),
        "market_effect_form": MarketEffectForm(
            initial={"market_wide_effect": decision.market_wide_effect if decision else False}
        ),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
