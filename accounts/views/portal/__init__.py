"""Portal (participants) pages: the chosen MP's home with its Account Manager, its company page and the MP switch."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from ercot_services.core.permissions import ParticipantRequiredMixin

from ... import selectors
from ...portal_home import portal_home_cards
from ...portal_session import choose_participant, current_participant


class PortalHomeView(ParticipantRequiredMixin, TemplateView):
    """Answers "who is my Account Manager and how do I reach them" for the chosen MP."""

    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        participant = current_participant(self.request)
        context = super().get_context_data(**kwargs)
        context["participant"] = participant
        context["memberships"] = selectors.memberships_for_user(self.request.user)
        if participant is not None:
            context["account_manager"] = selectors.current_manager(participant)
            context["memberships"] = list(context["memberships"])
            context["my_roles"] = [m for m in context["memberships"] if m.participant_id == participant.pk]
            context["role_codes"] = participant.role_codes()
            # The cards other apps register (registration, qualification, cases, plan), computed here.
            context["cards"] = portal_home_cards(self.request, participant)
        return context


class PortalCompanyView(ParticipantRequiredMixin, TemplateView):
    """The MP's registered details and its contacts, as the participant sees them."""

    template_name = "portal/company.html"

    def get_context_data(self, **kwargs):
        participant = selectors.participant_get_for_user(self.request.user, self.kwargs["pk"])
        context = super().get_context_data(**kwargs)
        context["participant"] = participant
        context["contacts"] = selectors.participant_contacts(participant)
        context["account_manager"] = selectors.current_manager(participant)
        return context


class PortalSwitchView(ParticipantRequiredMixin, View):
    """Switch the MP this session works for; an MP the user does not belong to is a 404."""

    def post(self, request, pk):
        participant = selectors.participant_get_for_user(request.user, pk)
        choose_participant(request, participant)
        messages.success(request, f"You are now working for {participant.legal_name}.")
        return redirect("portal:home")
