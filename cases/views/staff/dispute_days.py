"""Workspace: deciding a multi-day dispute day by day (``dispute_days_resolve``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ercot_services.core.actions import ActionView, Confirmation
from ercot_services.core.permissions import StaffRequiredMixin

from ... import policies
from ...confirmations import dispute_low_grant_consequence
from ...forms.staff.dispute_days import DisputeDaysResolveForm
from ...models import CASE_TRANSITIONS, CaseKind, CaseStatus
from ...selectors import cases as case_selectors
from ...selectors.dispute_days import dispute_days_of
from ...services.dispute_day_outcomes import dispute_days_resolve


class DisputeDaysResolveView(StaffRequiredMixin, ActionView):
    """Each Operating Day Granted (with its amount) or Denied; the dispute's outcome and total follow."""

    action_permission_required = policies.RESOLVE_DISPUTE
    template_name = "workspace/cases/resolve_days.html"
    form_class = DisputeDaysResolveForm

    def get_object(self):
        case = case_selectors.case_get_for_staff(self.kwargs["reference"])
        if case.kind != CaseKind.DISPUTE:
            raise Http404("Not a dispute.")
        if not policies.can_resolve_dispute(self.request.user, case):
            raise PermissionDenied("Only Account Managers and the Client Services Lead resolve disputes.")
        self.days = dispute_days_of(case)
        return case

    def get_form_kwargs(self):
        return {"days": self.days}

    def get_context(self, form):
        return {
            "case": self.object,
            "days": self.days,
            "dispute": case_selectors.case_dispute(self.object),
            "can_resolve": CaseStatus.RESOLVED in CASE_TRANSITIONS.get(self.object.status, frozenset()),
            "confirmation": self.confirmation,
        }

    def get_confirmation(self, form):
        outcome, total = form.preview()
        message = dispute_low_grant_consequence(self.object, outcome=outcome, granted_amount=total)
        return Confirmation(message, f"Yes, grant ${total:,.2f}") if message else None

    def perform(self, form):
        return dispute_days_resolve(
            actor=self.request.user,
            case=self.object,
            decisions=form.decisions(),
            outcome_explanation=form.cleaned_data["outcome_explanation"],
            reason=form.cleaned_data["reason"],
        )

    def get_success_message(self, form):
        return f"{self.result.reference} is resolved: {self.result.dispute.get_outcome_display()}."

    def get_success_url(self):
        return self.result.get_absolute_url()
