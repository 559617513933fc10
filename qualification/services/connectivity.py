"""Production connectivity: the request, the MP's specifications, the Service Desk ticket that schedules the
test, and its outcome."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import MarketParticipant, ParticipantStatus, User
from accounts.roles import StaffGroup
from accounts.services import participant_set_status
from cases.models import Case, CaseCategory, Channel
from cases.services import ServiceRequestInput, service_request_submit
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError, clean_or_refuse

from .. import policies
from ..error_codes import QualificationErrorCode
from ..events import QualificationEvent
from ..models import ConnectivitySpec, ConnectivityTest, Enrollment


def _request_connectivity(*, actor: User, enrollment: Enrollment, reason: str) -> ConnectivityTest:
    """Ask the MP for updated production connectivity specifications and open the test they lead to.

    No Service Desk ticket yet: seed 004 has the MP's AR or BAR submit it once the specifications are updated
    (:func:`connectivity_ticket_submit`); the portal guides them with a pre-filled one.
    """
    participant = enrollment.participant
    spec, _ = ConnectivitySpec.objects.get_or_create(participant=participant)
    spec.status = ConnectivitySpec.Status.REQUESTED
    spec.requested_reason = reason
    spec.save(update_fields=["status", "requested_reason", "updated_at"])
    test = ConnectivityTest.objects.create(participant=participant, enrollment=enrollment, reason=reason)
    audit_record(
        actor=actor,
        verb=QualificationEvent.CONNECTIVITY_REQUESTED,
        target=test,
        participant=participant,
        changes={"specifications": (None, spec.get_status_display())},
        reason=reason,
    )
    return test


@transaction.atomic
def connectivity_spec_update(*, actor: User, participant: MarketParticipant, **fields) -> ConnectivitySpec:
    allowed = {"endpoint_url", "protocol", "certificate_fingerprint", "contact_name", "contact_email", "contact_phone"}
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(
            f"Cannot change {', '.join(sorted(unknown))} here.", code=QualificationErrorCode.UNKNOWN_FIELD
        )
    spec, _ = ConnectivitySpec.objects.get_or_create(participant=participant)
    changes = {name: (getattr(spec, name), value) for name, value in fields.items() if getattr(spec, name) != value}
    for name, value in fields.items():
        setattr(spec, name, value)
    spec.status = ConnectivitySpec.Status.SUBMITTED
    spec.updated_by = actor
    clean_or_refuse(spec, code=QualificationErrorCode.INVALID)
    spec.save()
    audit_record(
        actor=actor,
        verb=QualificationEvent.CONNECTIVITY_SPEC_UPDATED,
        target=spec,
        participant=participant,
        changes=changes,
    )
    return spec


def connectivity_ticket_draft(test: ConnectivityTest, spec: ConnectivitySpec | None) -> tuple[str, str]:
    """The pre-filled subject and body of the production connectivity testing ticket (seed 004's wording)."""
    participant = test.participant
    subject = f"Schedule production connectivity testing for {participant.short_name}"
    lines = [
        f"{participant.legal_name} ({participant.short_name}) asks the Service Desk to schedule production "
        "connectivity testing.",
        f"Reason: {test.reason or 'production connectivity testing requested'}"
        + (f" ({test.enrollment.flight})." if test.enrollment_id else "."),
        "",
        "Our production connectivity specifications are updated:",
    ]
    if spec is not None:
        lines += [
            f"- Endpoint: {spec.endpoint_url}",
            f"- Protocol: {spec.protocol}",
            f"- Certificate fingerprint (SHA-256): {spec.certificate_fingerprint}",
            f"- Technical contact: {spec.contact_name} <{spec.contact_email}>"
            + (f", {spec.contact_phone}" if spec.contact_phone else ""),
        ]
    lines += [
        "",
        "Please assign this ticket to Market Application Support Services.",
        f"Copies: Flight Testing ({settings.FLIGHT_TESTING_EMAIL}) and MASS ({settings.MASS_EMAIL}).",
    ]
    return subject, "\n".join(lines)


def connectivity_ticket_copies() -> list[str]:
    """Who every production connectivity testing ticket copies: Flight Testing and MASS (settings)."""
    return [settings.FLIGHT_TESTING_EMAIL, settings.MASS_EMAIL]


def mass_queue() -> Group:
    """The Market Application Support Services queue the Service Desk assigns these tickets to."""
    return Group.objects.get_or_create(name=StaffGroup.MARKET_APPLICATION_SUPPORT)[0]


def _ticket_requester(*, actor: User, test: ConnectivityTest, requester: User | None) -> User:
    """Who asks for the ticket: the actor (the MP's AR or BAR), or the AR or BAR staff name when logging it for them.

    Refuses when that person is not the MP's AR or BAR, or when the test needs no ticket (one is open, it passed,
    or the specifications are not updated yet).
    """
    participant = test.participant
    if actor.is_staff:
        policies.check_record_connectivity(actor)
    else:
        requester = actor
    if requester is None or not policies.is_authorized_representative(requester, participant):
        raise DomainError(
            f"The ticket is submitted by an Authorized Representative or Backup AR of {participant.short_name}.",
            code=QualificationErrorCode.PERMISSION_DENIED,
        )
    if test.service_request_id:
        raise DomainError(
            f"The ticket for this test is already open: {test.service_request.reference}.",
            code=QualificationErrorCode.TICKET_ALREADY_OPEN,
        )
    if test.status == ConnectivityTest.Status.PASSED:
        raise DomainError(
            "This production connectivity test already passed.", code=QualificationErrorCode.ALREADY_PASSED
        )
    spec = ConnectivitySpec.objects.filter(participant=participant).first()
    if spec is None or spec.status != ConnectivitySpec.Status.SUBMITTED:
        raise DomainError(
            "Update the production connectivity specifications first: the ticket asks the Service Desk to test them.",
            code=QualificationErrorCode.SPECIFICATIONS_REQUIRED,
        )
    return requester


@transaction.atomic
def connectivity_ticket_submit(
    *,
    actor: User,
    test: ConnectivityTest,
    subject: str,
    description: str,
    requester: User | None = None,
    channel: str = Channel.PORTAL,
) -> Case:
    """Submit the Service Desk ticket that schedules production connectivity testing (seed 004).

    The MP's AR or BAR submits it from the portal; staff who follow connectivity may log it on the MP's behalf,
    naming the AR or BAR who asked (``requester``) and how (``channel``). The ticket copies Flight Testing and
    MASS and goes to the Market Application Support Services queue, not to the MP's Account Manager.
    """
    test = ConnectivityTest.objects.select_for_update(of=("self",)).select_related("participant").get(pk=test.pk)
    participant = test.participant
    requester = _ticket_requester(actor=actor, test=test, requester=requester)
    category = CaseCategory.objects.filter(code="connectivity-certificates").first() or CaseCategory.objects.first()
    ticket = ServiceRequestInput(
        category=category,
        subject=subject,
        description=description,
        participant=participant,
        requester=requester,
        channel=channel,
        queue=mass_queue(),
        cc=connectivity_ticket_copies(),
    )
    case = service_request_submit(actor=actor, service_request=ticket)
    test.service_request = case
    test.save(update_fields=["service_request", "updated_at"])
    audit_record(
        actor=actor,
        verb=QualificationEvent.CONNECTIVITY_TICKET_SUBMITTED,
        target=test,
        participant=participant,
        changes={"service_request": (None, case.reference)},
        reason=f"Logged by {actor.full_name} on behalf of {requester.full_name}" if actor.is_staff else "",
    )
    return case


@transaction.atomic
def connectivity_test_record(
    *,
    actor: User,
    test: ConnectivityTest,
    passed: bool,
    notes: str = "",
    scheduled_for: datetime.datetime | None = None,
) -> ConnectivityTest:
    """Record the test; when it passes a qualifying MP becomes active."""
    policies.check_record_connectivity(actor)
    test = ConnectivityTest.objects.select_for_update(of=("self",)).select_related("participant").get(pk=test.pk)
    if test.status in (ConnectivityTest.Status.PASSED,):
        raise DomainError("This connectivity test already passed.", code=QualificationErrorCode.ALREADY_PASSED)
    old = test.status
    test.status = ConnectivityTest.Status.PASSED if passed else ConnectivityTest.Status.FAILED
    test.notes = notes
    test.completed_at = timezone.now()
    if scheduled_for:
        test.scheduled_for = scheduled_for
    test.save()
    audit_record(
        actor=actor,
        verb=QualificationEvent.CONNECTIVITY_TESTED,
        target=test,
        participant=test.participant,
        changes={"status": (old, test.status)},
        reason=notes,
    )
    if passed and test.participant.status == ParticipantStatus.QUALIFYING:
        participant_set_status(
            actor=actor,
            participant=test.participant,
            status=ParticipantStatus.ACTIVE,
            reason="Production connectivity testing passed",
        )
    return test
