"""Services for cases: submit, reply, move through the workflow, assign, escalate, merge, link, clone.

Each is keyword-only and transactional, records audit events and queues the
emails of its outbox on commit. Views, bulk actions, tasks and other apps (for
example qualification opening a connectivity-testing service request) call
these; nothing else writes cases.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import MarketParticipant, User
from accounts.roles import StaffGroup
from accounts.services.participants import _current_manager_user
from ercot_services.core.audit import audit_record
from ercot_services.core.calendar import BusinessCalendar, business_calendar
from ercot_services.core.models import DomainError
from ercot_services.core.sequences import next_in_sequence
from ercot_services.core.uploads import CheckedUpload

from .. import policies
from ..error_codes import CaseErrorCode
from ..events import CaseEvent
from ..models import (
    CASE_TRANSITIONS,
    KIND_PREFIX,
    OPEN_STATUSES,
    Case,
    CaseAttachment,
    CaseCategory,
    CaseKind,
    CaseMessage,
    CaseNotification,
    CaseSequence,
    CaseSettings,
    CaseStatus,
    Channel,
    DisputeDetail,
    DisputeOutcome,
    DisputeWindow,
    IssuePattern,
    NextAction,
    SlaState,
    StatementType,
)
from . import sla
from .notifications import notify

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


# --- disputes ----------------------------------------------------------------------


@dataclass(frozen=True)
class DisputeDeadline:
    deadline: datetime.date
    window: DisputeWindow
    explanation: str


def dispute_deadline(
    *,
    statement_type: str,
    operating_day: datetime.date,
    statement_date: datetime.date | None,
    calendar: BusinessCalendar | None = None,
) -> DisputeDeadline:
    """The last Business Day to file, from the administrator-editable window of this statement type."""
    window = DisputeWindow.objects.filter(statement_type=statement_type).first()
    if window is None:
        raise DomainError(
            f"No dispute window is configured for {StatementType(statement_type).label} statements.",
            code=CaseErrorCode.NO_DISPUTE_WINDOW,
        )
    calendar = calendar or business_calendar()
    if window.anchor == DisputeWindow.Anchor.BEFORE_TRUE_UP:
        true_up = calendar.next_business_day(operating_day + datetime.timedelta(days=window.true_up_after_days))
        deadline = calendar.add_business_days(true_up, -window.business_days)
        explanation = (
            f"{window.business_days} Business Days before the True-Up statement for Operating Day "
            f"{operating_day:%b %d, %Y} (expected {true_up:%b %d, %Y})"
        )
    else:
        if statement_date is None:
            document = (
                "invoice"
                if statement_type == StatementType.INVOICE
                else f"{StatementType(statement_type).label} statement"
            )
            raise DomainError(
                f"Give the date of the {document}: the filing window counts from it.",
                code=CaseErrorCode.DOCUMENT_DATE_REQUIRED,
            )
        deadline = calendar.add_business_days(statement_date, window.business_days)
        explanation = f"{window.business_days} Business Days after the statement dated {statement_date:%b %d, %Y}"
    return DisputeDeadline(deadline=deadline, window=window, explanation=explanation)


# --- submission ----------------------------------------------------------------------


def _service_desk() -> Group | None:
    return Group.objects.filter(name=StaffGroup.SERVICE_DESK).first()


def _attach(*, case: Case, uploads: Iterable[CheckedUpload], actor: User | None, message=None, internal=False):
    for upload in uploads:
        attachment = CaseAttachment(
            case=case,
            message=message,
            original_name=upload.safe_name,
            content_type=upload.content_type,
            size=upload.size,
            uploaded_by=actor if actor and actor.is_authenticated else None,
            is_internal=internal,
        )
        attachment.file.save(upload.safe_name, upload.file, save=False)
        attachment.save()


def _requester_recipients(case: Case) -> list[tuple[str, User | None, bool]]:
    """The requester, and the addresses copied on the case (the operator's teams: a staff link)."""
    copies = [(address, None, True) for address in case.cc_addresses]
    if case.submitted_by_id and not case.submitted_by.is_staff:
        return [(case.submitted_by.email, case.submitted_by, False), *copies]
    if case.contact_email:
        return [(case.contact_email, None, False), *copies]
    return copies


def _assignee_recipients(case: Case, exclude: User | None = None) -> list[tuple[str, User | None, bool]]:
    if case.assignee_id and case.assignee != exclude:
        return [(case.assignee.email, case.assignee, True)]
    return []


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
    _attach(case=case, uploads=attachments, actor=actor)

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
        recipients=_requester_recipients(case),
        context={"dispute": dispute_detail},
    )
    if participant is not None:
        pattern_detect(participant=participant, category=category, now=now)
    return case


