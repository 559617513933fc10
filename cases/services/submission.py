"""Opening a case: reference, routing, SLA, dispute window, attachments, receipt and audit."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import MarketParticipant, User
from accounts.roles import StaffGroup
from accounts.services.participants import _current_manager_user
from ercot_services.core.audit import audit_record
from ercot_services.core.calendar import business_calendar
from ercot_services.core.models import DomainError
from ercot_services.core.sequences import next_in_sequence
from ercot_services.core.uploads import CheckedUpload

from .. import policies
from ..error_codes import CaseErrorCode
from ..events import CaseEvent
from ..models import (
    KIND_PREFIX,
    Case,
    CaseCategory,
    CaseKind,
    CaseNotification,
    CaseSequence,
    Channel,
    DisputeDetail,
)
from . import sla
from .attachments import attach_uploads
from .disputes import dispute_deadline
from .notifications import notify, requester_recipients
from .patterns import pattern_detect

# --- references ------------------------------------------------------------------


def _next_reference(kind: str, year: int) -> str:
    """``INQ-2026-000123``: the next number for this kind and year.

    The sequence row is locked until the surrounding transaction commits, so
    concurrent submissions are numbered one after the other; the row is created
    on first use, with a retry if two transactions create it at once.
    """
    prefix = KIND_PREFIX[kind]
    value = next_in_sequence(CaseSequence, prefix=prefix, year=year)
    return f"{prefix}-{year}-{value:06d}"


def _service_desk() -> Group | None:
    return Group.objects.filter(name=StaffGroup.SERVICE_DESK).first()


@transaction.atomic
def case_submit(
    *,
    actor: User | None,
    kind: str,
    category: CaseCategory,
    subject: str,
    description: str,
    participant: MarketParticipant | None = None,
    requester: User | None = None,
    channel: str = Channel.PORTAL,
    priority: str | None = None,
    dispute: dict | None = None,
    late_acceptance_reason: str = "",
    contact: dict | None = None,
    attachments: Iterable[CheckedUpload] = (),
    queue: Group | None = None,
    cc: Iterable[str] = (),
    now: datetime.datetime | None = None,
) -> Case:
    """Open a case and route it: to ``queue`` when given, else to the MP's current AM, or to the Service Desk queue.

    ``requester`` is the MP contact the case is for (the actor themselves in the
    portal; the contact an AM logs a phone call or email for). ``cc`` addresses
    receive a copy of every email the requester receives. A dispute needs
    ``dispute`` fields; one filed after its deadline is refused unless staff
    accept it late with ``late_acceptance_reason``.
    """
    now = now or timezone.now()
    calendar = business_calendar()
    is_staff = bool(actor and actor.is_authenticated and actor.is_staff)
    if kind != CaseKind.POTENTIAL_MP and participant is None:
        raise DomainError("Choose the Market Participant this case is for.", code=CaseErrorCode.PARTICIPANT_REQUIRED)
    if requester is None and actor is not None and actor.is_authenticated and not actor.is_staff:
        requester = actor
    if channel in (Channel.PHONE, Channel.EMAIL, Channel.MEETING) and not is_staff:
        raise DomainError(
            "Only Client Services staff can log a case received by phone, email or in a meeting.",
            code=CaseErrorCode.PERMISSION_DENIED,
        )
    if is_staff and kind != CaseKind.SERVICE_REQUEST:
        # Logging an inquiry or dispute on the MP's behalf is case work. A service request is a ticket to the
        # Service Desk that other services open after their own check (qualification's connectivity ticket).
        policies.check_work_case(actor)

    case = Case(
        kind=kind,
        participant=participant,
        category=category,
        priority=priority or category.default_priority,
        channel=channel,
        subject=subject.strip(),
        description=description.strip(),
        submitted_by=requester,
        cc_addresses=list(dict.fromkeys(address.strip().lower() for address in cc if address.strip())),
        created_at=now,
    )
    if contact:
        case.contact_name = contact.get("name", "")
        case.contact_email = contact.get("email", "")
        case.contact_company = contact.get("company", "")
        case.contact_phone = contact.get("phone", "")
    manager = _current_manager_user(participant) if participant else None
    if queue is not None:
        case.queue = queue
    elif manager is not None and kind != CaseKind.POTENTIAL_MP:
        case.assignee = manager
    else:
        case.queue = _service_desk()

    dispute_detail = None
    if kind == CaseKind.DISPUTE:
        if not dispute:
            raise DomainError(
                "A dispute needs its Operating Day, statement, charge type and amount.",
                code=CaseErrorCode.DISPUTE_DETAILS_REQUIRED,
            )
        due = dispute_deadline(
            statement_type=dispute["statement_type"],
            operating_day=dispute["operating_day"],
            statement_date=dispute.get("statement_date"),
            calendar=calendar,
        )
        late = timezone.localdate(now) > due.deadline
        if late and not (is_staff and late_acceptance_reason.strip()):
            raise DomainError(
                f"The filing deadline for this dispute was {due.deadline:%A, %B %d, %Y} ({due.explanation}). "
                "It can no longer be filed here; contact your Account Manager if you believe it should be accepted late.",
                code=CaseErrorCode.FILING_DEADLINE_PASSED,
            )
        dispute_detail = DisputeDetail(
            operating_day=dispute["operating_day"],
            statement_type=dispute["statement_type"],
            statement_date=dispute.get("statement_date"),
            charge_type=dispute["charge_type"],
            disputed_amount=Decimal(dispute["disputed_amount"]),
            statement_reference=dispute["statement_reference"],
            filing_deadline=due.deadline,
            filed_late=late,
            late_acceptance_reason=late_acceptance_reason.strip() if late else "",
            accepted_late_by=actor if late else None,
        )

    case.reference = _next_reference(kind, timezone.localdate(now).year)
    sla.schedule(case, calendar)
    try:
        case.full_clean()
    except ValidationError as error:
        raise DomainError.from_validation_error(error, code=CaseErrorCode.INVALID) from error
    case.save()
    if dispute_detail is not None:
        dispute_detail.case = case
        try:
            dispute_detail.full_clean()
        except ValidationError as error:
            raise DomainError.from_validation_error(error, code=CaseErrorCode.INVALID) from error
        dispute_detail.save()
    attach_uploads(case=case, uploads=attachments, actor=actor)

    audit_record(
        actor=actor,
        verb=CaseEvent.CASE_SUBMITTED,
        target=case,
        changes={
            "status": (None, case.status),
            "assignee": (None, str(case.assignee or case.queue or "")),
            "channel": (None, case.channel),
        },
        reason=late_acceptance_reason if dispute_detail and dispute_detail.filed_late else "",
        at=now,
    )
    notify(
        case=case,
        event=CaseNotification.Event.SUBMITTED,
        event_key="submitted",
        recipients=requester_recipients(case),
        context={"dispute": dispute_detail},
    )
    if participant is not None:
        pattern_detect(participant=participant, category=category, now=now)
    return case
