"""What follows a new MP's letter: the production certificate request (and its progress) and the connectivity
request."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import ContactRole, Membership, User
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError

from .. import policies
from ..error_codes import QualificationErrorCode
from ..events import QualificationEvent
from ..models import CERTIFICATE_TRANSITIONS, CertificateRequest, CertificateStatus, Enrollment
from .connectivity import _request_connectivity


def production_onboarding_start(*, actor: User, enrollment: Enrollment) -> None:
    """For a new MP after its letter: certificate request, connectivity specs task, Service Desk request."""
    participant = enrollment.participant
    usa = (
        Membership.objects.active()
        .filter(participant=participant, contact_role=ContactRole.USER_SECURITY_ADMINISTRATOR)
        .select_related("user")
        .first()
    )
    certificate = CertificateRequest.objects.create(
        participant=participant, enrollment=enrollment, security_administrator=usa.user if usa else None
    )
    audit_record(
        actor=actor,
        verb=QualificationEvent.CERTIFICATE_REQUESTED,
        target=certificate,
        participant=participant,
        changes={"security_administrator": (None, str(usa.user) if usa else "none on file")},
    )
    _request_connectivity(actor=actor, enrollment=enrollment, reason="New Market Participant qualified")


@transaction.atomic
def certificate_advance(*, actor: User, request: CertificateRequest, to_status: str) -> CertificateRequest:
    policies.check_advance_certificate(actor)
    request = CertificateRequest.objects.select_for_update().get(pk=request.pk)
    if to_status not in CERTIFICATE_TRANSITIONS[request.status]:
        raise DomainError(
            f"The certificate is {request.get_status_display().lower()}: it cannot become {CertificateStatus(to_status).label.lower()}.",
            code=QualificationErrorCode.INVALID_TRANSITION,
        )
    old = request.status
    request.status = to_status
    if to_status == CertificateStatus.ISSUED:
        request.issued_at = timezone.now()
    if to_status == CertificateStatus.INSTALLED:
        request.installed_at = timezone.now()
    request.save()
    audit_record(
        actor=actor,
        verb=QualificationEvent.CERTIFICATE_STATUS_CHANGED,
        target=request,
        participant=request.participant,
        changes={"status": (old, to_status)},
    )
    return request
