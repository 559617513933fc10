"""Opening a case, one service per kind: an inquiry, a dispute, a potential-MP contact request, a service request.

Each takes a typed input (a frozen dataclass) with the actor and the moment. The steps they share are the private
helpers below: who may open it (``_check_opener``), the unsaved case and its route (``_new_case``, ``_route``), then
reference, SLA, validation, attachments, audit, receipt and pattern detection (``_file``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import MarketParticipant, User
from accounts.roles import StaffGroup
from accounts.services.participants import _current_manager_user
from ercot_services.core.audit import audit_record
from ercot_services.core.calendar import BusinessCalendar, business_calendar
from ercot_services.core.models import DomainError, clean_or_refuse
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
    DisputeDay,
    DisputeDetail,
)
from ..summary import refresh_case_summary
from . import sla
from .attachments import attach_uploads
from .dispute_days import DisputeDayInput, detail_from_days, dispute_days_plan
from .incidents import incident_detection_queue
from .notifications import notify, requester_recipients
from .patterns import pattern_detect

# --- what each kind is opened with ----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CaseInput:
    """What every case is opened with.

    ``requester`` is the MP contact the case is for (the actor themselves in the portal; the contact an AM logs a
    phone call or email for). ``cc`` addresses receive a copy of every email the requester receives. ``participant``
    is required for every kind but the potential-MP contact; a missing one is refused with a message.
    """

    category: CaseCategory
    subject: str
    description: str
    participant: MarketParticipant | None = None
    requester: User | None = None
    channel: str = Channel.PORTAL
    priority: str | None = None
    attachments: Sequence[CheckedUpload] = ()
    cc: Sequence[str] = ()


@dataclass(frozen=True, kw_only=True)
class InquiryInput(CaseInput):
    """An inquiry: a question of a Market Participant (the common fields only)."""


@dataclass(frozen=True, kw_only=True)
class DisputeInput(CaseInput):
    """A dispute of a statement or invoice: what is disputed, and why staff accept it late (if they do).

    The detail fields may be left out so that a dispute without them is refused with a message a person can act on.
    """

    operating_day: datetime.date | None = None
    statement_type: str = ""
    statement_date: datetime.date | None = None
    charge_type: str = ""
    disputed_amount: Decimal | None = None
    statement_reference: str = ""
    late_acceptance_reason: str = ""
    # Several Operating Days of the same charge and statement type (each with its amount); when empty, the one day
    # of ``operating_day`` and ``disputed_amount``.
    days: Sequence[DisputeDayInput] = ()

    def day_inputs(self) -> list[DisputeDayInput]:
        if self.days:
            return list(self.days)
        if self.operating_day is None or self.disputed_amount is None:
            return []
        return [DisputeDayInput(operating_day=self.operating_day, disputed_amount=self.disputed_amount)]


@dataclass(frozen=True, kw_only=True)
class ContactRequestInput(CaseInput):
    """A potential Market Participant asks Client Relations to contact them (the public contact form)."""

    name: str
    email: str
    company: str = ""
    phone: str = ""


@dataclass(frozen=True, kw_only=True)
class ServiceRequestInput(CaseInput):
    """A ticket to a team (``queue``, else the MP's AM or the Service Desk), opened by another service."""

    queue: Group | None = None


# --- the services ---------------------------------------------------------------------------------------


@transaction.atomic
def inquiry_submit(*, actor: User | None, inquiry: InquiryInput, now: datetime.datetime | None = None) -> Case:
    """Open an inquiry, routed to the MP's current AM (or the Service Desk queue when it has none)."""
    now = now or timezone.now()
    _check_opener(actor, inquiry, kind=CaseKind.INQUIRY)
    case = _new_case(actor=actor, kind=CaseKind.INQUIRY, data=inquiry, now=now)
    _route(case, to_manager=True)
    return _file(actor=actor, case=case, data=inquiry, now=now, calendar=business_calendar())


@transaction.atomic
def dispute_submit(*, actor: User | None, dispute: DisputeInput, now: datetime.datetime | None = None) -> Case:
    """Open a dispute within its filing window; a late one only when staff accept it with a reason."""
    now = now or timezone.now()
    calendar = business_calendar()
    is_staff = _check_opener(actor, dispute, kind=CaseKind.DISPUTE)
    case = _new_case(actor=actor, kind=CaseKind.DISPUTE, data=dispute, now=now)
    _route(case, to_manager=True)
    detail = _dispute_detail(actor=actor, dispute=dispute, now=now, calendar=calendar, is_staff=is_staff)
    return _file(
        actor=actor,
        case=case,
        data=dispute,
        now=now,
        calendar=calendar,
        dispute_detail=detail,
        reason=dispute.late_acceptance_reason if detail.filed_late else "",
    )


@transaction.atomic
def contact_request_submit(
    *, actor: User | None, contact: ContactRequestInput, now: datetime.datetime | None = None
) -> Case:
    """Open a potential-MP contact request in the Service Desk queue (``actor`` is None from the public form)."""
    now = now or timezone.now()
    _check_opener(actor, contact, kind=CaseKind.POTENTIAL_MP)
    case = _new_case(actor=actor, kind=CaseKind.POTENTIAL_MP, data=contact, now=now)
    case.contact_name, case.contact_email = contact.name, contact.email
    case.contact_company, case.contact_phone = contact.company, contact.phone
    _route(case, to_manager=False)
    return _file(actor=actor, case=case, data=contact, now=now, calendar=business_calendar())


@transaction.atomic
def service_request_submit(
    *, actor: User | None, service_request: ServiceRequestInput, now: datetime.datetime | None = None
) -> Case:
    """Open a service request in ``queue`` (qualification's connectivity ticket to MASS), else routed as an inquiry.

    The caller checks who may open it: a service request is a ticket that other services open after their own check.
    """
    now = now or timezone.now()
    _check_opener(actor, service_request, kind=CaseKind.SERVICE_REQUEST)
    case = _new_case(actor=actor, kind=CaseKind.SERVICE_REQUEST, data=service_request, now=now)
    _route(case, to_manager=True, queue=service_request.queue)
    return _file(actor=actor, case=case, data=service_request, now=now, calendar=business_calendar())


# --- the shared steps ---------------------------------------------------------------------------------------


def _check_opener(actor: User | None, data: CaseInput, *, kind: str) -> bool:
    """Refuse what this actor may not open; return whether they are staff."""
    is_staff = bool(actor and actor.is_authenticated and actor.is_staff)
    if kind != CaseKind.POTENTIAL_MP and data.participant is None:
        raise DomainError("Choose the Market Participant this case is for.", code=CaseErrorCode.PARTICIPANT_REQUIRED)
    # Mail received at our addresses is opened by the system (actor None) once cases.services.inbound matched it.
    received_by_email = actor is None and data.channel == Channel.EMAIL
    if data.channel in (Channel.PHONE, Channel.EMAIL, Channel.MEETING) and not is_staff and not received_by_email:
        raise DomainError(
            "Only Client Services staff can log a case received by phone, email or in a meeting.",
            code=CaseErrorCode.PERMISSION_DENIED,
        )
    if is_staff and kind != CaseKind.SERVICE_REQUEST:
        # Logging an inquiry or dispute on the MP's behalf is case work. A service request is a ticket to the
        # Service Desk that other services open after their own check (qualification's connectivity ticket).
        policies.check_work_case(actor)
    _check_registered(data.participant, kind=kind, is_staff=is_staff)
    return is_staff


def _check_registered(participant, *, kind: str, is_staff: bool) -> None:
    """A dispute is about settlement statements, which only a registered MP receives; and the portal's cases open
    once the MP is registered (before that, its questions go to Client Services, who may log them as staff)."""
    if participant is None or participant.is_registered:
        return
    if kind == CaseKind.DISPUTE:
        raise DomainError(
            f"{participant.legal_name} is not registered yet: disputes can be filed once its registration is approved.",
            code=CaseErrorCode.PARTICIPANT_NOT_REGISTERED,
        )
    if kind == CaseKind.INQUIRY and not is_staff:
        raise DomainError(
            f"{participant.legal_name} is not registered yet: until it is, ask Client Services about the registration.",
            code=CaseErrorCode.PARTICIPANT_NOT_REGISTERED,
        )


def _new_case(*, actor: User | None, kind: str, data: CaseInput, now: datetime.datetime) -> Case:
    """The unsaved case; in the portal the requester is the actor."""
    requester = data.requester
    if requester is None and actor is not None and actor.is_authenticated and not actor.is_staff:
        requester = actor
    return Case(
        kind=kind,
        participant=data.participant,
        category=data.category,
        priority=data.priority or data.category.default_priority,
        channel=data.channel,
        subject=data.subject.strip(),
        description=data.description.strip(),
        submitted_by=requester,
        cc_addresses=list(dict.fromkeys(address.strip().lower() for address in data.cc if address.strip())),
        created_at=now,
    )


def _route(case: Case, *, to_manager: bool, queue: Group | None = None) -> None:
    """To ``queue`` when given, else (``to_manager``) to the MP's current AM, else to the Service Desk queue."""
    manager = _current_manager_user(case.participant) if case.participant else None
    if queue is not None:
        case.queue = queue
    elif manager is not None and to_manager:
        case.assignee = manager
    else:
        case.queue = Group.objects.filter(name=StaffGroup.SERVICE_DESK).first()


def _dispute_detail(
    *, actor: User | None, dispute: DisputeInput, now: datetime.datetime, calendar: BusinessCalendar, is_staff: bool
) -> DisputeDetail:
    """The unsaved dispute details and their days, each with its filing deadline; a late day is refused (nothing is
    filed) unless staff accept it with a reason."""
    days = dispute.day_inputs()
    if not days or not dispute.statement_type:
        raise DomainError(
            "A dispute needs its Operating Day, statement, charge type and amount.",
            code=CaseErrorCode.DISPUTE_DETAILS_REQUIRED,
        )
    planned = dispute_days_plan(
        days=days,
        statement_type=dispute.statement_type,
        statement_date=dispute.statement_date,
        now=now,
        calendar=calendar,
        may_accept_late=is_staff and bool(dispute.late_acceptance_reason.strip()),
    )
    detail = DisputeDetail(
        statement_type=dispute.statement_type,
        statement_date=dispute.statement_date,
        charge_type=dispute.charge_type,
        statement_reference=dispute.statement_reference,
    )
    detail_from_days(detail, planned)
    late = detail.filed_late
    detail.late_acceptance_reason = dispute.late_acceptance_reason.strip() if late else ""
    detail.accepted_late_by = actor if late else None
    detail.planned_days = planned
    return detail


def _file(
    *,
    actor: User | None,
    case: Case,
    data: CaseInput,
    now: datetime.datetime,
    calendar: BusinessCalendar,
    dispute_detail: DisputeDetail | None = None,
    reason: str = "",
) -> Case:
    """Number, schedule, validate and save the case (and its dispute details); attach, audit, send the receipt."""
    case.reference = _next_reference(case.kind, timezone.localdate(now).year)
    sla.schedule(case, calendar)
    _clean(case)
    case.save()
    if dispute_detail is not None:
        dispute_detail.case = case
        _clean(dispute_detail)
        dispute_detail.save()
        for day in dispute_detail.planned_days:
            day.dispute = dispute_detail
            _clean(day)
        DisputeDay.objects.bulk_create(dispute_detail.planned_days)
    attach_uploads(case=case, uploads=data.attachments, actor=actor)
    refresh_case_summary(case.participant_id)
    audit_record(
        actor=actor,
        verb=CaseEvent.CASE_SUBMITTED,
        target=case,
        changes={
            "status": (None, case.status),
            "assignee": (None, str(case.assignee or case.queue or "")),
            "channel": (None, case.channel),
        },
        reason=reason,
        at=now,
    )
    notify(
        case=case,
        event=CaseNotification.Event.SUBMITTED,
        event_key="submitted",
        recipients=requester_recipients(case),
        context={"dispute": dispute_detail},
    )
    if case.participant is not None:
        pattern_detect(participant=case.participant, category=case.category, now=now)
        incident_detection_queue(case)
    return case


def _clean(obj) -> None:
    clean_or_refuse(obj, code=CaseErrorCode.INVALID)


def _next_reference(kind: str, year: int) -> str:
    """``INQ-2026-000123``: the next number for this kind and year.

    The sequence row is locked until the surrounding transaction commits, so
    concurrent submissions are numbered one after the other; the row is created
    on first use, with a retry if two transactions create it at once.
    """
    prefix = KIND_PREFIX[kind]
    value = next_in_sequence(CaseSequence, prefix=prefix, year=year)
    return f"{prefix}-{year}-{value:06d}"
