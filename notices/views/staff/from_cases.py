"""Workspace pages that start a market notice draft from the cases side: a granted dispute with a market-wide
financial effect, or a market incident. The draft is prefilled by a ``notices.services.from_*`` service and then goes through the usual four-eyes
review; cases never imports notices, it links here by URL name."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View

from cases.models import CaseKind, DisputeDecision, Incident
from cases.selectors.cases import case_get_for_staff
from ercot_services.core.actions import ActionView
from ercot_services.core.models import DomainError

from ...forms.staff import NoticeFromDisputeForm
from ...services.from_dispute import may_draft_from_dispute, notice_draft_from_dispute
from ...services.from_incident import notice_draft_from_incident
from .pages import PublisherRequiredMixin


class NoticeFromIncidentView(PublisherRequiredMixin, View):
    """POST: a draft prefilled from the incident, then its edit page; GET goes back to the incident."""

    def get(self, request, pk):
        return redirect("workspace:incident-detail", pk=pk)

    def post(self, request, pk):
        incident = get_object_or_404(Incident, pk=pk)
        try:
            notice = notice_draft_from_incident(actor=request.user, incident=incident)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("workspace:incident-detail", pk=pk)
        messages.success(
            request, "Draft market notice created from the incident. Check the wording, then submit it for review."
        )
        return redirect(reverse("workspace:notice-edit", args=[notice.pk]))


class NoticeFromDisputeView(PublisherRequiredMixin, ActionView):
    """Draft a Settlements notice from a granted dispute with a market-wide financial effect
    (``notices.services.from_dispute``); the draft opens for editing, then goes through the four-eyes review."""

    template_name = "workspace/notices/from_dispute.html"
    form_class = NoticeFromDisputeForm

    def get_object(self):
        return case_get_for_staff(self.kwargs["reference"])

    def get_context(self, form):
        case = self.object
        decision = DisputeDecision.objects.filter(case=case).first()
        outcome = case.dispute.outcome if case.kind == CaseKind.DISPUTE else ""
        return {"case": case, "may_draft": may_draft_from_dispute(self.request.user, case, decision, outcome)}

    def perform(self, form):
        return notice_draft_from_dispute(actor=self.request.user, case=self.object)

    def get_success_message(self, form):
        return f"Draft notice created from {self.object.reference}, without the participant's name. Check it, then submit it for review."

    def get_success_url(self):
        return reverse("workspace:notice-edit", args=[self.result.pk])
