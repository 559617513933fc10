"""Open a case of any kind in one call, for tests and fixtures that vary the kind.

Each kind has its own service and typed input (``inquiry_submit(inquiry=InquiryInput(...))``, ...); this maps the
flat keyword arguments tests and fixtures pass (``kind``, ``dispute={...}``, ``contact={...}``, ``queue``) onto the
right one, so a fixture can say ``submit(kind=CaseKind.DISPUTE, dispute=...)``.
"""

from __future__ import annotations

from cases.models import Case, CaseKind
from cases.services import (
    ContactRequestInput,
    DisputeInput,
    InquiryInput,
    ServiceRequestInput,
    contact_request_submit,
    dispute_submit,
    inquiry_submit,
    service_request_submit,
)


def submit_case(
    *,
    actor,
    kind: str = CaseKind.INQUIRY,
    now=None,
    dispute: dict | None = None,
    late_acceptance_reason: str = "",
    contact: dict | None = None,
    queue=None,
    **fields,
) -> Case:
    """``fields`` are those of ``CaseInput`` (category, subject, description, participant, requester, channel, ...)."""
    if kind == CaseKind.DISPUTE:
        data = DisputeInput(**fields, **(dispute or {}), late_acceptance_reason=late_acceptance_reason)
        return dispute_submit(actor=actor, dispute=data, now=now)
    if kind == CaseKind.POTENTIAL_MP:
        contact = contact or {}
        data = ContactRequestInput(
            **fields,
            name=contact.get("name", ""),
            email=contact.get("email", ""),
            company=contact.get("company", ""),
            phone=contact.get("phone", ""),
        )
        return contact_request_submit(actor=actor, contact=data, now=now)
    if kind == CaseKind.SERVICE_REQUEST:
        return service_request_submit(actor=actor, service_request=ServiceRequestInput(**fields, queue=queue), now=now)
    return inquiry_submit(actor=actor, inquiry=InquiryInput(**fields), now=now)
