"""Services for plan management: the account plan, its objectives and action items, meetings with the MP,
the MP's performance feedback and the improvement opportunities it shows.

Each is keyword-only and transactional, validates what it writes, records an audit event and queues its
emails through the outbox (sent after commit, once per key). Meeting invitations carry an iCalendar object
(see :mod:`.calendar_invites`) keyed by meeting, attendee, SEQUENCE and METHOD, so a retried task never
sends twice while an update (a higher SEQUENCE) reaches everyone again.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cases.models import IssuePattern
from ercot_services.core.audit import apply_changes, audit_record
from ercot_services.core.calendar import business_calendar
from ercot_services.core.models import DomainError
from ercot_services.core.outbox import email_queue
from ercot_services.core.permissions import require_permission
from ercot_services.core.workflow import move_status

from .. import policies
from ..models import (
    ACTION_ITEM_OPEN_STATUSES,
    ACTION_ITEM_TRANSITIONS,
    MEETING_TRANSITIONS,
    AccountManagerAssignment,
    AccountPlan,
    ActionItem,
    ActionItemReminder,
    ActionItemStatus,
    ActionSide,
    FeedbackChannel,
    ImprovementAction,
    MarketParticipant,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    Membership,
    PerformanceFeedback,
    PlanObjective,
    User,
)
from .calendar_invites import meeting_ics
from .participants import _current_manager_user

#: "Due soon" reminders go out this many Business Days before the due date.
ACTION_ITEM_REMINDER_BUSINESS_DAYS = 2

OBJECTIVE_TRANSITIONS = {
    PlanObjective.Status.OPEN: frozenset({PlanObjective.Status.ACHIEVED, PlanObjective.Status.DROPPED}),
    PlanObjective.Status.ACHIEVED: frozenset({PlanObjective.Status.OPEN}),
    PlanObjective.Status.DROPPED: frozenset({PlanObjective.Status.OPEN}),
}

_Improvement = ImprovementAction.Status
IMPROVEMENT_TRANSITIONS = {
    _Improvement.PLANNED: frozenset({_Improvement.IN_PROGRESS, _Improvement.DONE, _Improvement.CANCELLED}),
    _Improvement.IN_PROGRESS: frozenset({_Improvement.PLANNED, _Improvement.DONE, _Improvement.CANCELLED}),
    _Improvement.DONE: frozenset({_Improvement.IN_PROGRESS}),
    _Improvement.CANCELLED: frozenset({_Improvement.PLANNED}),
}

#: Moves an MP contact may make on its own side's items; cancelling stays with Client Services.
PORTAL_ACTION_ITEM_MOVES = frozenset({ActionItemStatus.IN_PROGRESS, ActionItemStatus.DONE, ActionItemStatus.OPEN})

#: Meeting fields the attendees see in their calendar: changing one re-sends the invitation.
_MEETING_VISIBLE_FIELDS = ("title", "starts_at", "ends_at", "agenda", "location", "dial_in")


# --- helpers ---------------------------------------------------------------------------------------


def _clean(instance, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        raise DomainError("; ".join(error.messages)) from error


def _require_staff(actor: User, doing: str, permission: str) -> None:
    """Staff only, and of them the groups holding ``permission`` (Account Managers and the Lead, accounts.roles)."""
    if actor is None or not actor.is_authenticated or not actor.is_staff:
        raise DomainError(f"Only Client Services staff can {doing}.")
    require_permission(actor, permission, f"Only Account Managers and the Client Services Lead {doing}.")


def _is_active_member(user: User, participant: MarketParticipant) -> bool:
    return Membership.objects.active().filter(user=user, participant=participant).exists()


def _check_person(user: User, participant: MarketParticipant, role: str) -> None:
    """``user`` must be active staff or an active contact of ``participant``."""
    if not user.is_active:
        raise DomainError(f"{user} can no longer sign in: choose someone else as {role}.")
    if user.is_staff or _is_active_member(user, participant):
        return
    raise DomainError(
        f"{user} is neither Client Services staff nor an active contact of {participant.short_name}: "
        f"choose someone else as {role}."
    )


def _check_same_participant(participant: MarketParticipant, **links) -> None:
    labels = {
        "objective": "objective",
        "meeting": "meeting",
        "case": "case",
        "application": "registration application",
        "enrollment": "qualification enrollment",
    }
    for name, obj in links.items():
        if obj is None:
            continue
        owner_id = obj.plan.participant_id if isinstance(obj, PlanObjective) else obj.participant_id
        if owner_id != participant.pk:
            raise DomainError(f"That {labels[name]} ({obj}) belongs to another Market Participant.")


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _staff_link_for_item(item: ActionItem) -> str:
    return _url("workspace:participant-plan", item.participant_id)


def _portal_plan_link() -> str:
    return _url("portal:plan")


def _meeting_link(meeting: Meeting, *, for_staff: bool) -> str:
    return _url("workspace:meeting-detail" if for_staff else "portal:meeting-detail", meeting.pk)


def _render(template: str, context: dict) -> str:
    return render_to_string(
        f"emails/plans/{template}.txt", {"CLIENT_SERVICES_PHONE": settings.CLIENT_SERVICES_PHONE, **context}
    )


# --- the plan and its objectives --------------------------------------------------------------------


def plan_get_or_create(participant: MarketParticipant) -> AccountPlan:
    """The MP's plan, created empty on first use (no audit event: nothing was decided yet)."""
    plan, _ = AccountPlan.objects.get_or_create(participant=participant)
    return plan


