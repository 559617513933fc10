"""Portal pages for qualification (seed 004): the MP's flights and results, the criteria status,
its letters, and the certificate and connectivity tasks that follow a letter.

Everything is read inside ``scope_to_user`` for the MP chosen in this session:
another MP's letter is a 404, never a 403. Views stay thin: the form validates,
``connectivity_spec_update`` writes, and a ``DomainError`` becomes a form error.
The page costs a fixed number of queries however many enrollments the MP has.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views import View
from django.views.generic import TemplateView

from accounts.models import MarketParticipant, User
from accounts.portal_session import CurrentParticipantMixin
from accounts.selectors import scope_to_user
from ercot_services.core.downloads import private_file_response
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import ParticipantRequiredMixin

from .. import policies
from ..forms.portal import PROTOCOL_DEFAULT, ConnectivitySpecForm, ConnectivityTicketForm
from ..models import (
    NO_LETTER_REASONS,
    CertificateRequest,
    CertificateStatus,
    ChangeKind,
    ConnectivitySpec,
    ConnectivityTest,
    Enrollment,
    EnrollmentStatus,
    Flight,
    FlightStatus,
    LetterDelivery,
    ParticipantKind,
    QualificationLetter,
)
from ..services.connectivity import (
    connectivity_spec_update,
    connectivity_ticket_copies,
    connectivity_ticket_draft,
    connectivity_ticket_submit,
)
from ..services.criteria import Criterion, criteria_evaluate

# What to do next when a criterion is missing, picked by the wording of its detail.
_NEXT_STEPS = {
    "sfa": [
        (
            "not yet processed",
            "Your SFA is signed but not yet processed by ERCOT Legal. Nothing to do on your side: "
            "Legal processes it; ask your Account Manager if it takes more than a few business days.",
        ),
        ("", "Sign the Standard Form Market Participant Agreement (SFA) and upload it with your registration."),
    ],
    "puct": [
        (
            "not valid",
            "Your PUCT certification is not valid today: send ERCOT the current certificate with a "
            "Notice of Change of Information.",
        ),
        (
            "",
            "Send ERCOT your PUCT certification as soon as the Commission grants it (upload it with your registration).",
        ),
    ],
    "qse_ack": [
        (
            "not qualified to serve load",
            "The QSE you named is not qualified to serve load: name a QSE that is, or "
            "ask your QSE to complete its qualification.",
        ),
        (
            "not yet processed",
            "Your QSE Acknowledgement (Form H) is submitted but not yet processed by ERCOT Legal. "
            "Nothing to do on your side; ask your Account Manager if it takes long.",
        ),
        ("", "Submit the QSE Acknowledgement (Form H) naming the QSE that will schedule for you."),
    ],
}


def criterion_next_step(criterion: Criterion) -> str:
    if criterion.met:
        return ""
    for needle, text in _NEXT_STEPS.get(criterion.key, []):
        if needle in criterion.detail:
            return text
    return "Ask your Account Manager what is still missing."


def _day(value) -> str:
    return date_format(value, "M j, Y")


# --- the page's data ------------------------------------------------------------------------


@dataclass
class EnrollmentRow:
    enrollment: Enrollment
    headline: str
    explanation: str
    tone: str  # a Bootstrap colour: what the badge and the border say
    letter: QualificationLetter | None = None
    result: object | None = None
    partners: list = field(default_factory=list)
    functions: list = field(default_factory=list)


def enrollment_headline(enrollment: Enrollment, *, blocked: bool, today) -> tuple[str, str, str]:
    """(headline, explanation, tone) in plain words for the MP."""
    flight = enrollment.flight
    status = enrollment.status
    result = getattr(enrollment, "result", None)
    if status == EnrollmentStatus.ENROLLED:
        verb = "starts" if flight.start_date > today else "started"
        return (
            f"Enrolled in {flight} — testing {verb} {date_format(flight.start_date, 'M j')}",
            f"Testing runs {_day(flight.start_date)} to {_day(flight.end_date)}. The Flight Administrator sends the test "
            "scripts and your trading partners' details before it starts.",
            "secondary",
        )
    if status == EnrollmentStatus.TESTING:
        if result is not None and result.completed:
            return (
                f"Testing completed on {_day(result.tested_on)}",
                "The Flight Administrator is handing your results to ERCOT Retail Operations.",
                "info",
            )
        return (
            f"Testing in {flight} — until {date_format(flight.end_date, 'M j')}",
            "Run the test scripts with your trading partners; the Flight Administrator records the results.",
            "primary",
        )
    if status == EnrollmentStatus.FAILED:
        return (
            f"Testing not completed in {flight}",
            "The Flight Administrator recorded that testing was not completed. Contact the Flight Administrator or "
            "your Account Manager to retest.",
            "danger",
        )
    if status == EnrollmentStatus.HANDED_OVER:
        if not enrollment.produces_letter:
            return (
                "Testing completed — ERCOT Retail Operations is recording your change",
                NO_LETTER_REASONS[enrollment.change_kind],
                "info",
            )
        if blocked:
            return (
                "Testing completed — your letter waits for the registration criteria",
                "ERCOT Retail Operations cannot issue your qualification letter until every criterion below is met.",
                "warning",
            )
        return (
            "Testing completed — ERCOT Retail Operations is preparing your letter",
            "Your qualification letter is emailed to your Authorized Representatives when it is issued, and appears below.",
            "info",
        )
    if status == EnrollmentStatus.LETTER_SENT:
        letter = getattr(enrollment, "letter", None)
        if letter is not None:
            return (
                f"Letter {letter.number} sent on {_day(letter.issued_on)}",
                f"Qualified in production effective {_day(letter.effective_date)}.",
                "success",
            )
        return ("Qualification letter sent", "", "success")
    if status == EnrollmentStatus.RECORDED:
        if enrollment.change_kind == ChangeKind.BANKING:
            return ("Banking change recorded: no letter is issued", "A banking change is recorded only.", "success")
        if enrollment.change_kind == ChangeKind.SERVICE_PROVIDER:
            return (
                "Service provider change recorded: no letter is issued",
                "Update your production connectivity specifications; the Service Desk then schedules production "
                "connectivity testing (see Your tasks).",
                "success",
            )
        return (f"{enrollment.get_change_kind_display()} recorded: no letter is issued", "", "success")
    if status == EnrollmentStatus.WITHDRAWN:
        return (f"Withdrawn from {flight}", "This enrollment no longer takes part in testing.", "secondary")
    return (enrollment.get_status_display(), "", "secondary")


def _is_past(enrollment: Enrollment, today) -> bool:
    """Finished business: a flight that has ended (or completed) and an enrollment that needs nothing more."""
    flight_over = (
        enrollment.flight.status in (FlightStatus.COMPLETED, FlightStatus.CANCELLED)
        or enrollment.flight.end_date < today
    )
    settled = enrollment.status in (
        EnrollmentStatus.LETTER_SENT,
        EnrollmentStatus.RECORDED,
        EnrollmentStatus.WITHDRAWN,
        EnrollmentStatus.FAILED,
    )
    return flight_over and settled


def qualification_overview(
    *, user: User, participant: MarketParticipant, today=None, ticket_forms: dict | None = None
) -> dict:
    """Everything the qualification page shows for ``participant``, read through ``scope_to_user``.

    A fixed number of queries: enrollments (with flight, result and letter), their partners, functions and
    letter deliveries (prefetches), the MP's roles, at most three criteria reads, certificates, the
    connectivity specification, the connectivity tests (with their service requests) and whether the user is
    the MP's AR or BAR. ``ticket_forms`` maps a test id to a bound ticket form to show (with its errors).
    """
    today = today or timezone.localdate()
    enrollments = list(
        scope_to_user(Enrollment.objects.filter(participant=participant), user)
        .select_related("flight", "result", "letter")
        .prefetch_related(
            "result__trading_partners",
            "result__business_functions",
            Prefetch("letter__deliveries", queryset=LetterDelivery.objects.order_by("kind", "name")),
        )
        .order_by("-flight__start_date", "change_kind")
    )
    role_codes = participant.role_codes()
    serves_load = participant.serves_load()
    criteria = None
    if serves_load and any(e.participant_kind == ParticipantKind.NEW for e in enrollments):
        criteria = [(c, criterion_next_step(c)) for c in criteria_evaluate(participant, today=today)]
    criteria_missing = bool(criteria) and any(not c.met for c, _ in criteria)
    # The criteria matter most while a new enrollment still waits for its letter; afterwards they are a record.
    criteria_pending = bool(criteria) and any(
        e.participant_kind == ParticipantKind.NEW
        and e.status not in (EnrollmentStatus.LETTER_SENT, EnrollmentStatus.RECORDED, EnrollmentStatus.WITHDRAWN)
        for e in enrollments
    )

    rows, letters = [], []
    for enrollment in enrollments:
        enrollment.participant = participant  # the same MP: no query per row
        applies = serves_load and enrollment.participant_kind == ParticipantKind.NEW
        headline, explanation, tone = enrollment_headline(enrollment, blocked=applies and criteria_missing, today=today)
        result = getattr(enrollment, "result", None)
        letter = getattr(enrollment, "letter", None)
        rows.append(
            EnrollmentRow(
                enrollment=enrollment,
                headline=headline,
                explanation=explanation,
                tone=tone,
                letter=letter,
                result=result,
                partners=sorted(result.trading_partners.all(), key=lambda p: p.legal_name) if result else [],
                functions=list(result.business_functions.all()) if result else [],
            )
        )
        if letter is not None:
            deliveries = list(letter.deliveries.all())
            letter.to_recipients = [d for d in deliveries if d.kind == LetterDelivery.Kind.TO]
            letter.copy_count = sum(1 for d in deliveries if d.kind == LetterDelivery.Kind.COPY)
            letter.sent_count = sum(1 for d in deliveries if d.status == LetterDelivery.Status.SENT)
            letter.delivery_count = len(deliveries)
            letters.append(letter)
    letters.sort(key=lambda letter: (letter.issued_on, letter.number), reverse=True)

    certificates = list(
        scope_to_user(CertificateRequest.objects.filter(participant=participant), user)
        .select_related("security_administrator")
        .order_by("-requested_at")
    )
    spec = (
        scope_to_user(ConnectivitySpec.objects.filter(participant=participant), user)
        .select_related("updated_by")
        .first()
    )
    tests = list(
        scope_to_user(ConnectivityTest.objects.filter(participant=participant), user)
        .select_related("service_request", "enrollment__flight")
        .order_by("-created_at")
    )
    # Seed 004: once the specifications are updated, the AR or BAR submits the testing ticket (pre-filled here).
    spec_submitted = spec is not None and spec.status == ConnectivitySpec.Status.SUBMITTED
    may_submit_ticket = policies.can_submit_connectivity_ticket(user, participant)
    ticket_forms = ticket_forms or {}
    tickets_due = [
        t
        for t in tests
        if (t.service_request_id is None and t.status != ConnectivityTest.Status.PASSED) or t.pk in ticket_forms
    ]
    for test in tickets_due:
        test.participant = participant
        if test.pk in ticket_forms:
            test.ticket_form = ticket_forms[test.pk]
        else:
            subject, description = connectivity_ticket_draft(test, spec)
            initial = {"subject": subject, "description": description}
            test.ticket_form = ConnectivityTicketForm(test=test, initial=initial)
    certificate_steps = [CertificateStatus.REQUESTED, CertificateStatus.ISSUED, CertificateStatus.INSTALLED]
    for certificate in certificates:
        reached = certificate_steps.index(certificate.status)
        certificate.steps = [
            {
                "label": CertificateStatus(step).label,
                "done": index <= reached,
                "current": index == reached,
                "when": [certificate.requested_at, certificate.issued_at, certificate.installed_at][index],
            }
            for index, step in enumerate(certificate_steps)
        ]
    open_tasks = (
        sum(1 for c in certificates if c.status != CertificateStatus.INSTALLED)
        + (1 if spec is not None and spec.status == ConnectivitySpec.Status.REQUESTED else 0)
        + sum(1 for t in tests if t.status not in (ConnectivityTest.Status.PASSED,))
    )
    return {
        "rows": rows,
        "is_rep": "REP" in role_codes,
        "current_rows": [r for r in rows if not _is_past(r.enrollment, today)],
        "past_rows": [r for r in rows if _is_past(r.enrollment, today)],
        "criteria": criteria,
        "criteria_missing": criteria_missing,
        "criteria_pending": criteria_pending,
        "letters": letters,
        "certificates": certificates,
        "spec": spec,
        "spec_requested": spec is not None and spec.status == ConnectivitySpec.Status.REQUESTED,
        "tests": tests,
        "tickets_due": tickets_due,
        "spec_submitted": spec_submitted,
        "may_submit_ticket": may_submit_ticket,
        "ticket_copies": connectivity_ticket_copies(),
        "open_tasks": open_tasks,
        "has_tasks": bool(certificates or spec or tests),
    }


def open_flights(today=None):
    """Flights still open for applications (public knowledge, not MP data)."""
    today = today or timezone.localdate()
    return list(
        Flight.objects.filter(
            status__in=[FlightStatus.OPEN, FlightStatus.PLANNED], application_deadline__gte=today
        ).order_by("start_date")[:3]
    )


# --- pages ---------------------------------------------------------------------------------------


class QualificationHomeView(ParticipantRequiredMixin, CurrentParticipantMixin, TemplateView):
    template_name = "portal/qualification/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        overview = qualification_overview(
            user=self.request.user, participant=self.participant, today=today, ticket_forms=kwargs.get("ticket_forms")
        )
        context.update(overview)
        context.update(
            participant=self.participant,
            today=today,
            open_flights=open_flights(today),
        )
        return context


class LetterDownloadView(ParticipantRequiredMixin, View):
    """A letter of an MP the user belongs to, as a PDF; any other letter is a 404."""

    def get(self, request, pk):
        letters = scope_to_user(
            QualificationLetter.objects.select_related("enrollment__participant"),
            request.user,
            path="enrollment__participant",
        )
        letter = get_object_or_404(letters, pk=pk)
        return private_file_response(letter.pdf, filename=letter.filename, content_type="application/pdf")


class ConnectivitySpecView(ParticipantRequiredMixin, CurrentParticipantMixin, View):
    """The MP's production connectivity specifications (what FlighTrak holds at the operator)."""

    template_name = "portal/qualification/connectivity_form.html"

    def _spec(self):
        return scope_to_user(ConnectivitySpec.objects.filter(participant=self.participant), self.request.user).first()

    def _render(self, request, form, spec, status=200):
        tests = list(
            scope_to_user(ConnectivityTest.objects.filter(participant=self.participant), request.user)
            .exclude(status=ConnectivityTest.Status.PASSED)
            .select_related("service_request")
            .order_by("-created_at")
        )
        context = {"form": form, "spec": spec, "participant": self.participant, "tests": tests}
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        spec = self._spec()
        initial = {"protocol": PROTOCOL_DEFAULT}
        if spec is not None:
            initial.update(
                {
                    name: getattr(spec, name)
                    for name in (
                        "endpoint_url",
                        "certificate_fingerprint",
                        "contact_name",
                        "contact_email",
                        "contact_phone",
                    )
                    if getattr(spec, name)
                }
            )
            initial["protocol"] = spec.protocol or PROTOCOL_DEFAULT
        return self._render(request, ConnectivitySpecForm(initial=initial), spec)

    def post(self, request):
        spec = self._spec()
        form = ConnectivitySpecForm(request.POST)
        if form.is_valid():
            try:
                connectivity_spec_update(actor=request.user, participant=self.participant, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    "Your production connectivity specifications were saved. The Service Desk uses them to schedule "
                    "production connectivity testing.",
                )
                return redirect("portal:qualification")
        return self._render(request, form, spec, status=400)