# --- conversation ----------------------------------------------------------------------


@transaction.atomic
def case_reply(
    *,
    actor: User,
    case: Case,
    body: str,
    internal: bool = False,
    attachments: Iterable[CheckedUpload] = (),
    wait_on_participant: bool = False,
    now: datetime.datetime | None = None,
) -> CaseMessage:
    """Add a public reply or an internal note.

    A staff reply is the first response if none came before. A participant
    reply to a case Waiting on Participant puts it back In Progress.
    """
    if actor.is_staff:
        policies.check_reply_case(actor)
    case = Case.objects.select_for_update(of=("self",)).select_related("submitted_by", "assignee").get(pk=case.pk)
    if not body.strip():
        raise DomainError("Write a message before sending.", code=CaseErrorCode.MESSAGE_REQUIRED)
    if internal and not actor.is_staff:
        raise DomainError("Only staff can add internal notes.", code=CaseErrorCode.PERMISSION_DENIED)
    if case.status in (CaseStatus.CLOSED, CaseStatus.WITHDRAWN):
        raise DomainError(
            f"{case.reference} is {case.get_status_display().lower()}: it takes no more replies.",
            code=CaseErrorCode.CASE_CLOSED,
        )
    now = now or timezone.now()
    message = CaseMessage.objects.create(
        case=case, author=actor, author_name=actor.full_name, body=body.strip(), is_internal=internal, created_at=now
    )
    _attach(case=case, uploads=attachments, actor=actor, message=message, internal=internal)
    audit_record(
        actor=actor,
        verb=CaseEvent.CASE_NOTE_ADDED if internal else CaseEvent.CASE_REPLIED,
        target=case,
        at=now,
        changes={"attachments": (None, len(list(message.attachments.all())))} if message.attachments.exists() else {},
    )
    if internal:
        return message

    if actor.is_staff:
        if case.first_response_at is None:
            case.first_response_at = now
            case.first_response_business_seconds = sla.elapsed_seconds(case, business_calendar(), now)
            case.save(update_fields=["first_response_at", "first_response_business_seconds", "updated_at"])
        notify(
            case=case,
            event=CaseNotification.Event.REPLY,
            event_key=f"reply-{message.pk}",
            recipients=_requester_recipients(case),
            context={"author_name": actor.full_name, "body": message.body},
        )
        if wait_on_participant and case.status != CaseStatus.WAITING:
            case_transition(
                actor=actor, case=case, to_status=CaseStatus.WAITING, reason="Reply asks the participant", now=now
            )
    else:
        notify(
            case=case,
            event=CaseNotification.Event.REPLY,
            event_key=f"reply-{message.pk}",
            recipients=_assignee_recipients(case),
            context={"author_name": actor.full_name, "body": message.body},
        )
        if case.status == CaseStatus.WAITING:
            case_transition(
                actor=actor, case=case, to_status=CaseStatus.IN_PROGRESS, reason="Participant replied", now=now
            )
    return message


# --- workflow -----------------------------------------------------------------------------


def _next_action_for(status: str) -> str:
    if status == CaseStatus.WAITING:
        return NextAction.PARTICIPANT
    if status in OPEN_STATUSES:
        return NextAction.CLIENT_SERVICES
    return NextAction.NOBODY


