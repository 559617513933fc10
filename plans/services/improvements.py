"""Improvement opportunities: what the AM does about a pattern or a piece of feedback."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from accounts.models import MarketParticipant, User
from cases.models import IssuePattern
from education.models import Course
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError
from ercot_services.core.workflow import move_status

from .. import policies
from ..error_codes import PlanErrorCode
from ..events import PlanEvent
from ..models import (
    ImprovementAction,
)
from .common import (
    _clean,
    _require_staff,
)

_Improvement = ImprovementAction.Status
IMPROVEMENT_TRANSITIONS = {
    _Improvement.PLANNED: frozenset({_Improvement.IN_PROGRESS, _Improvement.DONE, _Improvement.CANCELLED}),
    _Improvement.IN_PROGRESS: frozenset({_Improvement.PLANNED, _Improvement.DONE, _Improvement.CANCELLED}),
    _Improvement.DONE: frozenset({_Improvement.IN_PROGRESS}),
    _Improvement.CANCELLED: frozenset({_Improvement.PLANNED}),
}


@transaction.atomic
def improvement_action_set_status(*, actor: User, action: ImprovementAction, status: str) -> ImprovementAction:
    _require_staff(actor, "change improvement actions", "plans.change_improvementaction")
    action = ImprovementAction.objects.select_for_update(of=("self",)).select_related("participant").get(pk=action.pk)
    old = move_status(
        action,
        status,
        transitions=IMPROVEMENT_TRANSITIONS,
        statuses=ImprovementAction.Status,
        subject=f"“{action.title}”",
    )
    action.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, verb=PlanEvent.IMPROVEMENT_ACTION_STATUS_CHANGED, target=action, changes={"status": (old, status)}
    )
    return action


@dataclass(frozen=True)
class ImprovementActionInput:
    """What an improvement action says (:func:`improvement_action_create`); the staff forms build it."""

    kind: str
    title: str
    owner: User
    due_date: datetime.date
    description: str = ""
    course: Course | None = None


@transaction.atomic
def improvement_action_create(
    *,
    actor: User,
    participant: MarketParticipant,
    data: ImprovementActionInput,
    pattern: IssuePattern | None = None,
    feedback=None,
) -> ImprovementAction:
    """Plan an improvement; ``pattern`` or ``feedback`` (a PerformanceFeedback) is what showed the opportunity."""
    policies.check_record_improvement(actor)
    if pattern is not None and pattern.participant_id != participant.pk:
        raise DomainError("That pattern belongs to another Market Participant.", code=PlanErrorCode.OTHER_PARTICIPANT)
    if feedback is not None and feedback.participant_id != participant.pk:
        raise DomainError("That feedback belongs to another Market Participant.", code=PlanErrorCode.OTHER_PARTICIPANT)
    action = ImprovementAction(
        participant=participant,
        pattern=pattern,
        feedback=feedback,
        kind=data.kind,
        title=data.title,
        description=data.description,
        owner=data.owner,
        due_date=data.due_date,
        course=data.course,
        created_by=actor,
    )
    _clean(action)
    action.save()
    if pattern is not None and pattern.status == IssuePattern.Status.OPEN:
        pattern.status = IssuePattern.Status.ACTIONED
        pattern.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        verb=PlanEvent.IMPROVEMENT_ACTION_CREATED,
        target=action,
        changes={"kind": (None, data.kind), "owner": (None, str(data.owner)), "due_date": (None, data.due_date)},
    )
    return action
