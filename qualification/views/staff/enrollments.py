"""Enrolling an MP in a flight, the enrollment page and the actions posted from it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.views import View

from ercot_services.core.actions import ActionView, add_domain_error
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import StaffRequiredMixin

from ... import selectors
from ...forms.staff import EnrollmentForm, IssueLetterForm, ResultForm, WithdrawForm
from ...models import NO_LETTER_REASONS, ChangeKind, Flight, ParticipantKind
from ...services.enrollments import (
    enrollment_create,
    enrollment_from_application,
    enrollment_start_testing,
    enrollment_withdraw,
)
from ...services.letters import enrollment_record_without_letter, letter_issue
from ...services.results import result_hand_over, result_record
from .common import FLIGHT_ADMIN_ONLY, RETAIL_OPS_ONLY, can_enroll, is_flight_administrator, is_retail_operations
from .enrollment_page import enrollment_page


class EnrollmentCreateView(StaffRequiredMixin, ActionView):
    """Enroll an MP in a flight, by hand or from an approved registration; late only with a Flight
    Administrator's recorded reason (the service refuses otherwise and says which deadline passed)."""

    template_name = "workspace/qualification/enrollment_new.html"
    form_class = EnrollmentForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_staff and not can_enroll(request.user):
            raise PermissionDenied("Enrolling MPs in flights is for the Flight Administrator and Retail Operations.")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {"show_override": is_flight_administrator(self.request.user)}

    def get_initial(self):
        initial, query = {}, self.request.GET
        flight_name = query.get("flight", "")
        if flight_name:
            flight = Flight.objects.filter(name=flight_name).first()
            if flight is not None:
                initial["flight"] = flight.pk
        for name in ("participant", "application"):
            value = query.get(name, "")
            if value.isdigit():
                initial[name] = int(value)
        return initial

    def get_context(self, form):
        flight_id = form["flight"].value()
        back_flight = Flight.objects.filter(pk=flight_id).first() if str(flight_id or "").isdigit() else None
        return {
            "back_flight": back_flight,
            "is_flight_administrator": is_flight_administrator(self.request.user),
            "section": "flights",
        }

    def perform(self, form):
        data, user = form.cleaned_data, self.request.user
        if data["from_application"]:
            return enrollment_from_application(
                actor=user,
                application=data["application"],
                flight=data["flight"],
                override_reason=data.get("override_reason", ""),
            )
        return [
            enrollment_create(
                actor=user,
                flight=data["flight"],
                participant=data["participant"],
                participant_kind=data["participant_kind"],
                change_kind=data["change_kind"],
                application=data["application"],
                override_reason=data.get("override_reason", ""),
            )
        ]

    def get_success_message(self, form):
        enrollments = self.result
        first = enrollments[0]
        what = ", ".join(e.get_change_kind_display().lower() for e in enrollments)
        text = f"{first.participant.short_name} is enrolled in {first.flight} ({what})."
        if first.late_override_reason:
            text += " Enrolled after the deadline; your reason is recorded."
        return text

    def get_success_url(self):
        first = self.result[0]
        return first.flight.get_absolute_url() if len(self.result) > 1 else first.get_absolute_url()


class EnrollmentDetailView(StaffRequiredMixin, View):
    def get(self, request, pk):
        return enrollment_page(request, selectors.enrollment_get_for_staff(pk))