@transaction.atomic
def case_transition(
    *,
    actor: User,
    case: Case,
    to_status: str,
    reason: str = "",
    resolution_summary: str = "",
    outcome: str = "",
    outcome_explanation: str = "",
    granted_amount: Decimal | None = None,
    now: datetime.datetime | None = None,
) -> Case:
    """Move a case along :data:`CASE_TRANSITIONS`, keeping the SLA clock and timestamps right."""
    if actor.is_staff:
        policies.check_work_case(actor)
    now = now or timezone.now()
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins select_related makes.
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("submitted_by", "assignee", "participant")
        .get(pk=case.pk)
    )
    old = case.status
    if old == to_status:
        raise DomainError(
            f"{case.reference} is already {case.get_status_display()}.", code=CaseErrorCode.ALREADY_IN_STATUS
        )
    if not case.can_move_to(to_status):
        allowed = ", ".join(CaseStatus(s).label for s in sorted(CASE_TRANSITIONS[old])) or "none (final)"
        raise DomainError(
            f"{case.reference} is {case.get_status_display()}: it cannot move to "
            f"{CaseStatus(to_status).label}. Allowed next: {allowed}.",
            code=CaseErrorCode.INVALID_TRANSITION,
        )
    is_staff = actor.is_staff
    if is_staff and to_status == CaseStatus.RESOLVED and case.kind == CaseKind.DISPUTE:
        policies.check_resolve_dispute(actor)
    # Participants withdraw, reopen, and resume a case Waiting on Participant by answering (case_reply).
    participant_moves = {CaseStatus.WITHDRAWN, CaseStatus.IN_PROGRESS}
    if not is_staff and to_status not in participant_moves:
        raise DomainError("Only Client Services can make that change.", code=CaseErrorCode.PERMISSION_DENIED)
    if not is_staff and to_status == CaseStatus.IN_PROGRESS and old not in (CaseStatus.RESOLVED, CaseStatus.WAITING):
        raise DomainError("Only Client Services can make that change.", code=CaseErrorCode.PERMISSION_DENIED)

    calendar = business_calendar()
    settings_row = CaseSettings.load()
    changes: dict = {"status": (old, to_status)}

    if old == CaseStatus.RESOLVED and to_status == CaseStatus.IN_PROGRESS:
        deadline = case.reopen_deadline(settings_row.reopen_window_days)
        if deadline and now > deadline:
            raise DomainError(
                f"{case.reference} was resolved on {timezone.localtime(case.resolved_at):%b %d, %Y}; it could be "
                f"reopened until {timezone.localtime(deadline):%b %d, %Y}. Open a new case and mention {case.reference}.",
                code=CaseErrorCode.REOPEN_WINDOW_PASSED,
            )
        if not reason.strip():
            raise DomainError("Say why the case is being reopened.", code=CaseErrorCode.REASON_REQUIRED)
        # The resolution clock restarts from where it stopped.
        case.paused_at = case.resolved_at
        case.resolved_at = None
        case.resolution_business_seconds = None
        sla.resume(case, calendar, now)
        changes["resolved_at"] = (True, None)

    if to_status == CaseStatus.WAITING:
        sla.pause(case, now)
    elif old == CaseStatus.WAITING:
        sla.resume(case, calendar, now)

    if to_status == CaseStatus.ACKNOWLEDGED:
        case.acknowledged_at = now
    if to_status == CaseStatus.RESOLVED:
        if case.kind == CaseKind.DISPUTE:
            if outcome not in DisputeOutcome.values:
                raise DomainError(
                    "Choose the dispute outcome: Granted, Granted with Exceptions, Denied or Withdrawn.",
                    code=CaseErrorCode.OUTCOME_REQUIRED,
                )
            if not outcome_explanation.strip():
                raise DomainError(
                    "Explain the dispute outcome: the participant receives this explanation.",
                    code=CaseErrorCode.EXPLANATION_REQUIRED,
                )
            dispute = case.dispute
            dispute.outcome = outcome
            dispute.outcome_explanation = outcome_explanation.strip()
            dispute.granted_amount = granted_amount
            dispute.save(update_fields=["outcome", "outcome_explanation", "granted_amount"])
            changes["outcome"] = ("", outcome)
        elif not resolution_summary.strip():
            raise DomainError(
                "Summarize the resolution: the participant receives it.", code=CaseErrorCode.EXPLANATION_REQUIRED
            )
        if case.paused_at:
            sla.resume(case, calendar, now)
        case.resolved_at = now
        case.resolution_business_seconds = sla.elapsed_seconds(case, calendar, now)
        case.resolution_summary = resolution_summary.strip() or outcome_explanation.strip()
        if case.first_response_at is None:
            case.first_response_at = now
            case.first_response_business_seconds = case.resolution_business_seconds
    if to_status == CaseStatus.CLOSED:
        case.closed_at = now
    if to_status == CaseStatus.WITHDRAWN:
        case.closed_at = now
        case.paused_at = None
        if case.kind == CaseKind.DISPUTE and hasattr(case, "dispute"):
            case.dispute.outcome = DisputeOutcome.WITHDRAWN
            case.dispute.outcome_explanation = reason or "Withdrawn by the participant."
            case.dispute.save(update_fields=["outcome", "outcome_explanation"])

    case.status = to_status
    case.next_action_by = _next_action_for(to_status)
    case.sla_state = sla.evaluate(case, calendar, now=now, at_risk_percent=settings_row.at_risk_percent)
    case.save()
    audit = audit_record(
        actor=actor, verb=CaseEvent.CASE_STATUS_CHANGED, target=case, changes=changes, reason=reason, at=now
    )

    recipients = _requester_recipients(case) if is_staff else _assignee_recipients(case)
    notify(
        case=case,
        event=CaseNotification.Event.STATUS,
        event_key=f"status-{audit.pk}",
        recipients=recipients,
        context={
            "old_status": CaseStatus(old).label,
            "outcome": DisputeOutcome(outcome).label if outcome else "",
            "outcome_explanation": outcome_explanation,
        },
    )
    return case