@transaction.atomic
def plan_update(
    *, actor: User, participant: MarketParticipant, summary: str, next_review_date: datetime.date | None
) -> AccountPlan:
    _require_staff(actor, "edit an account plan", "accounts.change_accountplan")
    plan = plan_get_or_create(participant)
    plan = AccountPlan.objects.select_for_update().get(pk=plan.pk)
    changes = apply_changes(plan, {"summary": summary.strip(), "next_review_date": next_review_date})
    if not changes:
        return plan
    plan.updated_by = actor
    _clean(plan)
    plan.save()
    audit_record(actor=actor, verb="plan.updated", target=plan, changes=changes, participant=participant)
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
    _require_staff(actor, "add objectives to an account plan", "accounts.add_planobjective")
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
        verb="objective.created",
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
    _require_staff(actor, "edit objectives", "accounts.change_planobjective")
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
        actor=actor, verb="objective.updated", target=objective, changes=changes, participant=objective.plan.participant
    )
    return objective


@transaction.atomic
def objective_set_status(*, actor: User, objective: PlanObjective, status: str) -> PlanObjective:
    _require_staff(actor, "change an objective's status", "accounts.change_planobjective")
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
        verb="objective.status_changed",
        target=objective,
        changes={"status": (old, status)},
        participant=objective.plan.participant,
    )
    return objective


# --- action items ------------------------------------------------------------------------------------


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


@transaction.atomic
def action_item_create(
    *,
    actor: User,
    participant: MarketParticipant,
    title: str,
    owner: User,
    due_date: datetime.date,
    description: str = "",
    objective: PlanObjective | None = None,
    meeting: Meeting | None = None,
    case=None,
    application=None,
    enrollment=None,
) -> ActionItem:
    """Plan an action with an owner (staff, or a contact of the MP) and a due date; the owner is emailed."""
    _require_staff(actor, "plan action items", "accounts.add_actionitem")
    _check_person(owner, participant, "owner")
    _check_same_participant(
        participant, objective=objective, meeting=meeting, case=case, application=application, enrollment=enrollment
    )
    item = ActionItem(
        participant=participant,
        title=title.strip(),
        description=description.strip(),
        owner=owner,
        side=_side_of(owner),
        due_date=due_date,
        objective=objective,
        meeting=meeting,
        case=case,
        application=application,
        enrollment=enrollment,
        created_by=actor,
    )
    _clean(item)
    item.save()
    event = audit_record(
        actor=actor,
        verb="action_item.created",
        target=item,
        changes={"owner": (None, str(owner)), "side": (None, item.side), "due_date": (None, due_date)},
    )
    _email_new_owner(item, actor, event.pk)
    return item


