"""What the case pages show of a dispute's decision loop, read in the view (templates run no query)."""

from __future__ import annotations

from django.utils import timezone

from .. import policies
from ..forms.staff.decisions import MarketEffectForm
from ..models import Case, CaseKind, DisputeDecision


def case_decision(case: Case) -> DisputeDecision | None:
    if case.kind != CaseKind.DISPUTE:
        return None
    return DisputeDecision.objects.select_related("answered_by").filter(case=case).first()


def portal_decision_context(case: Case, user) -> dict:
    """The portal case page's decision card: the decision, whether this user may answer it now, or that the window
    has passed."""
    decision = case_decision(case)
    awaiting = decision is not None and decision.is_awaiting
    open_now = awaiting and decision.respond_by >= timezone.localdate()
    return {
        "decision": decision,
        "decision_can_answer": open_now and policies.can_answer_decision(user, case),
        "decision_window_passed": awaiting and not open_now,
    }


def staff_decision_context(case: Case, user) -> dict:
    """The workspace case page's decision card: the decision, and the forms of those who resolve disputes."""
    decision = case_decision(case)
    return {
        "decision": decision,
        "decision_can_record": decision is not None and policies.can_resolve_dispute(user, case),
        "market_effect_form": MarketEffectForm(
            initial={"market_wide_effect": bool(decision and decision.market_wide_effect)}
        ),
    }
