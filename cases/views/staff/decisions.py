"""Workspace actions of the dispute decision loop: record ADR, mark a market-wide financial effect
(``cases.services.decisions``); Account Managers and the Client Services Lead only (they resolve disputes)."""

from __future__ import annotations

from django.shortcuts import redirect

from ercot_services.core.actions import ActionView
from ercot_services.core.permissions import StaffRequiredMixin

from ... import policies
from ...forms.staff.decisions import AdrForm, MarketEffectForm
from ...models import DisputeDecision
from ...selectors import cases as case_selectors
from ...services.adr import AdrInput, adr_record, decision_market_effect_set


class _DecisionStaffView(StaffRequiredMixin, ActionView):
    action_permission_required = policies.RESOLVE_DISPUTE
    template_name = "workspace/cases/decision_form.html"
    title = ""

    def get_object(self):
        return case_selectors.case_get_for_staff(self.kwargs["reference"])

    def _load_object(self):
        super()._load_object()
        self.decision = DisputeDecision.objects.filter(case=self.object).first()

    def get_context(self, form):
        return {"case": self.object, "decision": self.decision, "title": self.title}

    def get_success_url(self):
        return self.object.get_absolute_url() + "#decision"


class AdrRecordView(_DecisionStaffView):
    form_class = AdrForm
    title = "Alternative dispute resolution"

    def get(self, request, *args, **kwargs):
        self._load_object()
        if self.decision is None or not self.decision.in_adr:
            return redirect(self.object.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        d = self.decision
        return {
            "state": d.state,
            "requested_on": d.adr_requested_on,
            "started_on": d.adr_started_on,
            "concluded_on": d.adr_concluded_on,
            "outcome": d.adr_outcome,
            "amount": d.adr_amount,
            "explanation": d.adr_explanation,
        }

    def perform(self, form):
        data = form.cleaned_data
        return adr_record(
            actor=self.request.user,
            case=self.object,
            adr=AdrInput(
                state=data["state"],
                requested_on=data["requested_on"],
                started_on=data["started_on"],
                concluded_on=data["concluded_on"],
                outcome=data["outcome"],
                amount=data["amount"],
                explanation=data["explanation"],
            ),
        )

    def get_success_message(self, form):
        return f"ADR of {self.object.reference}: {self.result.get_state_display()}."


class MarketEffectView(_DecisionStaffView):
    form_class = MarketEffectForm
    title = "Market-wide financial effect"

    def get(self, request, *args, **kwargs):
        return redirect(self.get_object().get_absolute_url())

    def perform(self, form):
        return decision_market_effect_set(
            actor=self.request.user, case=self.object, market_wide_effect=form.cleaned_data["market_wide_effect"]
        )

    def get_success_message(self, form):
        if self.result.market_wide_effect:
            return f"{self.object.reference} is marked as having a market-wide financial effect."
        return f"{self.object.reference} is no longer marked as having a market-wide financial effect."