@transaction.atomic
def action_item_update(
    *,
    actor: User,
    item: ActionItem,
    title: str,
    description: str,
    owner: User,
    due_date: datetime.date,
    objective: PlanObjective | None = None,
    case=None,
    application=None,
    enrollment=None,
) -> ActionItem:
    """Edit an item; a new owner is emailed, and a new due date arms its reminders again."""
    _require_staff(actor, "edit action items", "accounts.change_actionitem")
    item = ActionItem.objects.select_for_update(of=("self",)).select_related("participant").get(pk=item.pk)
    participant = item.participant
    if owner.pk != item.owner_id:
        _check_person(owner, participant, "owner")
    _check_same_participant(participant, objective=objective, case=case, application=application, enrollment=enrollment)
    changes = apply_changes(
        item,
        {
            "title": title.strip(),
            "description": description.strip(),
            "owner": owner,
            "side": _side_of(owner),
            "due_date": due_date,
            "objective": objective,
            "case": case,
            "application": application,
            "enrollment": enrollment,
        },
    )
    if not changes:
        return item
    _clean(item)
    item.save()
    event = audit_record(actor=actor, verb="action_item.updated", target=item, changes=changes)
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
        raise DomainError("Choose a status for the action item.")
    is_staff = actor.is_staff
    if is_staff:
        require_permission(
            actor, "accounts.change_actionitem", "Only Account Managers and the Client Services Lead move action items."
        )
    else:
        if not _is_active_member(actor, item.participant) or item.side != ActionSide.PARTICIPANT:
            raise DomainError("You can only update action items your company owns.")
        if to not in PORTAL_ACTION_ITEM_MOVES:
            raise DomainError("Ask your Account Manager to cancel this action item.")
    if item.status == to:
        raise DomainError(f"“{item.title}” is already {ActionItemStatus(to).label.lower()}.")
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
    event = audit_record(
        actor=actor, verb="action_item.status_changed", target=item, changes=changes, reason=note.strip()
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
        AccountManagerAssignment.objects.current()
        .filter(participant_id__in=set(participant_ids), account_manager__is_active=True)
        .select_related("account_manager__user")
    )
    return {assignment.participant_id: assignment.account_manager.user for assignment in assignments}


def action_item_send_reminders(*, today: datetime.date | None = None) -> int:
    """Remind owners of open items due soon (within 2 Business Days) or overdue; returns how many were sent.

    Each item is reminded once per kind and due date (:class:`ActionItemReminder` is written with the email),
    so running the scan again sends nothing and a rescheduled item is reminded again. Participant-side
    reminders copy the MP's AM.
    """
    today = today or timezone.localdate()
    horizon = business_calendar().add_business_days(today, ACTION_ITEM_REMINDER_BUSINESS_DAYS)
    candidates = list(
        ActionItem.objects.filter(status__in=ACTION_ITEM_OPEN_STATUSES, due_date__lte=horizon)
        .annotate(
            reminded=Exists(
                ActionItemReminder.objects.filter(
                    item=OuterRef("pk"), due_date=OuterRef("due_date"), kind=ActionItemReminder.Kind.OVERDUE
                )
            ),
            reminded_soon=Exists(
                ActionItemReminder.objects.filter(
                    item=OuterRef("pk"), due_date=OuterRef("due_date"), kind=ActionItemReminder.Kind.DUE_SOON
                )
            ),
        )
        .select_related("participant", "owner")
    )
    managers = _current_managers(item.participant_id for item in candidates)
    sent = 0
    for item in candidates:
        overdue = item.due_date < today
        if (overdue and item.reminded) or (not overdue and item.reminded_soon):
            continue
        kind = ActionItemReminder.Kind.OVERDUE if overdue else ActionItemReminder.Kind.DUE_SOON
        try:
            with transaction.atomic():
                ActionItemReminder.objects.create(item=item, kind=kind, due_date=item.due_date, sent_at=timezone.now())
                manager = managers.get(item.participant_id)
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
                    verb="action_item.reminded",
                    target=item,
                    changes={"reminder": (None, kind), "due_date": (None, item.due_date)},
                )
        except IntegrityError:
            continue  # another scan wrote this reminder first: it sends the email
        sent += 1
    return sent


