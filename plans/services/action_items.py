"""Action items: plan, edit, move through their statuses, and the daily reminders (each goes out once)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import AccountManagerAssignment, MarketParticipant, User
from accounts.services.participants import _current_manager_user
from cases.models import Case
from ercot_services.core.audit import apply_changes, audit_record
from ercot_services.core.calendar import business_calendar
from ercot_services.core.models import DomainError
from ercot_services.core.outbox import email_queue
from ercot_services.core.permissions import require_permission
from ercot_services.core.workflow import move_status
from qualification.models import Enrollment
from registration.models import Application

from ..error_codes import PlanErrorCode
from ..events import PlanEvent
from ..models import (
    ACTION_ITEM_OPEN_STATUSES,
    ACTION_ITEM_TRANSITIONS,
    ActionItem,
    ActionItemReminder,
    ActionItemStatus,
    ActionSide,
    Meeting,
    PlanObjective,
)
from ..summary import refresh_plan_summary
from .common import (
    _check_person,
    _check_same_participant,
    _clean,
    _is_active_member,
    _portal_plan_link,
    _render,
    _require_staff,
    _staff_link_for_item,
)

#: "Due soon" reminders go out this many Business Days before the due date.
ACTION_ITEM_REMINDER_BUSINESS_DAYS = 2


#: Moves an MP contact may make on its own side's items; cancelling stays with Client Services.
PORTAL_ACTION_ITEM_MOVES = frozenset({ActionItemStatus.IN_PROGRESS, ActionItemStatus.DONE, ActionItemStatus.OPEN})


def _side_of(owner: User) -> str:
    return ActionSide.OPERATOR if owner.is_staff else ActionSide.PARTICIPANT


def _email_new_owner(item: ActionItem, actor: User, event_id: int) -> None:
    if item.owner_id == actor.pk:
        return
    for_staff = item.owner.is_staff
    email_queue(
        key=f"plans:action-item:{item.pk}:assigned:{event_id}",
        to=[item.owner.email],
        subject=f"Action item for {item.participant.short_name}: {item.title} (due {item.due_date:%b %d, %Y})",
        body=_render(
            "action_item_assigned",
            {
                "item": item,
                "actor": actor,
                "recipient": item.owner,
                "link": _staff_link_for_item(item) if for_staff else _portal_plan_link(),
            },
        ),
    )


@dataclass(frozen=True)
class ActionItemInput:
    """What an action item says: :func:`action_item_create` plans one with it, :func:`action_item_update` replaces
    an item's with it (a link left ``None`` is removed). The staff form's cleaned data builds it."""

    title: str
    owner: User
    due_date: datetime.date
    description: str = ""
    objective: PlanObjective | None = None
    case: Case | None = None
    application: Application | None = None
    enrollment: Enrollment | None = None

    def links(self) -> dict:
        """The objective, case, application and enrollment, by name (each must be of the item's MP)."""
        return {
            "objective": self.objective,
            "case": self.case,
            "application": self.application,
            "enrollment": self.enrollment,
        }


@transaction.atomic
def action_item_create(
    *, actor: User, participant: MarketParticipant, data: ActionItemInput, meeting: Meeting | None = None
) -> ActionItem:
    """Plan an action with an owner (staff, or a contact of the MP) and a due date; the owner is emailed.

    ``meeting`` is the meeting where it was agreed (a follow-up); it is set once, here.
    """
    _require_staff(actor, "plan action items", "plans.add_actionitem")
    _check_person(data.owner, participant, "owner")
    _check_same_participant(
        participant,
        objective=data.objective,
        meeting=meeting,
        case=data.case,
        application=data.application,
        enrollment=data.enrollment,
    )
    item = ActionItem(
        participant=participant,
        title=data.title.strip(),
        description=data.description.strip(),
        owner=data.owner,
        side=_side_of(data.owner),
        due_date=data.due_date,
        meeting=meeting,
        created_by=actor,
        **data.links(),
    )
    _clean(item)
    item.save()
    refresh_plan_summary(item.participant_id)
    event = audit_record(
        actor=actor,
        verb=PlanEvent.ACTION_ITEM_CREATED,
        target=item,
        changes={"owner": (None, str(data.owner)), "side": (None, item.side), "due_date": (None, data.due_date)},
    )
    _email_new_owner(item, actor, event.pk)
    return item


@transaction.atomic
def action_item_update(*, actor: User, item: ActionItem, data: ActionItemInput) -> ActionItem:
    """Edit an item; a new owner is emailed, and a new due date arms its reminders again."""
    _require_staff(actor, "edit action items", "plans.change_actionitem")
    item = ActionItem.objects.select_for_update(of=("self",)).select_related("participant").get(pk=item.pk)
    participant = item.participant
    if data.owner.pk != item.owner_id:
        _check_person(data.owner, participant, "owner")
    _check_same_participant(participant, **data.links())
    changes = apply_changes(
        item,
        {
            "title": data.title.strip(),
            "description": data.description.strip(),
            "owner": data.owner,
            "side": _side_of(data.owner),
            "due_date": data.due_date,
            **data.links(),
        },
    )
    if not changes:
        return item
    _clean(item)
    item.save()
    refresh_plan_summary(item.participant_id)
    event = audit_record(actor=actor, verb=PlanEvent.ACTION_ITEM_UPDATED, target=item, changes=changes)
    if "owner" in changes:
        _email_new_owner(item, actor, event.pk)
    return item


@transaction.atomic
def action_item_transition(*, actor: User, item: ActionItem, to: str, note: str = "") -> ActionItem:
    """Move an item along :data:`ACTION_ITEM_TRANSITIONS`.

    Done records who completed it, when, and the note; reopening clears them. An MP contact may only move
    its own MP's participant-side items (start, complete, reopen); the AM is emailed when it completes one.
    """
    item = ActionItem.objects.select_for_update(of=("self",)).select_related("participant", "owner").get(pk=item.pk)
    if to not in ActionItemStatus.values:
        raise DomainError("Choose a status for the action item.", code=PlanErrorCode.STATUS_REQUIRED)
    is_staff = actor.is_staff
    if is_staff:
        require_permission(
            actor, "plans.change_actionitem", "Only Account Managers and the Client Services Lead move action items."
        )
    else:
        if not _is_active_member(actor, item.participant) or item.side != ActionSide.PARTICIPANT:
            raise DomainError(
                "You can only update action items your company owns.", code=PlanErrorCode.PERMISSION_DENIED
            )
        if to not in PORTAL_ACTION_ITEM_MOVES:
            raise DomainError(
                "Ask your Account Manager to cancel this action item.", code=PlanErrorCode.PERMISSION_DENIED
            )
    if item.status == to:
        raise DomainError(
            f"“{item.title}” is already {ActionItemStatus(to).label.lower()}.", code=PlanErrorCode.ALREADY_IN_STATUS
        )
    old = move_status(
        item, to, transitions=ACTION_ITEM_TRANSITIONS, statuses=ActionItemStatus, subject=f"“{item.title}”"
    )
    changes = {"status": (old, to)}
    now = timezone.now()
    if to == ActionItemStatus.DONE:
        item.completed_at, item.completed_by, item.completion_note = now, actor, note.strip()
    elif old in (ActionItemStatus.DONE, ActionItemStatus.CANCELLED):
        item.completed_at, item.completed_by, item.completion_note = None, None, ""
    item.save()
    refresh_plan_summary(item.participant_id)
    event = audit_record(
        actor=actor, verb=PlanEvent.ACTION_ITEM_STATUS_CHANGED, target=item, changes=changes, reason=note.strip()
    )

    if to == ActionItemStatus.DONE and not is_staff:
        manager = _current_manager_user(item.participant)
        if manager is not None:
            email_queue(
                key=f"plans:action-item:{item.pk}:completed:{event.pk}",
                to=[manager.email],
                subject=f"{item.participant.short_name} completed: {item.title}",
                body=_render(
                    "action_item_completed",
                    {"item": item, "actor": actor, "recipient": manager, "link": _staff_link_for_item(item)},
                ),
            )
    return item


def _current_managers(participant_ids: Iterable[int]) -> dict[int, User]:
    assignments = (
        AccountManagerAssignment.objects.with_active_manager()
        .filter(participant_id__in=set(participant_ids))
        .select_related("account_manager__user")
    )
    return {assignment.participant_id: assignment.account_manager.user for assignment in assignments}


def _reminder_candidates(today: datetime.date) -> list[ActionItem]:
    """Open items due within the reminder horizon (or overdue), each annotated with the reminders it has had for
    its current due date (``reminded``: overdue, ``reminded_soon``: due soon)."""
    horizon = business_calendar().add_business_days(today, ACTION_ITEM_REMINDER_BUSINESS_DAYS)

    def reminded(kind: str) -> Exists:
        return Exists(ActionItemReminder.objects.filter(item=OuterRef("pk"), due_date=OuterRef("due_date"), kind=kind))

    return list(
        ActionItem.objects.filter(status__in=ACTION_ITEM_OPEN_STATUSES, due_date__lte=horizon)
        .annotate(
            reminded=reminded(ActionItemReminder.Kind.OVERDUE),
            reminded_soon=reminded(ActionItemReminder.Kind.DUE_SOON),
        )
        .select_related("participant", "owner")
    )


def _remind(item: ActionItem, *, overdue: bool, manager: User | None) -> None:
    """Write the reminder row, queue its email (copying the AM on a participant-side item) and audit it."""
    kind = ActionItemReminder.Kind.OVERDUE if overdue else ActionItemReminder.Kind.DUE_SOON
    ActionItemReminder.objects.create(item=item, kind=kind, due_date=item.due_date, sent_at=timezone.now())
    copy = [manager.email] if manager and item.side == ActionSide.PARTICIPANT else []
    when = "is overdue" if overdue else "is due soon"
    email_queue(
        key=f"plans:action-item:{item.pk}:reminder:{kind}:{item.due_date:%Y-%m-%d}",
        to=[item.owner.email],
        cc=copy,
        subject=f"Action item {when}: {item.title} (due {item.due_date:%b %d, %Y})",
        body=_render(
            "action_item_reminder",
            {
                "item": item,
                "overdue": overdue,
                "recipient": item.owner,
                "link": _staff_link_for_item(item) if item.owner.is_staff else _portal_plan_link(),
            },
        ),
    )
    audit_record(
        actor=None,
        verb=PlanEvent.ACTION_ITEM_REMINDED,
        target=item,
        changes={"reminder": (None, kind), "due_date": (None, item.due_date)},
    )


def action_item_send_reminders(*, today: datetime.date | None = None) -> int:
    """Remind owners of open items due soon (within 2 Business Days) or overdue; returns how many were sent.

    Each item is reminded once per kind and due date (:class:`ActionItemReminder` is written with the email),
    so running the scan again sends nothing and a rescheduled item is reminded again. Participant-side
    reminders copy the MP's AM. Each reminder is its own transaction.
    """
    today = today or timezone.localdate()
    candidates = _reminder_candidates(today)
    managers = _current_managers(item.participant_id for item in candidates)
    sent = 0
    for item in candidates:
        overdue = item.due_date < today
        if (overdue and item.reminded) or (not overdue and item.reminded_soon):
            continue
        try:
            with transaction.atomic():
                _remind(item, overdue=overdue, manager=managers.get(item.participant_id))
        except IntegrityError:
            continue  # another scan wrote this reminder first: it sends the email
        sent += 1
    return sent
