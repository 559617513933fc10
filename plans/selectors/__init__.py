"""Read-side queries for plan management: the plan page, action item lists, the MP's portal view.

Portal querysets are scoped through :func:`participants_for_user`; meeting minutes reach the portal only
through the ``shared_minutes`` annotation, which is empty until the minutes were shared.
"""

from __future__ import annotations

import datetime

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from accounts.models import MarketParticipant, User
from accounts.portal_home import WAITING_ITEMS_SHOWN, WaitingGroup, WaitingItem
from accounts.selectors.participants import participants_for_user
from cases.models import IssuePattern
from ercot_services.core.calendar import start_of_day

from ..models import (
    ACTION_ITEM_OPEN_STATUSES,
    AccountPlan,
    ActionItem,
    ActionSide,
    ImprovementAction,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    PerformanceFeedback,
    PlanObjective,
    overdue_action_items_q,
)

#: How many closed items, past meetings and feedback entries the plan page lists (the lists link to the rest).
PLAN_PAGE_HISTORY = 20
# The plan page lists the open action items due soonest; the rest are on the action item list it links to.
PLAN_PAGE_OPEN_ITEMS = 25


def action_items_with_relations(queryset: QuerySet[ActionItem] | None = None) -> QuerySet[ActionItem]:
    queryset = ActionItem.objects.all() if queryset is None else queryset
    return queryset.select_related(
        "participant", "owner", "objective", "meeting", "case", "application", "enrollment", "completed_by"
    )


def meetings_with_attendees(queryset: QuerySet[Meeting] | None = None) -> QuerySet[Meeting]:
    queryset = Meeting.objects.all() if queryset is None else queryset
    return queryset.select_related("participant", "organizer", "objective").prefetch_related(
        Prefetch("attendees", queryset=MeetingAttendee.objects.select_related("user"))
    )