# --- meetings --------------------------------------------------------------------------------------------


def _wanted_attendees(
    *, organizer: User, participant: MarketParticipant, attendees: Iterable[User], extra_emails: Iterable[str]
) -> dict[str, MeetingAttendee]:
    """Everyone to invite, keyed by lower-cased address; the organizer always attends."""
    wanted: dict[str, MeetingAttendee] = {}
    for user in [organizer, *attendees]:
        if user.pk != organizer.pk:
            _check_person(user, participant, "attendee")
        address = user.email.strip().lower()
        wanted.setdefault(
            address, MeetingAttendee(user=user, email=address, name=user.full_name, is_staff=user.is_staff)
        )
    for raw in extra_emails:
        address = (raw or "").strip().lower()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError as error:
            raise DomainError(f"“{raw}” is not an email address.") from error
        wanted.setdefault(address, MeetingAttendee(user=None, email=address, name="", is_staff=False))
    return wanted


def _send_invitations(meeting: Meeting, method: str, attendees: list[MeetingAttendee]) -> None:
    """One email per attendee with the iCalendar object; keyed by meeting, SEQUENCE, METHOD and address
    (the address last, so a long one truncated to the key's length never hides a new SEQUENCE)."""
    if not attendees:
        return
    calendar = meeting_ics(meeting, method=method, attendees=None if method == "REQUEST" else attendees)
    if method == "CANCEL":
        prefix, template = "Cancelled", "meeting_cancelled"
    elif meeting.sequence == 0:
        prefix, template = "Invitation", "meeting_invitation"
    else:
        prefix, template = "Updated invitation", "meeting_invitation"
    local_start = timezone.localtime(meeting.starts_at)
    subject = f"{prefix}: {meeting.title} @ {local_start:%a %b %d, %Y %I:%M %p %Z}"
    for attendee in attendees:
        email_queue(
            key=f"plans:meeting:{meeting.pk}:{meeting.sequence}:{method}:{attendee.email}",
            to=[attendee.email],
            subject=subject,
            body=_render(
                template,
                {
                    "meeting": meeting,
                    "attendee": attendee,
                    "updated": meeting.sequence > 0,
                    "removed": method == "CANCEL" and meeting.status != MeetingStatus.CANCELLED,
                    "starts_at": local_start,
                    "ends_at": timezone.localtime(meeting.ends_at),
                    "link": _meeting_link(meeting, for_staff=attendee.is_staff) if attendee.user_id else "",
                },
            ),
            calendar=calendar,
            calendar_method=method,
        )


def _check_times(starts_at: datetime.datetime, ends_at: datetime.datetime) -> None:
    if ends_at <= starts_at:
        raise DomainError("The meeting must end after it starts.")


@transaction.atomic
def meeting_schedule(
    *,
    actor: User,
    participant: MarketParticipant,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    agenda: str = "",
    location: str = "",
    dial_in: str = "",
    attendees: Iterable[User] = (),
    extra_emails: Iterable[str] = (),
    objective: PlanObjective | None = None,
) -> Meeting:
    """Schedule a meeting organized by ``actor`` and email every attendee a METHOD:REQUEST invitation."""
    _require_staff(actor, "schedule meetings", "accounts.add_meeting")
    _check_times(starts_at, ends_at)
    _check_same_participant(participant, objective=objective)
    wanted = _wanted_attendees(organizer=actor, participant=participant, attendees=attendees, extra_emails=extra_emails)
    meeting = Meeting(
        participant=participant,
        objective=objective,
        title=title.strip(),
        agenda=agenda.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        location=location.strip(),
        dial_in=dial_in.strip(),
        organizer=actor,
    )
    _clean(meeting)
    meeting.save()
    for attendee in wanted.values():
        attendee.meeting = meeting
        _clean(attendee, exclude=["meeting"])
    MeetingAttendee.objects.bulk_create(wanted.values())
    audit_record(
        actor=actor,
        verb="meeting.scheduled",
        target=meeting,
        changes={
            "starts_at": (None, starts_at),
            "ends_at": (None, ends_at),
            "attendees": (None, sorted(wanted)),
        },
    )
    _send_invitations(meeting, "REQUEST", list(meeting.attendees.all()))
    return meeting


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("participant", "organizer").get(pk=meeting.pk)