def case_reopen_deadline(case: Case) -> datetime.datetime | None:
    return case.reopen_deadline(CaseSettings.load().reopen_window_days)


# --- assignment, escalation, fields --------------------------------------------------------


@transaction.atomic
def case_assign(*, actor: User, case: Case, assignee: User | None, reason: str = "") -> Case:
    policies.check_work_case(actor)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if assignee is not None and not assignee.is_staff:
        raise DomainError("Cases can only be assigned to Client Services staff.", code=CaseErrorCode.INVALID_ASSIGNEE)
    if case.assignee_id == (assignee.pk if assignee else None):
        return case
    old = case.assignee
    case.assignee = assignee
    case.save(update_fields=["assignee", "updated_at"])
    audit_record(
        actor=actor,
        verb=CaseEvent.CASE_ASSIGNED,
        target=case,
        changes={"assignee": (str(old or ""), str(assignee or ""))},
        reason=reason,
    )
    return case


@transaction.atomic
def case_escalate(
    *, actor: User, case: Case, reason: str, to_user: User | None = None, to_group: Group | None = None
) -> Case:
    """Bring in a subject-matter expert or a group; the case stays with its assignee."""
    if not actor.is_staff:
        raise DomainError("Only staff can escalate a case.", code=CaseErrorCode.PERMISSION_DENIED)
    policies.check_work_case(actor)
    if not reason.strip():
        raise DomainError("Give a reason for the escalation.", code=CaseErrorCode.REASON_REQUIRED)
    if to_user is None and to_group is None:
        raise DomainError("Choose a person or a group to escalate to.", code=CaseErrorCode.ESCALATION_TARGET_REQUIRED)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise DomainError(
            f"{case.reference} is {case.get_status_display().lower()}: reopen it before escalating.",
            code=CaseErrorCode.CASE_CLOSED,
        )
    changes = {
        "escalated_to": (str(case.escalated_to or ""), str(to_user or "")),
        "escalated_to_group": (str(case.escalated_to_group or ""), str(to_group or "")),
    }
    case.escalated_to, case.escalated_to_group, case.escalation_reason = to_user, to_group, reason.strip()
    case.save(update_fields=["escalated_to", "escalated_to_group", "escalation_reason", "updated_at"])
    audit_record(actor=actor, verb=CaseEvent.CASE_ESCALATED, target=case, changes=changes, reason=reason)
    return case


@transaction.atomic
def case_update(
    *, actor: User, case: Case, priority: str | None = None, category: CaseCategory | None = None, reason: str = ""
) -> Case:
    """Change priority or category; the SLA due moments follow the new targets."""
    policies.check_work_case(actor)
    case = Case.objects.select_for_update().get(pk=case.pk)
    changes = {}
    if priority and priority != case.priority:
        changes["priority"] = (case.priority, priority)
        case.priority = priority
    if category and category.pk != case.category_id:
        changes["category"] = (str(case.category), str(category))
        case.category = category
    if not changes:
        return case
    calendar = business_calendar()
    sla.schedule(case, calendar)
    case.sla_state = sla.evaluate(case, calendar) if case.is_open else case.sla_state
    case.save()
    audit_record(actor=actor, verb=CaseEvent.CASE_UPDATED, target=case, changes=changes, reason=reason)
    return case