def with_shared_minutes(queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Annotate ``shared_minutes``: the minutes once shared with the MP, empty before."""
    return queryset.annotate(
        shared_minutes=Case(
            When(minutes_shared_at__isnull=False, then=F("minutes")), default=Value(""), output_field=TextField()
        )
    )


def _plan_of(participant: MarketParticipant) -> AccountPlan:
    """The MP's plan (with who updated it), from ``select_related("plan__updated_by")`` when the caller did it;
    unsaved and empty when nobody wrote one yet."""
    if MarketParticipant.plan.is_cached(participant):
        try:
            return participant.plan
        except AccountPlan.DoesNotExist:
            return AccountPlan(participant=participant)
    plan = AccountPlan.objects.filter(participant=participant).select_related("updated_by").first()
    return plan or AccountPlan(participant=participant)


def _plan_items(participant: MarketParticipant) -> tuple[list[ActionItem], list[ActionItem]]:
    """The open items due soonest and the latest closed ones, in one query."""
    mine = ActionItem.objects.filter(participant=participant)
    open_ids = mine.filter(status__in=ACTION_ITEM_OPEN_STATUSES).order_by("due_date", "pk")
    closed_order = (F("completed_at").desc(nulls_last=True), "-updated_at")
    closed_ids = mine.exclude(status__in=ACTION_ITEM_OPEN_STATUSES).order_by(*closed_order)
    rows = list(
        action_items_with_relations(mine)
        .filter(
            Q(pk__in=open_ids.values("pk")[:PLAN_PAGE_OPEN_ITEMS])
            | Q(pk__in=closed_ids.values("pk")[:PLAN_PAGE_HISTORY])
        )
        .annotate(is_open_row=Case(When(status__in=ACTION_ITEM_OPEN_STATUSES, then=Value(0)), default=Value(1)))
        .order_by("is_open_row", "due_date", "pk")
    )
    open_items = [item for item in rows if item.is_open]
    closed_items = sorted(
        (item for item in rows if not item.is_open),
        key=lambda item: (item.completed_at is None, -(item.completed_at or item.updated_at).timestamp()),
    )
    return open_items, closed_items


def _plan_meetings(participant: MarketParticipant, now) -> tuple[list[Meeting], list[Meeting]]:
    """Every upcoming meeting and the latest past ones, with their attendees, in two queries."""
    upcoming = Q(status=MeetingStatus.SCHEDULED, ends_at__gte=now)
    mine = Meeting.objects.filter(participant=participant)
    past_ids = mine.exclude(upcoming).order_by("-starts_at").values("pk")[:PLAN_PAGE_HISTORY]
    rows = list(meetings_with_attendees(mine).filter(upcoming | Q(pk__in=past_ids)).order_by("starts_at"))
    is_upcoming = [meeting.status == MeetingStatus.SCHEDULED and meeting.ends_at >= now for meeting in rows]
    upcoming_meetings = [meeting for meeting, up in zip(rows, is_upcoming, strict=True) if up]
    past_meetings = [meeting for meeting, up in zip(rows, is_upcoming, strict=True) if not up][::-1]
    return upcoming_meetings, past_meetings


def _count_of(queryset) -> Coalesce:
    """A scalar subquery counting ``queryset`` (filtered on ``OuterRef("pk")``), 0 when it has no rows."""
    counted = queryset.order_by().values("participant").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _plan_counts(participant: MarketParticipant, today) -> dict:
    """The plan page's figures (open and overdue items, the feedback summary) in one query."""
    items = ActionItem.objects.filter(participant=OuterRef("pk"))
    feedback = PerformanceFeedback.objects.filter(participant=OuterRef("pk"))
    average = feedback.order_by().values("participant").annotate(a=Avg("rating")).values("a")
    return (
        MarketParticipant.objects.filter(pk=participant.pk)
        .values(
            open_items=_count_of(items.filter(status__in=ACTION_ITEM_OPEN_STATUSES)),
            overdue_items=_count_of(items.filter(overdue_action_items_q(today))),
            feedback_count=_count_of(feedback),
            open_follow_ups=_count_of(feedback.filter(follow_up_status=PerformanceFeedback.FollowUp.OPEN)),
            feedback_average=Subquery(average, output_field=FloatField()),
        )
        .get()
    )


def plan_for_participant(participant: MarketParticipant) -> dict:
    """Everything the plan page shows, in a fixed number of queries whatever the row counts.

    ``plan`` is unsaved (empty) when nobody wrote one yet.
    """
    now = timezone.now()
    plan = _plan_of(participant)
    objectives = list(
        PlanObjective.objects.filter(plan__participant=participant).annotate(
            open_items=Count("action_items", filter=Q(action_items__status__in=ACTION_ITEM_OPEN_STATUSES)),
            item_count=Count("action_items"),
        )
    )
    today = timezone.localdate()
    open_items, closed_items = _plan_items(participant)
    upcoming_meetings, past_meetings = _plan_meetings(participant, now)
    feedback = list(
        PerformanceFeedback.objects.filter(participant=participant)
        .select_related("submitted_by", "recorded_by", "meeting", "followed_up_by")
        .order_by("-created_at")[:PLAN_PAGE_HISTORY]
    )
    counts = _plan_counts(participant, today)
    feedback_summary = {
        "average": counts["feedback_average"],
        "count": counts["feedback_count"],
        "open_follow_ups": counts["open_follow_ups"],
    }
    improvements = list(
        ImprovementAction.objects.filter(participant=participant)
        .select_related("owner", "pattern__category", "feedback", "course")
        .order_by("due_date")
    )
    return {
        "plan": plan,
        "objectives": objectives,
        "open_items": open_items,
        "open_count": counts["open_items"],
        "overdue_count": counts["overdue_items"],
        "closed_items": closed_items,
        "upcoming_meetings": upcoming_meetings,
        "past_meetings": past_meetings,
        "feedback": feedback,
        "feedback_summary": feedback_summary,
        "improvements": improvements,
    }


def action_items_for_user(user: User) -> QuerySet[ActionItem]:
    """Staff: every item (views filter by owner, MP, status, due). MP users: the items at MPs they belong to."""
    if not user.is_authenticated:
        return ActionItem.objects.none()
    queryset = ActionItem.objects.all()
    if not user.is_staff:
        queryset = queryset.filter(participant__in=participants_for_user(user))
    return action_items_with_relations(queryset).order_by("due_date", "pk")


def portal_action_items(*, user: User, participant: MarketParticipant) -> QuerySet[ActionItem]:
    """The MP's own side of its action items (what its contacts are expected to do)."""
    return action_items_with_relations(
        ActionItem.objects.filter(
            participant=participant, participant__in=participants_for_user(user), side=ActionSide.PARTICIPANT
        )
    ).order_by("status", "due_date", "pk")


def portal_waiting_action_items(user: User, participant: MarketParticipant) -> WaitingGroup | None:
    """The "Waiting on you" card's group: the open action items ``user`` owns for the MP, due soonest first (two
    queries)."""
    mine = ActionItem.objects.filter(
        participant=participant,
        participant__in=participants_for_user(user),
        owner=user,
        status__in=ACTION_ITEM_OPEN_STATUSES,
    )
    count = mine.count()
    if not count:
        return None
    today = timezone.localdate()
    first = mine.order_by("due_date", "pk").only("title", "due_date", "status")[:WAITING_ITEMS_SHOWN]
    plan_url = reverse("portal:plan")
    return WaitingGroup(
        title="Action items you own",
        count=count,
        items=[
            WaitingItem(
                text=item.title, url=f"{plan_url}#action-items", due=item.due_date, overdue=item.due_date < today
            )
            for item in first
        ],
        url=f"{plan_url}#action-items",
        link_text="Meetings and action items",
    )


def _portal_meeting_base(*, user: User, participant: MarketParticipant) -> QuerySet[Meeting]:
    return with_shared_minutes(
        meetings_with_attendees(
            Meeting.objects.filter(participant=participant, participant__in=participants_for_user(user))
        )
    )


def portal_meetings(*, user: User, participant: MarketParticipant) -> QuerySet[Meeting]:
    """The MP's meetings, without those cancelled that were in the past; show ``shared_minutes``, never ``minutes``."""
    now = timezone.now()
    return (
        _portal_meeting_base(user=user, participant=participant)
        .exclude(status=MeetingStatus.CANCELLED, starts_at__lt=now)
        .order_by("-starts_at")
    )


def portal_meeting_get(*, user: User, participant: MarketParticipant, pk) -> Meeting:
    """One meeting of the MP (404 for anything else), with ``shared_minutes`` and, as ``participant_follow_ups``,
    the follow-up items on the MP's side."""
    follow_ups = Prefetch(
        "follow_up_items",
        queryset=action_items_with_relations(ActionItem.objects.filter(side=ActionSide.PARTICIPANT)),
        to_attr="participant_follow_ups",
    )
    return get_object_or_404(
        _portal_meeting_base(user=user, participant=participant).prefetch_related(follow_ups), pk=pk
    )


def participant_contacts_and_staff_choices(participant: MarketParticipant) -> QuerySet[User]:
    """People who may own an item or attend a meeting: active staff and the MP's active contacts."""
    contacts = User.objects.active_contacts(participant).values("pk")
    return User.objects.filter(Q(is_staff=True, is_active=True) | Q(pk__in=contacts)).order_by(
        "-is_staff", "full_name", "email"
    )


def pattern_actions(pattern: IssuePattern) -> QuerySet[ImprovementAction]:
    return pattern.actions.select_related("owner", "created_by").order_by("due_date")


def participant_improvement_actions(participant) -> QuerySet[ImprovementAction]:
    return participant.improvement_actions.select_related("owner", "pattern__category", "course").order_by("due_date")


def next_seven_days(today: datetime.date) -> Q:
    """Meetings starting in the window of the "meetings in 7 days" figure: from today's midnight, for a week."""
    return Q(starts_at__gte=start_of_day(today), starts_at__lt=start_of_day(today + datetime.timedelta(days=7)))