@transaction.atomic
def meeting_update(
    *,
    actor: User,
    meeting: Meeting,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    agenda: str,
    location: str,
    dial_in: str,
    attendees: Iterable[User],
    extra_emails: Iterable[str] = (),
    objective: PlanObjective | None = None,
) -> Meeting:
    """Change a scheduled meeting. When attendees see a difference the SEQUENCE goes one up, the current
    attendees receive the updated REQUEST and people taken off the list a CANCEL (same UID)."""
    _require_staff(actor, "change meetings", "accounts.change_meeting")
    meeting = _lock_meeting(meeting)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise DomainError(f"This meeting is {meeting.get_status_display().lower()}: it can no longer be changed.")
    _check_times(starts_at, ends_at)
    _check_same_participant(meeting.participant, objective=objective)
    wanted = _wanted_attendees(
        organizer=meeting.organizer, participant=meeting.participant, attendees=attendees, extra_emails=extra_emails
    )
    current = {attendee.email.lower(): attendee for attendee in meeting.attendees.all()}
    removed = [current[address] for address in sorted(set(current) - set(wanted))]
    added = [wanted[address] for address in sorted(set(wanted) - set(current))]

    changes = apply_changes(
        meeting,
        {
            "title": title.strip(),
            "starts_at": starts_at,
            "ends_at": ends_at,
            "agenda": agenda.strip(),
            "location": location.strip(),
            "dial_in": dial_in.strip(),
            "objective": objective,
        },
    )
    if removed or added:
        changes["attendees"] = (sorted(current), sorted(wanted))
    if not changes:
        return meeting
    visible = bool(removed or added) or any(field in changes for field in _MEETING_VISIBLE_FIELDS)
    if visible:
        changes["sequence"] = (meeting.sequence, meeting.sequence + 1)
        meeting.sequence += 1
    _clean(meeting)
    meeting.save()
    if removed:
        MeetingAttendee.objects.filter(pk__in=[attendee.pk for attendee in removed]).delete()
    for attendee in added:
        attendee.meeting = meeting
        _clean(attendee, exclude=["meeting"])
    MeetingAttendee.objects.bulk_create(added)
    audit_record(actor=actor, verb="meeting.updated", target=meeting, changes=changes)
    if visible:
        _send_invitations(meeting, "REQUEST", list(meeting.attendees.all()))
        _send_invitations(meeting, "CANCEL", removed)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a scheduled meeting: SEQUENCE one up and a METHOD:CANCEL to every attendee."""
    _require_staff(actor, "cancel meetings", "accounts.change_meeting")
    if not reason.strip():
        raise DomainError("Say why the meeting is cancelled: the attendees receive it.")
    meeting = _lock_meeting(meeting)
    old = move_status(
        meeting,
        MeetingStatus.CANCELLED,
        transitions=MEETING_TRANSITIONS,
        statuses=MeetingStatus,
        subject="This meeting",
    )
    meeting.cancellation_reason = reason.strip()
    meeting.sequence += 1
    meeting.save()
    audit_record(
        actor=actor,
        verb="meeting.cancelled",
        target=meeting,
        changes={"status": (old, meeting.status), "sequence": (meeting.sequence - 1, meeting.sequence)},
        reason=meeting.cancellation_reason,
    )
    _send_invitations(meeting, "CANCEL", list(meeting.attendees.all()))
    return meeting


@transaction.atomic
def meeting_record_minutes(*, actor: User, meeting: Meeting, minutes: str, share: bool = False) -> Meeting:
    """Record (or correct) the minutes; a scheduled meeting becomes held. ``share`` also shares them."""
    _require_staff(actor, "record meeting minutes", "accounts.change_meeting")
    if not minutes.strip():
        raise DomainError("Write the minutes before saving them.")
    meeting = _lock_meeting(meeting)
    changes = {}
    if meeting.status != MeetingStatus.HELD:
        old = move_status(
            meeting, MeetingStatus.HELD, transitions=MEETING_TRANSITIONS, statuses=MeetingStatus, subject="This meeting"
        )
        changes["status"] = (old, MeetingStatus.HELD)
    if meeting.minutes != minutes.strip():
        changes["minutes"] = (meeting.minutes[:200], minutes.strip()[:200])
        meeting.minutes = minutes.strip()
    if changes:
        meeting.save()
        audit_record(actor=actor, verb="meeting.minutes_recorded", target=meeting, changes=changes)
    if share:
        meeting = meeting_share_minutes(actor=actor, meeting=meeting)
    return meeting


@transaction.atomic
def meeting_share_minutes(*, actor: User, meeting: Meeting) -> Meeting:
    """Show the minutes in the MP's portal from now on and email its attendees a link to them."""
    _require_staff(actor, "share meeting minutes", "accounts.change_meeting")
    meeting = _lock_meeting(meeting)
    if meeting.status != MeetingStatus.HELD or not meeting.minutes.strip():
        raise DomainError("Record the minutes of the meeting before sharing them.")
    old = meeting.minutes_shared_at
    meeting.minutes_shared_at = timezone.now()
    meeting.save(update_fields=["minutes_shared_at", "updated_at"])
    audit_record(
        actor=actor,
        verb="meeting.minutes_shared",
        target=meeting,
        changes={"minutes_shared_at": (old, meeting.minutes_shared_at)},
    )
    contacts = meeting.attendees.filter(is_staff=False, user__isnull=False).select_related("user")
    for attendee in contacts:
        email_queue(
            key=f"plans:meeting:{meeting.pk}:minutes:{meeting.minutes_shared_at:%Y%m%dT%H%M%S%f}:{attendee.email}",
            to=[attendee.email],
            subject=f"Minutes: {meeting.title} ({timezone.localtime(meeting.starts_at):%b %d, %Y})",
            body=_render(
                "minutes_shared",
                {"meeting": meeting, "attendee": attendee, "link": _meeting_link(meeting, for_staff=False)},
            ),
        )
    return meeting


