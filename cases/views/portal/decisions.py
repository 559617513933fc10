"""The participant accepts or rejects a dispute decision (``cases.services.decisions``).

The case is found inside the user's tenant scope (another MP's case is a 404); a refusal (the window passed, nothing
to answer) is shown on the form with status 400.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect

from ercot_services.core.actions import ActionView, Confirmation
from ercot_services.core.permissions import ParticipantRequiredMixin

from ...forms.portal.decisions import AcceptDecisionForm, RejectDecisionForm
from ...models import DisputeDecision
from ...selectors import portal as case_selectors
from ...services.decisions import decision_accept, decision_reject


class _DecisionAnswerView(ParticipantRequiredMixin, ActionView):
    def get_object(self):
        return case_selectors.portal_case_get(user=self.request.user, reference=self.kwargs["reference"])

    def get(self, request, *args, **kwargs):
        self._load_object()
        if self.decision is None or not self.decision.is_awaiting:
            messages.info(request, f"{self.object.reference} has no decision awaiting your answer.")
            return redirect(self.object.get_portal_url())
        return super().get(request, *args, **kwargs)

    def _load_object(self):
        super()._load_object()
        self.decision = DisputeDecision.objects.filter(case=self.object).first()

    def get_context(self, form):
        return {"case": self.object, "dispute": getattr(self.object, "dispute", None), "decision": self.decision}

    def get_success_url(self):
        return self.object.get_portal_url()


class DecisionAcceptView(_DecisionAnswerView):
    template_name = "portal/cases/decision_accept.html"
    form_class = AcceptDecisionForm

    def perform(self, form):
        return decision_accept(actor=self.request.user, case=self.object)

    def get_success_message(self, form):
        return f"You accepted the decision on {self.object.reference}; the dispute is closed."


class DecisionRejectView(_DecisionAnswerView):
    template_name = "portal/cases/decision_reject.html"
    form_class = RejectDecisionForm

    def get_confirmation(self, form):
        if self.decision is not None and self.decision.rejection_goes_to_adr:
            return Confirmation(
                f"This is your second rejection of a decision on {self.object.reference}: the dispute goes to "
                "alternative dispute resolution (ADR), and Client Services makes no new decision. Continue?",
                "Yes, reject and go to ADR",
            )
        return Confirmation(
            f"Rejecting sends {self.object.reference} back to Client Services for a new decision. If you reject the "
            "new decision too, the dispute goes to alternative dispute resolution (ADR). Continue?",
            "Yes, reject the decision",
        )

    def perform(self, form):
        return decision_reject(
            actor=self.request.user,
            case=self.object,
            reason=form.cleaned_data["reason"],
            attachments=form.cleaned_data["attachments"],
        )

    def get_success_message(self, form):
        if self.result.in_adr:
            return f"You rejected the decision again: {self.object.reference} goes to alternative dispute resolution."
        return f"You rejected the decision: {self.object.reference} is back with Client Services for a new decision."