class EnrollmentActionView(StaffRequiredMixin, View):
    """POST one action of the enrollment page (``<action>`` in the URL): success redirects with a message,
    a refusal re-renders the page (400) with the reason next to the form and what was typed kept."""

    # action slug → (method name, who may, what others are told)
    ACTIONS = {
        "start-testing": ("start_testing", is_flight_administrator, FLIGHT_ADMIN_ONLY),
        "result": ("result", is_flight_administrator, FLIGHT_ADMIN_ONLY),
        "hand-over": ("hand_over", is_flight_administrator, FLIGHT_ADMIN_ONLY),
        "withdraw": ("withdraw", is_flight_administrator, "Only a Flight Administrator withdraws an enrollment."),
        "issue-letter": ("issue_letter", is_retail_operations, RETAIL_OPS_ONLY),
        "record-no-letter": ("record_no_letter", is_retail_operations, RETAIL_OPS_ONLY),
    }

    def _action(self, action):
        if action not in self.ACTIONS:
            raise Http404("No such action.")
        return self.ACTIONS[action]

    def get(self, request, pk, action):
        self._action(action)
        return redirect("workspace:enrollment-detail", pk=pk)

    def post(self, request, pk, action):
        method, allowed, refusal = self._action(action)
        if not allowed(request.user):
            raise PermissionDenied(refusal)
        enrollment = selectors.enrollment_get_for_staff(pk)
        return getattr(self, method)(request, enrollment)

    # Each action: call the service; on DomainError re-render with the error where the form is.

    def _done(self, request, enrollment, text, anchor=""):
        messages.success(request, text)
        return redirect(enrollment.get_absolute_url() + anchor)

    def _refused(self, request, enrollment, section, error, **forms):
        if not forms:
            forms = {"action_error": str(error)}
        return enrollment_page(request, enrollment, status=400, error_section=section, **forms)

    def start_testing(self, request, enrollment):
        try:
            enrollment_start_testing(actor=request.user, enrollment=enrollment)
        except DomainError as error:
            return self._refused(request, enrollment, "testing", error)
        return self._done(
            request, enrollment, f"{enrollment.participant.short_name} is now testing in {enrollment.flight}."
        )

    def result(self, request, enrollment):
        form = ResultForm(request.POST, enrollment=enrollment, partners=selectors.trading_partner_tdsps(enrollment))
        if form.is_valid():
            data = form.cleaned_data
            completed = data["outcome"] == ResultForm.COMPLETED
            try:
                result_record(
                    actor=request.user,
                    enrollment=enrollment,
                    completed=completed,
                    trading_partners=data["trading_partners"],
                    business_functions=data["business_functions"],
                    tested_on=data["tested_on"],
                    notes=data["notes"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                if completed:
                    text = (
                        f"Result recorded: {enrollment.participant.short_name} completed testing with "
                        f"{len(data['trading_partners'])} trading partner(s). Hand it over to Retail Operations when ready."
                    )
                else:
                    text = f"Result recorded: {enrollment.participant.short_name} failed testing."
                return self._done(request, enrollment, text, "#testing")
        return enrollment_page(request, enrollment, status=400, error_section="testing", result_form=form)

    def hand_over(self, request, enrollment):
        try:
            result_hand_over(actor=request.user, enrollment=enrollment)
        except DomainError as error:
            return self._refused(request, enrollment, "testing", error)
        return self._done(
            request,
            enrollment,
            f"Handed over to Retail Operations: {enrollment.participant.short_name} is in their queue and they were emailed.",
        )

    def withdraw(self, request, enrollment):
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                enrollment_withdraw(actor=request.user, enrollment=enrollment, reason=form.cleaned_data["reason"])
            except DomainError as error:
                add_domain_error(form, error)
            else:
                return self._done(
                    request, enrollment, f"{enrollment.participant.short_name} was withdrawn from {enrollment.flight}."
                )
        return enrollment_page(request, enrollment, status=400, error_section="withdraw", withdraw_form=form)

    def issue_letter(self, request, enrollment):
        form = IssueLetterForm(request.POST)
        if form.is_valid():
            try:
                letter = letter_issue(
                    actor=request.user, enrollment=enrollment, effective_date=form.cleaned_data["effective_date"]
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                count = letter.deliveries.count()
                text = f"Letter {letter.number} generated and queued to {count} recipient{'s' if count != 1 else ''}."
                if enrollment.participant_kind == ParticipantKind.NEW:
                    text += (
                        " A production certificate was requested and the MP asked to update its production "
                        "connectivity specifications; its AR or BAR then submits the connectivity testing ticket."
                    )
                return self._done(request, enrollment, text, "#letter")
        return enrollment_page(request, enrollment, status=400, error_section="letter", issue_form=form)

    def record_no_letter(self, request, enrollment):
        try:
            enrollment_record_without_letter(actor=request.user, enrollment=enrollment)
        except DomainError as error:
            return self._refused(request, enrollment, "letter", error)
        text = f"Recorded without a letter: {NO_LETTER_REASONS.get(enrollment.change_kind, '')}"
        if enrollment.change_kind == ChangeKind.SERVICE_PROVIDER:
            text += (
                " The MP was asked to update its production connectivity specifications; its AR or BAR then submits "
                "the connectivity testing ticket."
            )
        return self._done(request, enrollment, text)
