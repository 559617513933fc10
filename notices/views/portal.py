"""Portal pages for notices: the MP's inbox with acknowledgements, and the user's list memberships.

Scoping: the inbox is the notices whose audience includes one of the current MP's roles (or that have
no audience); acknowledgements shown are the current MP's only; acknowledging for an MP the user is
not a contact of, or a notice outside that MP's inbox, is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from accounts.portal_session import CurrentParticipantMixin
from accounts.selectors import participants_for_user
from ercot_services.core.actions import safe_next_url
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import ParticipantRequiredMixin

from .. import selectors
from ..models import DistributionList
from ..services.acknowledgements import notice_acknowledge
from ..services.preferences import contact_list_opt_out_set

PAGE_SIZE = 25


class InboxView(ParticipantRequiredMixin, CurrentParticipantMixin, View):
    def get(self, request):
        action_only = request.GET.get("action") == "1"
        notices = selectors.inbox_notices(self.participant, action_only=action_only)
        page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "portal/notices/inbox.html",
            {
                "participant": self.participant,
                "page_obj": page,
                "action_only": action_only,
                "unacknowledged": selectors.inbox_unacknowledged_count(self.participant),
            },
        )


class AcknowledgeView(ParticipantRequiredMixin, CurrentParticipantMixin, View):
    """POST only: the current MP (or the MP named in ``participant``, if the user is its contact) acknowledges."""

    def post(self, request, notice_id):
        participant = self.participant
        if request.POST.get("participant"):
            try:
                participant = get_object_or_404(
                    participants_for_user(request.user), pk=int(request.POST["participant"])
                )
            except ValueError as error:
                raise Http404 from error
        notice = get_object_or_404(selectors.inbox_notices(participant), notice_id=notice_id)
        try:
            ack = notice_acknowledge(actor=request.user, notice=notice, participant=participant)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"{participant.short_name} acknowledged {notice.notice_id} ({ack.user} on {timezone.localtime(ack.acknowledged_at):%b %d, %Y %H:%M}).",
            )
        return redirect(safe_next_url(request, reverse("portal:notices"), under="/portal/"))


class SubscriptionsView(ParticipantRequiredMixin, CurrentParticipantMixin, View):
    """The user's lists by contact role (opt out / back in) and their public subscriptions."""

    def get(self, request):
        return render(
            request,
            "portal/notices/subscriptions.html",
            {
                "participant": self.participant,
                "role_lists": selectors.user_role_lists(request.user),
                "subscriptions": selectors.subscriptions_for_email(request.user.email),
                "preferences_url": selectors.preferences_url(request.user.email, absolute=False),
            },
        )

    def post(self, request):
        dl = get_object_or_404(DistributionList, pk=request.POST.get("list") or 0)
        mine = {item.distribution_list.pk for item in selectors.user_role_lists(request.user)}
        if dl.pk not in mine:
            raise Http404("You do not belong to this list by a contact role.")
        action = request.POST.get("action")
        if action not in ("opt-out", "opt-in"):
            raise Http404
        changes = contact_list_opt_out_set(
            actor=request.user, email=request.user.email, distribution_list=dl, opted_out=action == "opt-out"
        )
        if changes:
            messages.success(request, f"You {changes[0]}.")
        return redirect("portal:notice-subscriptions")