class ConnectivityTicketView(QualificationHomeView):
    """POST: the MP's AR or BAR submits the production connectivity testing ticket to the Service Desk.

    Another MP's test is a 404; another contact of this MP is refused (403): the page tells them their AR or BAR
    submits it. A refusal of the service (specifications not updated, already submitted) re-renders the
    qualification page with the ticket as typed (400).
    """

    http_method_names = ["get", "post"]

    def get(self, request, pk):
        return redirect(f"{reverse('portal:qualification')}#ticket-{pk}")

    def post(self, request, pk):
        test = get_object_or_404(
            scope_to_user(ConnectivityTest.objects.filter(participant=self.participant), request.user), pk=pk
        )
        if not policies.can_submit_connectivity_ticket(request.user, self.participant):
            raise PermissionDenied(
                "Your Authorized Representative or Backup AR submits the production connectivity testing ticket."
            )
        form = ConnectivityTicketForm(request.POST, test=test)
        if form.is_valid():
            try:
                case = connectivity_ticket_submit(
                    actor=request.user,
                    test=test,
                    subject=form.cleaned_data["subject"],
                    description=form.cleaned_data["description"],
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"Ticket {case.reference} is with the Service Desk, assigned to Market Application Support "
                    "Services, with copies to Flight Testing and MASS. They schedule your production connectivity "
                    "test.",
                )
                return redirect("portal:qualification")
        context = self.get_context_data(ticket_forms={test.pk: form})
        return self.render_to_response(context, status=400)