# --- merge, link, clone --------------------------------------------------------------------------


@transaction.atomic
def case_merge(*, actor: User, source: Case, target: Case, reason: str = "") -> Case:
    """Close ``source`` as a duplicate of ``target``; its conversation stays readable and links across."""
    policies.check_work_case(actor)
    if source.pk == target.pk:
        raise DomainError("A case cannot be merged into itself.", code=CaseErrorCode.SAME_CASE)
    if source.participant_id != target.participant_id:
        raise DomainError(
            "Only cases of the same Market Participant can be merged.", code=CaseErrorCode.DIFFERENT_PARTICIPANT
        )
    if not target.is_open and target.status != CaseStatus.RESOLVED:
        raise DomainError(
            f"{target.reference} is {target.get_status_display().lower()}: merge into an open case.",
            code=CaseErrorCode.CASE_CLOSED,
        )
    if source.status in (CaseStatus.CLOSED, CaseStatus.WITHDRAWN):
        raise DomainError(
            f"{source.reference} is already {source.get_status_display().lower()}.", code=CaseErrorCode.CASE_CLOSED
        )
    source = Case.objects.select_for_update().get(pk=source.pk)
    now = timezone.now()
    old = source.status
    source.merged_into = target
    source.status = CaseStatus.CLOSED
    source.closed_at = now
    source.next_action_by = NextAction.NOBODY
    source.paused_at = None
    source.save()
    source.related.add(target)
    CaseMessage.objects.create(
        case=target,
        author=actor,
        author_name=actor.full_name,
        is_internal=True,
        body=f"{source.reference} ({source.subject}) was merged into this case. {reason}".strip(),
    )
    audit_record(
        actor=actor,
        verb=CaseEvent.CASE_MERGED,
        target=source,
        changes={"status": (old, CaseStatus.CLOSED), "merged_into": (None, target.reference)},
        reason=reason,
    )
    audit_record(
        actor=actor, verb=CaseEvent.CASE_MERGE_RECEIVED, target=target, changes={"merged": (None, source.reference)}
    )
    return target


@transaction.atomic
def case_link(*, actor: User, case: Case, other: Case) -> None:
    policies.check_work_case(actor)
    if case.pk == other.pk:
        raise DomainError("A case cannot be linked to itself.", code=CaseErrorCode.SAME_CASE)
    case.related.add(other)
    audit_record(actor=actor, verb=CaseEvent.CASE_LINKED, target=case, changes={"related": (None, other.reference)})
    audit_record(actor=actor, verb=CaseEvent.CASE_LINKED, target=other, changes={"related": (None, case.reference)})


@transaction.atomic
def case_clone(*, actor: User, case: Case) -> Case:
    """A new case with the same participant, requester, category and text (for example to split a topic)."""
    policies.check_work_case(actor)
    clone = case_submit(
        actor=actor,
        kind=CaseKind.INQUIRY if case.kind == CaseKind.DISPUTE else case.kind,
        category=case.category,
        subject=f"{case.subject} (follow-up to {case.reference})"[:200],
        description=case.description,
        participant=case.participant,
        requester=case.submitted_by,
        channel=case.channel if case.channel != Channel.PORTAL or not actor.is_staff else Channel.EMAIL,
        priority=case.priority,
        contact={
            "name": case.contact_name,
            "email": case.contact_email,
            "company": case.contact_company,
            "phone": case.contact_phone,
        }
        if case.kind == CaseKind.POTENTIAL_MP
        else None,
    )
    clone.cloned_from = case
    clone.save(update_fields=["cloned_from"])
    clone.related.add(case)
    audit_record(actor=actor, verb=CaseEvent.CASE_CLONED, target=case, changes={"clone": (None, clone.reference)})
    return clone


# --- bulk --------------------------------------------------------------------------------------


@dataclass
class BulkResult:
    done: list[str]
    refused: dict[str, str]


def case_bulk_assign(*, actor: User, cases: Iterable[Case], assignee: User | None, reason: str = "") -> BulkResult:
    policies.check_work_case(actor)
    result = BulkResult(done=[], refused={})
    for case in cases:
        try:
            case_assign(actor=actor, case=case, assignee=assignee, reason=reason)
            result.done.append(case.reference)
        except DomainError as error:
            result.refused[case.reference] = str(error)
    return result


