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
from django.views import View
from django.views.generic import TemplateView

from accounts.models import MarketParticipant, User
from accounts.portal_session import CurrentParticipantMixin
from accounts.selectors import scope_to_user
from ercot_services.core.actions import add_domain_error
from ercot_services.core.downloads import private_file_response
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import ParticipantRequiredMixin

from .. import policies
from ..forms.portal import PROTOCOL_DEFAULT, ConnectivitySpecForm, ConnectivityTicketForm
from ..headlines import criterion_next_step, enrollment_headline
from ..models import (
    CertificateRequest,
    CertificateStatus,
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
from ..services.criteria import criteria_evaluate

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


def _criteria(participant: MarketParticipant, enrollments: list[Enrollment], *, serves_load: bool, today) -> dict:
    """The registration criteria with their next steps, when a new enrollment of an MP serving load needs them."""
    criteria = None
    if serves_load and any(e.participant_kind == ParticipantKind.NEW for e in enrollments):
        criteria = [(c, criterion_next_step(c)) for c in criteria_evaluate(participant, today=today)]
    return {
        "criteria": criteria,
        "criteria_missing": bool(criteria) and any(not c.met for c, _ in criteria),
        # The criteria matter most while a new enrollment still waits for its letter; afterwards they are a record.
        "criteria_pending": bool(criteria)
        and any(
            e.participant_kind == ParticipantKind.NEW
            and e.status not in (EnrollmentStatus.LETTER_SENT, EnrollmentStatus.RECORDED, EnrollmentStatus.WITHDRAWN)
            for e in enrollments
        ),
    }


def _enrollment_row(enrollment: Enrollment, *, blocked: bool, today) -> EnrollmentRow:
    headline, explanation, tone = enrollment_headline(enrollment, blocked=blocked, today=today)
    result = getattr(enrollment, "result", None)
    return EnrollmentRow(
        enrollment=enrollment,
        headline=headline,
        explanation=explanation,
        tone=tone,
        letter=getattr(enrollment, "letter", None),
        result=result,
        partners=sorted(result.trading_partners.all(), key=lambda p: p.legal_name) if result else [],
        functions=list(result.business_functions.all()) if result else [],
    )


def _with_delivery_counts(letter: QualificationLetter) -> QualificationLetter:
    deliveries = list(letter.deliveries.all())
    letter.to_recipients = [d for d in deliveries if d.kind == LetterDelivery.Kind.TO]
    letter.copy_count = sum(1 for d in deliveries if d.kind == LetterDelivery.Kind.COPY)
    letter.sent_count = sum(1 for d in deliveries if d.status == LetterDelivery.Status.SENT)
    letter.delivery_count = len(deliveries)
    return letter


def _enrollments_and_letters(*, user: User, participant: MarketParticipant, serves_load: bool, today) -> dict:
    """The MP's enrollments as rows (current and past), its letters newest first, and the criteria."""
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
    criteria = _criteria(participant, enrollments, serves_load=serves_load, today=today)
    rows = []
    for enrollment in enrollments:
        enrollment.participant = participant  # the same MP: no query per row
        applies = serves_load and enrollment.participant_kind == ParticipantKind.NEW
        rows.append(_enrollment_row(enrollment, blocked=applies and criteria["criteria_missing"], today=today))
    letters = [_with_delivery_counts(row.letter) for row in rows if row.letter is not None]
    letters.sort(key=lambda letter: (letter.issued_on, letter.number), reverse=True)
    return {
        "rows": rows,
        "current_rows": [r for r in rows if not _is_past(r.enrollment, today)],
        "past_rows": [r for r in rows if _is_past(r.enrollment, today)],
        "letters": letters,
        **criteria,
    }


def _certificate_steps(certificate: CertificateRequest) -> list[dict]:
    """Requested → issued → installed, each done or not, the current one marked, with when it happened."""
    steps = [CertificateStatus.REQUESTED, CertificateStatus.ISSUED, CertificateStatus.INSTALLED]
    reached = steps.index(certificate.status)
    when = [certificate.requested_at, certificate.issued_at, certificate.installed_at]
    return [
        {
            "label": CertificateStatus(step).label,
            "done": index <= reached,
            "current": index == reached,
            "when": when[index],
        }
        for index, step in enumerate(steps)
    ]


def _tickets_due(tests: list[ConnectivityTest], spec, participant, ticket_forms: dict) -> list[ConnectivityTest]:
    """The tests still waiting for their Service Desk ticket, each with its form (pre-filled, or as typed)."""
    due = [
        t
        for t in tests
        if (t.service_request_id is None and t.status != ConnectivityTest.Status.PASSED) or t.pk in ticket_forms
    ]
    for test in due:
        test.participant = participant
        if test.pk in ticket_forms:
            test.ticket_form = ticket_forms[test.pk]
        else:
            subject, description = connectivity_ticket_draft(test, spec)
            test.ticket_form = ConnectivityTicketForm(
                test=test, initial={"subject": subject, "description": description}
            )
    return due


def _tasks(*, user: User, participant: MarketParticipant, ticket_forms: dict) -> dict:
    """What follows a letter: certificates, the connectivity specification and tests, and the tickets due."""
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
    tickets_due = _tickets_due(tests, spec, participant, ticket_forms)
    for certificate in certificates:
        certificate.steps = _certificate_steps(certificate)
    spec_requested = spec is not None and spec.status == ConnectivitySpec.Status.REQUESTED
    return {
        "certificates": certificates,
        "spec": spec,
        "spec_requested": spec_requested,
        "tests": tests,
        "tickets_due": tickets_due,
        "spec_submitted": spec is not None and spec.status == ConnectivitySpec.Status.SUBMITTED,
        "may_submit_ticket": policies.can_submit_connectivity_ticket(user, participant),
        "ticket_copies": connectivity_ticket_copies(),
        "open_tasks": sum(1 for c in certificates if c.status != CertificateStatus.INSTALLED)
        + (1 if spec_requested else 0)
        + sum(1 for t in tests if t.status not in (ConnectivityTest.Status.PASSED,)),
        "has_tasks": bool(certificates or spec or tests),
    }


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
    role_codes = participant.role_codes()
    serves_load = participant.serves_load()
    return {
        **_enrollments_and_letters(user=user, participant=participant, serves_load=serves_load, today=today),
        "is_rep": "REP" in role_codes,
        **_tasks(user=user, participant=participant, ticket_forms=ticket_forms or {}),
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
                add_domain_error(form, error)
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
                add_domain_error(form, error)
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
