"""The enrollment page, rendered by its own view and again (400) by every action that refuses."""

from __future__ import annotations

from django.shortcuts import render

from ercot_services.core.forms import load_choices
from ercot_services.core.models import AuditEvent

from ... import policies, selectors
from ...forms.staff import (
    ConnectivityRecordForm,
    ConnectivityTicketOnBehalfForm,
    IssueLetterForm,
    ResultForm,
    WithdrawForm,
)
from ...models import (
    CERTIFICATE_TRANSITIONS,
    NO_LETTER_REASONS,
    CertificateStatus,
    ChangeKind,
    ConnectivityTest,
    Enrollment,
    EnrollmentStatus,
    LetterDelivery,
    ParticipantKind,
)
from ...services.connectivity import connectivity_ticket_draft
from ...services.letters import letter_recipients
from .common import is_flight_administrator, is_retail_operations


def _letter_section(enrollment: Enrollment, result, letter) -> dict:
    """Whether a letter can be issued now, what blocks it, and who would receive it."""
    criteria = selectors.enrollment_criteria(enrollment)
    blockers = selectors.enrollment_blockers(enrollment) if enrollment.produces_letter and letter is None else []
    recipients = []
    if enrollment.produces_letter and letter is None and result is not None and result.completed:
        recipients = letter_recipients(enrollment)
    return {
        "criteria": criteria,
        "criteria_met": criteria is not None and all(c.met for c in criteria),
        "blockers": blockers,
        "can_issue": (
            enrollment.produces_letter
            and letter is None
            and enrollment.status == EnrollmentStatus.HANDED_OVER
            and not blockers
        ),
        "recipients": recipients,
        "recipients_to": [r for r in recipients if r["kind"] == LetterDelivery.Kind.TO],
        "recipients_copy": [r for r in recipients if r["kind"] == LetterDelivery.Kind.COPY],
        "no_letter_reason": NO_LETTER_REASONS.get(enrollment.change_kind),
    }


def _certificates(enrollment: Enrollment) -> list:
    certificates = selectors.enrollment_certificates(enrollment)
    for certificate in certificates:
        certificate.next_statuses = [
            (s, CertificateStatus(s).label) for s in sorted(CERTIFICATE_TRANSITIONS[certificate.status])
        ]
    return certificates


def _connectivity_tests(enrollment: Enrollment, spec, *, connectivity_forms: dict, ticket_forms: dict) -> list:
    """The tests, each with its record form and, while its ticket is due, the ticket staff may log for the MP."""
    tests = selectors.enrollment_connectivity_tests(enrollment)
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
    return tests


def _testing_section(enrollment: Enrollment, result, *, flight_admin: bool, result_form) -> dict:
    """The result form (for the Flight Administrator while results may change) and the testing actions."""
    result_editable = enrollment.status in (
        EnrollmentStatus.ENROLLED,
        EnrollmentStatus.TESTING,
        EnrollmentStatus.FAILED,
    )
    if result_form is None and flight_admin and result_editable:
        result_form = ResultForm(enrollment=enrollment, partners=selectors.trading_partner_tdsps(enrollment))
    load_choices(result_form)  # the chosen partners and the business functions, read before rendering
    return {
        "result_editable": result_editable,
        "result_form": result_form,
        "can_start_testing": enrollment.can_move_to(EnrollmentStatus.TESTING)
        and enrollment.status == EnrollmentStatus.ENROLLED,
        "can_hand_over": enrollment.status == EnrollmentStatus.TESTING and result is not None and result.completed,
        "can_withdraw": enrollment.can_move_to(EnrollmentStatus.WITHDRAWN),
        "can_record_no_letter": not enrollment.produces_letter and enrollment.status == EnrollmentStatus.HANDED_OVER,
    }


def enrollment_page(request, enrollment: Enrollment, *, status: int = 200, error_section: str = "", **forms):
    """Render the enrollment page; an action view passes its bound form (with errors) to show it in place."""
    user = request.user
    flight_admin = is_flight_administrator(user)
    result = getattr(enrollment, "result", None)
    letter = getattr(enrollment, "letter", None)
    letter_section = _letter_section(enrollment, result, letter)
    testing_section = _testing_section(
        enrollment, result, flight_admin=flight_admin, result_form=forms.get("result_form")
    )
    certificates = _certificates(enrollment)
    spec = selectors.participant_connectivity_spec(enrollment.participant)
    tests = _connectivity_tests(
        enrollment,
        spec,
        connectivity_forms=forms.get("connectivity_forms", {}),
        ticket_forms=forms.get("ticket_forms", {}),
    )
    context = {
        "enrollment": enrollment,
        "participant": enrollment.participant,
        "flight": enrollment.flight,
        "result": result,
        "letter": letter,
        "deliveries": selectors.enrollment_deliveries(enrollment),
        **letter_section,
        "is_service_provider_change": enrollment.change_kind == ChangeKind.SERVICE_PROVIDER,
        "is_new": enrollment.participant_kind == ParticipantKind.NEW,
        "is_flight_administrator": flight_admin,
        "is_retail_operations": is_retail_operations(user),
        "can_record_connectivity": policies.can_record_connectivity(user),
        **testing_section,
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "issue_form": forms.get("issue_form") or IssueLetterForm(),
        "action_error": forms.get("action_error", ""),
        "certificates": certificates,
        "connectivity_tests": tests,
        "connectivity_spec": spec,
        "timeline": list(
            AuditEvent.objects.for_object(enrollment)
            .select_related("actor", "target_content_type")
            .order_by("-created_at", "-id")[:200]
        ),
        "error_section": error_section,
        "section": "flights",
    }
    return render(request, "workspace/qualification/enrollment.html", context, status=status)
