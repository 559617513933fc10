"""Workspace (staff) qualification pages (seed 004): flights and their board, enrolling an MP, the
enrollment page and its actions, the Retail Operations queue and the letter delivery report.

Who does what follows the seed: the Flight Administrator records results and hands them to Retail
Operations; Retail Operations (or the Client Services Lead) checks the criteria, issues letters,
records changes that produce none, resends deliveries and follows certificates and connectivity.

Views stay thin: they read through ``qualification.selectors``, write through
``qualification.services``, and turn a ``DomainError`` into a form error shown on the page
(status 400) with what was typed kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from ercot_services.core.actions import ActionView, safe_next_url
from ercot_services.core.csv import csv_response
from ercot_services.core.downloads import private_file_response
from ercot_services.core.models import AuditEvent, DomainError
from ercot_services.core.permissions import StaffRequiredMixin

from .. import policies, selectors
from ..forms.staff import (
    CertificateAdvanceForm,
    ConnectivityRecordForm,
    ConnectivityTicketOnBehalfForm,
    EnrollmentForm,
    FlightForm,
    IssueLetterForm,
    ResultForm,
    WithdrawForm,
)
from ..models import (
    CERTIFICATE_TRANSITIONS,
    NO_LETTER_REASONS,
    CertificateRequest,
    CertificateStatus,
    ChangeKind,
    ConnectivityTest,
    Enrollment,
    EnrollmentStatus,
    Flight,
    LetterDelivery,
    ParticipantKind,
    QualificationLetter,
)
from ..services.connectivity import connectivity_test_record, connectivity_ticket_draft, connectivity_ticket_submit
from ..services.enrollments import (
    enrollment_create,
    enrollment_from_application,
    enrollment_start_testing,
    enrollment_withdraw,
)
from ..services.flights import flight_create
from ..services.letters import delivery_resend, enrollment_record_without_letter, letter_issue, letter_recipients
from ..services.onboarding import certificate_advance
from ..services.results import result_hand_over, result_record

# --- who may do what ----------------------------------------------------------------------------------------

# The rules live in qualification.policies; these names are what the templates show buttons by.


def is_flight_administrator(user) -> bool:
    return policies.can_run_testing(user)


def is_retail_operations(user) -> bool:
    return policies.can_issue_letter(user)


def can_enroll(user) -> bool:
    return policies.can_enroll(user)


FLIGHT_ADMIN_ONLY = policies.FLIGHT_ADMIN_ONLY
RETAIL_OPS_ONLY = "Only Retail Operations (or the Client Services Lead) issues letters and records changes without one."


# --- flights ---------------------------------------------------------------------------------------------------


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


# --- enrolling an MP --------------------------------------------------------------------------------------------


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


# --- the enrollment page -------------------------------------------------------------------------------------------


def enrollment_page(request, enrollment: Enrollment, *, status: int = 200, error_section: str = "", **forms):
    """Render the enrollment page; an action view passes its bound form (with errors) to show it in place."""
    user = request.user
    flight_admin = is_flight_administrator(user)
    retail_ops = is_retail_operations(user)
    result = getattr(enrollment, "result", None)
    letter = getattr(enrollment, "letter", None)
    criteria = selectors.enrollment_criteria(enrollment)
    blockers = selectors.enrollment_blockers(enrollment) if enrollment.produces_letter and letter is None else []
    can_issue = (
        enrollment.produces_letter
        and letter is None
        and enrollment.status == EnrollmentStatus.HANDED_OVER
        and not blockers
    )
    recipients = []
    if enrollment.produces_letter and letter is None and result is not None and result.completed:
        recipients = letter_recipients(enrollment)
    result_editable = enrollment.status in (
        EnrollmentStatus.ENROLLED,
        EnrollmentStatus.TESTING,
        EnrollmentStatus.FAILED,
    )
    result_form = forms.get("result_form")
    if result_form is None and flight_admin and result_editable:
        result_form = ResultForm(enrollment=enrollment, partners=selectors.trading_partner_choices(enrollment))
    certificates = selectors.enrollment_certificates(enrollment)
    for certificate in certificates:
        certificate.next_statuses = [
            (s, CertificateStatus(s).label) for s in sorted(CERTIFICATE_TRANSITIONS[certificate.status])
        ]
    tests = selectors.enrollment_connectivity_tests(enrollment)
    connectivity_forms = forms.get("connectivity_forms", {})
    ticket_forms = forms.get("ticket_forms", {})
    spec = selectors.participant_connectivity_spec(enrollment.participant)
    for test in tests:
        test.record_form = connectivity_forms.get(test.pk) or ConnectivityRecordForm(prefix=f"ct{test.pk}")
        test.can_record = test.status != ConnectivityTest.Status.PASSED
        # No ticket yet: the MP's AR or BAR submits it from the portal; staff may log it on their behalf.
        test.ticket_due = test.service_request_id is None and test.can_record
        if test.ticket_due:
            subject, description = connectivity_ticket_draft(test, spec)
            test.ticket_form = ticket_forms.get(test.pk) or ConnectivityTicketOnBehalfForm(
                test=test, initial={"subject": subject, "description": description}
            )
    context = {
        "enrollment": enrollment,
        "participant": enrollment.participant,
        "flight": enrollment.flight,
        "result": result,
        "letter": letter,
        "deliveries": selectors.enrollment_deliveries(enrollment),
        "criteria": criteria,
        "criteria_met": criteria is not None and all(c.met for c in criteria),
        "blockers": blockers,
        "can_issue": can_issue,
        "recipients": recipients,
        "recipients_to": [r for r in recipients if r["kind"] == LetterDelivery.Kind.TO],
        "recipients_copy": [r for r in recipients if r["kind"] == LetterDelivery.Kind.COPY],
        "no_letter_reason": NO_LETTER_REASONS.get(enrollment.change_kind),
        "is_service_provider_change": enrollment.change_kind == ChangeKind.SERVICE_PROVIDER,
        "is_new": enrollment.participant_kind == ParticipantKind.NEW,
        "is_flight_administrator": flight_admin,
        "is_retail_operations": retail_ops,
        "can_record_connectivity": policies.can_record_connectivity(user),
        "result_editable": result_editable,
        "result_form": result_form,
        "can_start_testing": enrollment.can_move_to(EnrollmentStatus.TESTING)
        and enrollment.status == EnrollmentStatus.ENROLLED,
        "can_hand_over": enrollment.status == EnrollmentStatus.TESTING and result is not None and result.completed,
        "can_withdraw": enrollment.can_move_to(EnrollmentStatus.WITHDRAWN),
        "can_record_no_letter": not enrollment.produces_letter and enrollment.status == EnrollmentStatus.HANDED_OVER,
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "issue_form": forms.get("issue_form") or IssueLetterForm(),
        "action_error": forms.get("action_error", ""),
        "certificates": certificates,
        "connectivity_tests": tests,
        "connectivity_spec": spec,
        "timeline": AuditEvent.objects.for_object(enrollment)
        .select_related("actor")
        .order_by("-created_at", "-id")[:200],
        "error_section": error_section,
        "section": "flights",
    }
    return render(request, "workspace/qualification/enrollment.html", context, status=status)


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
        form = ResultForm(request.POST, enrollment=enrollment, partners=selectors.trading_partner_choices(enrollment))
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
                form.add_error(None, str(error))
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
                form.add_error(None, str(error))
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
                form.add_error(None, str(error))
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


# --- letters, deliveries, certificates, connectivity ------------------------------------------------------------------


class LetterDownloadView(StaffRequiredMixin, View):
    def get(self, request, pk):
        letter = get_object_or_404(QualificationLetter.objects.select_related("enrollment__participant"), pk=pk)
        return private_file_response(letter.pdf, filename=letter.filename, content_type="application/pdf")


class _RetailOperationsPostView(StaffRequiredMixin, View):
    """A POST-only action that follows a letter (``action_permission_required``), refused with ``refusal``."""

    refusal = RETAIL_OPS_ONLY

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_staff and request.method == "POST":
            if not request.user.has_perm(self.action_permission_required):
                raise PermissionDenied(self.refusal)
        return super().dispatch(request, *args, **kwargs)


class DeliveryResendView(_RetailOperationsPostView):
    action_permission_required = policies.RESEND_LETTER
    refusal = "Only Retail Operations (or the Client Services Lead) resends letters."

    def _delivery(self, pk):
        return get_object_or_404(LetterDelivery.objects.select_related("letter__enrollment"), pk=pk)

    def get(self, request, pk):
        return redirect(self._delivery(pk).letter.enrollment.get_absolute_url() + "#letter")

    def post(self, request, pk):
        delivery = self._delivery(pk)
        back = safe_next_url(request, delivery.letter.enrollment.get_absolute_url() + "#letter")
        try:
            delivery_resend(actor=request.user, delivery=delivery)
        except DomainError as error:
            messages.error(request, f"Could not resend to {delivery.email}: {error}")
        else:
            messages.success(
                request, f"Letter {delivery.letter.number} is being sent again to {delivery.name} <{delivery.email}>."
            )
        return redirect(back)


class CertificateAdvanceView(_RetailOperationsPostView):
    action_permission_required = policies.ADVANCE_CERTIFICATE
    refusal = "Only Retail Operations (or the Client Services Lead) moves a certificate request on."

    def _certificate(self, pk):
        return get_object_or_404(CertificateRequest.objects.select_related("participant", "enrollment"), pk=pk)

    def _back(self, certificate):
        if certificate.enrollment_id:
            return certificate.enrollment.get_absolute_url() + "#certificates"
        return certificate.participant.get_absolute_url()

    def get(self, request, pk):
        return redirect(self._back(self._certificate(pk)))

    def post(self, request, pk):
        certificate = self._certificate(pk)
        form = CertificateAdvanceForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose the status the certificate moves to (issued or installed).")
            return redirect(self._back(certificate))
        try:
            certificate = certificate_advance(
                actor=request.user, request=certificate, to_status=form.cleaned_data["to_status"]
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"The production certificate of {certificate.participant.short_name} is now {certificate.get_status_display().lower()}.",
            )
        return redirect(self._back(certificate))


class ConnectivityRecordView(_RetailOperationsPostView):
    action_permission_required = policies.RECORD_CONNECTIVITY
    refusal = policies.CONNECTIVITY_RECORDERS_ONLY

    def _test(self, pk):
        return get_object_or_404(ConnectivityTest.objects.select_related("participant", "enrollment"), pk=pk)

    def _back(self, test):
        if test.enrollment_id:
            return test.enrollment.get_absolute_url() + "#connectivity"
        return test.participant.get_absolute_url()

    def get(self, request, pk):
        return redirect(self._back(self._test(pk)))

    def post(self, request, pk):
        test = self._test(pk)
        form = ConnectivityRecordForm(request.POST, prefix=f"ct{test.pk}")
        if form.is_valid():
            passed = form.cleaned_data["outcome"] == ConnectivityRecordForm.PASSED
            try:
                test = connectivity_test_record(
                    actor=request.user, test=test, passed=passed, notes=form.cleaned_data["notes"]
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                text = f"Production connectivity test of {test.participant.short_name}: {test.get_status_display().lower()}."
                if passed:
                    test.participant.refresh_from_db(fields=["status"])
                    text += f" {test.participant.short_name} is {test.participant.get_status_display().lower()}."
                messages.success(request, text)
                return redirect(self._back(test))
        if test.enrollment_id:
            enrollment = selectors.enrollment_get_for_staff(test.enrollment_id)
            return enrollment_page(
                request, enrollment, status=400, error_section="connectivity", connectivity_forms={test.pk: form}
            )
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(self._back(test))


class ConnectivityTicketView(ConnectivityRecordView):
    """Log the production connectivity testing ticket on the MP's behalf (its AR or BAR asked by email or phone)."""

    refusal = "Only Retail Operations, the Lead, the Service Desk or MASS log this ticket for an MP."

    def post(self, request, pk):
        test = self._test(pk)
        form = ConnectivityTicketOnBehalfForm(request.POST, test=test)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = connectivity_ticket_submit(
                    actor=request.user,
                    test=test,
                    subject=data["subject"],
                    description=data["description"],
                    requester=data["requester"],
                    channel=data["channel"],
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"Logged {case.reference} on behalf of {case.requester_name}: in the Market Application Support "
                    "Services queue, copied to Flight Testing and MASS.",
                )
                return redirect(self._back(test))
        if test.enrollment_id:
            enrollment = selectors.enrollment_get_for_staff(test.enrollment_id)
            return enrollment_page(
                request, enrollment, status=400, error_section="connectivity", ticket_forms={test.pk: form}
            )
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(self._back(test))