# --- performance feedback and improvement opportunities ----------------------------------------------------


def _follow_up_needed(rating: int, comments: str) -> str:
    """Low ratings (3 or less) and any comment get a follow-up; a good rating without comment needs none."""
    if rating <= 3 or comments.strip():
        return PerformanceFeedback.FollowUp.OPEN
    return PerformanceFeedback.FollowUp.NOT_NEEDED


@transaction.atomic
def feedback_record(
    *,
    actor: User,
    participant: MarketParticipant,
    channel: str,
    rating: int,
    comments: str = "",
    submitted_by: User | None = None,
    meeting: Meeting | None = None,
) -> PerformanceFeedback:
    """Document the MP's feedback on the operator's performance and tell its AM.

    In the portal the MP user gives it (channel portal, ``submitted_by`` = the user); staff record feedback
    received by meeting, phone, email or survey, optionally naming the contact who gave it.
    """
    if actor.is_staff:
        require_permission(
            actor,
            "accounts.add_performancefeedback",
            "Only Account Managers and the Client Services Lead record performance feedback.",
        )
        recorded_by = actor
        if channel == FeedbackChannel.PORTAL:
            raise DomainError("Feedback in the portal is given by the Market Participant; choose how you received it.")
        if submitted_by is not None and not _is_active_member(submitted_by, participant):
            raise DomainError(f"{submitted_by} is not an active contact of {participant.short_name}.")
    else:
        if not _is_active_member(actor, participant):
            raise DomainError("You can only give feedback for a company you represent.")
        recorded_by, submitted_by, channel = None, actor, FeedbackChannel.PORTAL
    _check_same_participant(participant, meeting=meeting)
    try:
        rating = int(rating)
    except (TypeError, ValueError) as error:
        raise DomainError("Give a rating from 1 to 5.") from error
    feedback = PerformanceFeedback(
        participant=participant,
        channel=channel,
        rating=rating,
        comments=comments.strip(),
        meeting=meeting,
        submitted_by=submitted_by,
        recorded_by=recorded_by,
        follow_up_status=_follow_up_needed(rating, comments),
    )
    _clean(feedback)
    feedback.save()
    audit_record(
        actor=actor,
        verb="feedback.recorded",
        target=feedback,
        changes={
            "rating": (None, rating),
            "channel": (None, channel),
            "follow_up_status": (None, feedback.follow_up_status),
        },
    )
    manager = _current_manager_user(participant)
    if manager is not None and manager.pk != actor.pk:
        email_queue(
            key=f"plans:feedback:{feedback.pk}:received",
            to=[manager.email],
            subject=f"Feedback from {participant.short_name}: {rating}/5",
            body=_render(
                "feedback_received",
                {
                    "feedback": feedback,
                    "recipient": manager,
                    "link": _url("workspace:feedback") + f"?participant={participant.pk}",
                },
            ),
        )
    return feedback


