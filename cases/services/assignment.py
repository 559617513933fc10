"""Who works a case: assignment, escalation, and the priority and category its SLA follows."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from ercot_services.core.audit import audit_record
from ercot_services.core.calendar import business_calendar
from ercot_services.core.models import DomainError

from .. import policies
from ..error_codes import CaseErrorCode
from ..events import CaseEvent
from ..models import Case, CaseCategory
from ..summary import refresh_case_summary
from . import sla


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
    refresh_case_summary(case.participant_id)
    audit_record(actor=actor, verb=CaseEvent.CASE_UPDATED, target=case, changes=changes, reason=reason)
    return case
