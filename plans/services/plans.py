"""The account plan and its objectives."""

from __future__ import annotations

import datetime

from django.db import transaction

from accounts.models import MarketParticipant, User
from ercot_services.core.audit import apply_changes, audit_record
from ercot_services.core.workflow import move_status

from ..events import PlanEvent
from ..models import (
    AccountPlan,
    PlanObjective,
)
from .common import (
    _clean,
    _require_staff,
)

OBJECTIVE_TRANSITIONS = {
    PlanObjective.Status.OPEN: frozenset({PlanObjective.Status.ACHIEVED, PlanObjective.Status.DROPPED}),
    PlanObjective.Status.ACHIEVED: frozenset({PlanObjective.Status.OPEN}),
    PlanObjective.Status.DROPPED: frozenset({PlanObjective.Status.OPEN}),
}


def plan_get_or_create(participant: MarketParticipant) -> AccountPlan:
    """The MP's plan, created empty on first use (no audit event: nothing was decided yet)."""
    plan, _ = AccountPlan.objects.get_or_create(participant=participant)
    return plan


@transaction.atomic
def plan_update(
    *, actor: User, participant: MarketParticipant, summary: str, next_review_date: datetime.date | None
) -> AccountPlan:
    _require_staff(actor, "edit an account plan", "plans.change_accountplan")
    plan = plan_get_or_create(participant)
    plan = AccountPlan.objects.select_for_update().get(pk=plan.pk)
    changes = apply_changes(plan, {"summary": summary.strip(), "next_review_date": next_review_date})
    if not changes:
        return plan
    plan.updated_by = actor
    _clean(plan)
    plan.save()
    audit_record(actor=actor, verb=PlanEvent.PLAN_UPDATED, target=plan, changes=changes, participant=participant)
    return plan


@transaction.atomic
def objective_create(
    *,
    actor: User,
    participant: MarketParticipant,
    kind: str,
    title: str,
    description: str = "",
    target_date: datetime.date | None = None,
) -> PlanObjective:
    _require_staff(actor, "add objectives to an account plan", "plans.add_planobjective")
    objective = PlanObjective(
        plan=plan_get_or_create(participant),
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        target_date=target_date,
    )
    _clean(objective)
    objective.save()
    audit_record(
        actor=actor,
        verb=PlanEvent.OBJECTIVE_CREATED,
        target=objective,
        participant=participant,
        changes={"kind": (None, kind), "title": (None, objective.title), "target_date": (None, target_date)},
    )
    return objective


@transaction.atomic
def objective_update(
    *,
    actor: User,
    objective: PlanObjective,
    title: str,
    description: str,
    target_date: datetime.date | None,
    kind: str,
) -> PlanObjective:
    _require_staff(actor, "edit objectives", "plans.change_planobjective")
    objective = PlanObjective.objects.select_for_update().select_related("plan__participant").get(pk=objective.pk)
    changes = apply_changes(
        objective,
        {"title": title.strip(), "description": description.strip(), "target_date": target_date, "kind": kind},
    )
    if not changes:
        return objective
    _clean(objective)
    objective.save()
    audit_record(
        actor=actor,
        verb=PlanEvent.OBJECTIVE_UPDATED,
        target=objective,
        changes=changes,
        participant=objective.plan.participant,
    )
    return objective


@transaction.atomic
def objective_set_status(*, actor: User, objective: PlanObjective, status: str) -> PlanObjective:
    _require_staff(actor, "change an objective's status", "plans.change_planobjective")
    objective = PlanObjective.objects.select_for_update().select_related("plan__participant").get(pk=objective.pk)
    old = move_status(
        objective,
        status,
        transitions=OBJECTIVE_TRANSITIONS,
        statuses=PlanObjective.Status,
        subject=f"“{objective.title}”",
    )
    objective.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        verb=PlanEvent.OBJECTIVE_STATUS_CHANGED,
        target=objective,
        changes={"status": (old, status)},
        participant=objective.plan.participant,
    )
    return objective