@transaction.atomic
def feedback_follow_up(
    *, actor: User, feedback: PerformanceFeedback, follow_up: str, status: str
) -> PerformanceFeedback:
    """Record what the operator did about a piece of feedback; closing the follow-up needs that text."""
    _require_staff(actor, "follow up feedback", "accounts.change_performancefeedback")
    feedback = (
        PerformanceFeedback.objects.select_for_update(of=("self",)).select_related("participant").get(pk=feedback.pk)
    )
    if status not in PerformanceFeedback.FollowUp.values:
        raise DomainError("Choose a follow-up status.")
    if status == PerformanceFeedback.FollowUp.DONE and not follow_up.strip():
        raise DomainError("Describe the follow-up before marking it done.")
    changes = apply_changes(feedback, {"follow_up": follow_up.strip(), "follow_up_status": status})
    if not changes:
        return feedback
    if status == PerformanceFeedback.FollowUp.DONE:
        feedback.followed_up_by, feedback.followed_up_at = actor, timezone.now()
    else:
        feedback.followed_up_by, feedback.followed_up_at = None, None
    _clean(feedback)
    feedback.save()
    audit_record(actor=actor, verb="feedback.followed_up", target=feedback, changes=changes)
    return feedback


@transaction.atomic
def improvement_action_set_status(*, actor: User, action: ImprovementAction, status: str) -> ImprovementAction:
    _require_staff(actor, "change improvement actions", "accounts.change_improvementaction")
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
        actor=actor, verb="improvement_action.status_changed", target=action, changes={"status": (old, status)}
    )
    return action


@transaction.atomic
def improvement_action_create(
    *,
    actor: User,
    participant: MarketParticipant,
    kind: str,
    title: str,
    owner: User,
    due_date: datetime.date,
    description: str = "",
    pattern: IssuePattern | None = None,
    feedback=None,
) -> ImprovementAction:
    """Plan an improvement; ``pattern`` or ``feedback`` (a PerformanceFeedback) is what showed the opportunity."""
    policies.check_record_improvement(actor)
    if pattern is not None and pattern.participant_id != participant.pk:
        raise DomainError("That pattern belongs to another Market Participant.")
    if feedback is not None and feedback.participant_id != participant.pk:
        raise DomainError("That feedback belongs to another Market Participant.")
    action = ImprovementAction(
        participant=participant,
        pattern=pattern,
        feedback=feedback,
        kind=kind,
        title=title,
        description=description,
        owner=owner,
        due_date=due_date,
        created_by=actor,
    )
    try:
        action.full_clean()
    except ValidationError as error:
        raise DomainError("; ".join(error.messages)) from error
    action.save()
    if pattern is not None and pattern.status == IssuePattern.Status.OPEN:
        pattern.status = IssuePattern.Status.ACTIONED
        pattern.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        verb="improvement_action.created",
        target=action,
        changes={"kind": (None, kind), "owner": (None, str(owner)), "due_date": (None, due_date)},
    )
    return action
