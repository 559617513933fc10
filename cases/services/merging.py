"""Cases that belong together: merge a duplicate, link related cases, clone a case to split a topic."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError

from .. import policies
from ..error_codes import CaseErrorCode
from ..events import CaseEvent
from ..models import Case, CaseKind, CaseMessage, CaseStatus, Channel, NextAction
from ..summary import refresh_case_summary
from .submission import (
    ContactRequestInput,
    InquiryInput,
    ServiceRequestInput,
    contact_request_submit,
    inquiry_submit,
    service_request_submit,
)


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
    refresh_case_summary(source.participant_id)
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
    common = {
        "category": case.category,
        "subject": f"{case.subject} (follow-up to {case.reference})"[:200],
        "description": case.description,
        "participant": case.participant,
        "requester": case.submitted_by,
        "channel": case.channel if case.channel != Channel.PORTAL or not actor.is_staff else Channel.EMAIL,
        "priority": case.priority,
    }
    if case.kind == CaseKind.POTENTIAL_MP:
        contact = ContactRequestInput(
            **common,
            name=case.contact_name,
            email=case.contact_email,
            company=case.contact_company,
            phone=case.contact_phone,
        )
        clone = contact_request_submit(actor=actor, contact=contact)
    elif case.kind == CaseKind.SERVICE_REQUEST:
        clone = service_request_submit(actor=actor, service_request=ServiceRequestInput(**common))
    else:  # a dispute's follow-up is an inquiry: the disputed amount is settled on the original
        clone = inquiry_submit(actor=actor, inquiry=InquiryInput(**common))
    clone.cloned_from = case
    clone.save(update_fields=["cloned_from"])
    clone.related.add(case)
    audit_record(actor=actor, verb=CaseEvent.CASE_CLONED, target=case, changes={"clone": (None, clone.reference)})
    return clone