def case_bulk_close(*, actor: User, cases: Iterable[Case], reason: str = "") -> BulkResult:
    """Close resolved cases; other cases are reported as refused with the reason, not silently skipped."""
    policies.check_work_case(actor)
    result = BulkResult(done=[], refused={})
    for case in cases:
        try:
            case_transition(actor=actor, case=case, to_status=CaseStatus.CLOSED, reason=reason)
            result.done.append(case.reference)
        except DomainError as error:
            result.refused[case.reference] = str(error)
    return result


# --- SLA scan ---------------------------------------------------------------------------------


def case_sla_scan(*, now: datetime.datetime | None = None) -> dict:
    """Re-evaluate open cases; a case that becomes at risk warns its assignee once."""
    now = now or timezone.now()
    calendar = business_calendar()
    settings_row = CaseSettings.load()
    targets = sla.all_targets()
    changed = warned = 0
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES, paused_at__isnull=True).select_related("assignee")
    for case in open_cases.iterator(chunk_size=500):
        state = sla.evaluate(case, calendar, now=now, at_risk_percent=settings_row.at_risk_percent, targets=targets)
        if state == case.sla_state:
            continue
        with transaction.atomic():
            locked = (
                Case.objects.select_for_update(of=("self",)).select_related("assignee", "participant").get(pk=case.pk)
            )
            old = locked.sla_state
            locked.sla_state = state
            fields = ["sla_state"]
            # Warn once, and only when someone can be warned: a case assigned later is still warned.
            if (
                state in (SlaState.AT_RISK, SlaState.BREACHED)
                and locked.at_risk_notified_at is None
                and locked.assignee_id
            ):
                locked.at_risk_notified_at = now
                fields.append("at_risk_notified_at")
                warned += notify(
                    case=locked,
                    event=CaseNotification.Event.AT_RISK,
                    event_key="at-risk",
                    recipients=_assignee_recipients(locked),
                )
            locked.save(update_fields=fields)
            audit_record(
                actor=None, verb=CaseEvent.CASE_SLA_CHANGED, target=locked, changes={"sla_state": (old, state)}, at=now
            )
            changed += 1
    return {"changed": changed, "warned": warned}


# --- issue patterns ----------------------------------------------------------------------------


@transaction.atomic
def pattern_detect(
    *, participant: MarketParticipant, category: CaseCategory, now: datetime.datetime | None = None
) -> IssuePattern | None:
    """Raise (or grow) the open pattern when the MP filed N+ cases in this category within D days."""
    now = now or timezone.now()
    # One detection per MP at a time: submissions of different kinds are numbered from different
    # sequences, so they really overlap; without this lock two of them each create the open pattern
    # (one fails on the unique constraint) or each miss the other's case.
    MarketParticipant.objects.select_for_update().filter(pk=participant.pk).first()
    rule = CaseSettings.load()
    since = now - datetime.timedelta(days=rule.pattern_window_days)
    recent = list(
        Case.objects.filter(participant=participant, category=category, created_at__gte=since, merged_into__isnull=True)
        .order_by("created_at")
        .values_list("pk", "created_at")
    )
    if len(recent) < rule.pattern_case_count:
        return None
    pattern = IssuePattern.objects.filter(
        participant=participant, category=category, status=IssuePattern.Status.OPEN
    ).first()
    created = pattern is None
    if created:
        pattern = IssuePattern(participant=participant, category=category)
    pattern.case_count = len(recent)
    pattern.window_days = rule.pattern_window_days
    pattern.last_case_at = recent[-1][1]
    pattern.save()
    pattern.cases.add(*[pk for pk, _ in recent])
    if created:
        audit_record(
            actor=None,
            verb=CaseEvent.PATTERN_RAISED,
            target=pattern,
            participant=participant,
            changes={"cases": (None, len(recent))},
        )
    return pattern


@transaction.atomic
def pattern_dismiss(*, actor: User, pattern: IssuePattern, reason: str) -> IssuePattern:
    policies.check_work_case(actor)
    if not reason.strip():
        raise DomainError("Say why this pattern needs no action.", code=CaseErrorCode.REASON_REQUIRED)
    pattern.status = IssuePattern.Status.DISMISSED
    pattern.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        verb=CaseEvent.PATTERN_DISMISSED,
        target=pattern,
        changes={"status": ("open", "dismissed")},
        reason=reason,
    )
    return pattern
