"""Workspace pages that start a market notice draft from the cases side: a market incident (and, in time, other
sources). The draft is prefilled by a ``notices.services.from_*`` service and then goes through the usual four-eyes
review; cases never imports notices, it links here by URL name."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View

from cases.models import Incident
from ercot_services.core.models import DomainError

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
