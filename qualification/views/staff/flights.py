"""Flights: the list, creating one, and a flight's board of enrollments."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.views.generic import TemplateView

from ercot_services.core.actions import ActionView
from ercot_services.core.permissions import StaffRequiredMixin

from ... import policies, selectors
from ...forms.staff import FlightForm
from ...services.flights import flight_create
from .common import can_enroll


class FlightListView(StaffRequiredMixin, TemplateView):
    """Current and past flights with their dates, deadlines, status and enrollments by status."""

    template_name = "workspace/qualification/flights.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        flights = selectors.flight_list()
        context.update(
            current=flights["current"],
            past=flights["past"],
            columns=selectors.BOARD_COLUMNS,
            can_create=policies.can_create_flight(self.request.user),
            today=timezone.localdate(),
            section="flights",
        )
        return context


class FlightCreateView(StaffRequiredMixin, ActionView):
    template_name = "workspace/qualification/flight_new.html"
    form_class = FlightForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_staff and not policies.can_create_flight(request.user):
            raise PermissionDenied("Only a Flight Administrator creates flights.")
        return super().dispatch(request, *args, **kwargs)

    def get_context(self, form):
        return {"section": "flights"}

    def perform(self, form):
        return flight_create(actor=self.request.user, **form.cleaned_data)

    def get_success_message(self, form):
        flight = self.result
        return (
            f"{flight} created: it starts {flight.start_date:%B %d, %Y}; enrollment closes "
            f"{flight.application_deadline:%B %d, %Y}."
        )

    def get_success_url(self):
        return self.result.get_absolute_url()


class FlightBoardView(StaffRequiredMixin, TemplateView):
    """A flight's enrollments as cards in status columns."""

    template_name = "workspace/qualification/board.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        flight = selectors.flight_get(kwargs["name"])
        columns = selectors.flight_board(flight)
        today = timezone.localdate()
        context.update(
            flight=flight,
            columns=columns,
            total=sum(len(c.cards) for c in columns),
            can_enroll=can_enroll(self.request.user),
            enrollment_closed=today > flight.application_deadline,
            today=today,
            section="flights",
        )
        return context