# --- the Retail Operations queue and the letter report ------------------------------------------------------------------


class RetailOperationsQueueView(StaffRequiredMixin, TemplateView):
    """Handed-over results: ready for a letter, blocked by the criteria (with the reasons), record only."""

    template_name = "workspace/qualification/retail_ops_queue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queue = selectors.retail_operations_queue()
        context.update(
            ready=queue["ready"],
            blocked=queue["blocked"],
            no_letter=queue["no_letter"],
            is_retail_operations=is_retail_operations(self.request.user),
            section="retail-ops",
        )
        return context


CSV_COLUMNS = [
    "letter",
    "issued_on",
    "participant",
    "flight",
    "recipient_email",
    "recipient_name",
    "kind",
    "capacity",
    "status",
    "attempts",
    "sent_at",
    "message_id",
    "last_error",
]


class LetterReportView(StaffRequiredMixin, TemplateView):
    """Letters with their deliveries sent / pending / failed; failures with the error and a resend button; CSV."""

    template_name = "workspace/qualification/letters.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            return self.csv(request)
        return super().get(request, *args, **kwargs)

    def _failed_only(self) -> bool:
        return self.request.GET.get("failed") in ("1", "on", "true", "yes")

    def csv(self, request):
        rows = (
            [
                d.letter.number,
                d.letter.issued_on.isoformat(),
                d.letter.enrollment.participant.short_name,
                str(d.letter.enrollment.flight),
                d.email,
                d.name,
                d.get_kind_display(),
                d.capacity,
                d.get_status_display(),
                d.attempts,
                timezone.localtime(d.sent_at).isoformat(timespec="seconds") if d.sent_at else "",
                d.message_id,
                d.last_error,
            ]
            for d in selectors.delivery_rows(failed_only=self._failed_only()).iterator(chunk_size=500)
        )
        return csv_response(f"letter-deliveries-{timezone.localdate().isoformat()}.csv", CSV_COLUMNS, rows)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        failed_only = self._failed_only()
        letters = selectors.letter_report(failed_only=failed_only)
        context.update(
            letters=letters,
            failed_only=failed_only,
            totals={
                "sent": sum(letter.n_sent for letter in letters),
                "pending": sum(letter.n_pending for letter in letters),
                "failed": sum(letter.n_failed for letter in letters),
            },
            is_retail_operations=is_retail_operations(self.request.user),
            section="letters",
        )
        return context


__all__ = [
    "CertificateAdvanceView",
    "ConnectivityRecordView",
    "ConnectivityTicketView",
    "DeliveryResendView",
    "EnrollmentActionView",
    "EnrollmentCreateView",
    "EnrollmentDetailView",
    "FlightBoardView",
    "FlightCreateView",
    "FlightListView",
    "LetterDownloadView",
    "LetterReportView",
    "RetailOperationsQueueView",
]
