"""The portal's "Dispute deadlines" page: the deadline radar of the MP chosen in this session."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.views.generic import TemplateView

from accounts.portal_session import RegisteredParticipantMixin
from ercot_services.core.permissions import ParticipantRequiredMixin

from ...selectors.radar import participant_radar

PAGE_SIZE = 25
# The portal home card lists this many windows (the page has the rest).
CARD_WINDOWS = 3


class DisputeDeadlinesView(ParticipantRequiredMixin, RegisteredParticipantMixin, TemplateView):
    template_name = "portal/cases/deadlines.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        radar = participant_radar(participant=self.participant, user=self.request.user)
        only_marked = self.request.GET.get("show") == "marked"
        windows = radar.marked if only_marked else radar.windows
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            participant=self.participant,
            radar=radar,
            only_marked=only_marked,
            marked_count=len(radar.marked),
            page_obj=Paginator(windows, PAGE_SIZE).get_page(self.request.GET.get("page")),
            querystring=query.urlencode(),
            reminder_days=settings.DISPUTE_REMINDER_BUSINESS_DAYS,
        )
        return context


def portal_deadlines_card_context(user, participant) -> dict:
    """The portal home card: how many windows are open, how many close soon, the first few, and the offers."""
    radar = participant_radar(participant=participant, user=user)
    soon = settings.DISPUTE_REMINDER_BUSINESS_DAYS
    return {
        "radar": radar,
        "open_count": len(radar.windows),
        "soon_count": len(radar.closing_within(soon)),
        "soon_days": soon,
        "first_windows": radar.windows[:CARD_WINDOWS],
        "offers": radar.offers[:CARD_WINDOWS],
        "participant": participant,
    }
