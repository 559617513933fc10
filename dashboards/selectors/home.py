"""The Account Manager's home dashboard: the book's health in SQL, and the day's lists.

Every figure is counted by the database (correlated ``COUNT`` subqueries and conditional aggregates), never by
looping over rows in Python, so the page costs the same number of queries for a book of 5 or of 2,000 MPs.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accounts.models import AccountManager, AccountManagerAssignment, MarketParticipant, ParticipantStatus, User
from accounts.roles import StaffGroup
from cases.models import OPEN_STATUSES, Case, CaseMessage, IssuePattern, SlaState
from ercot_services.core.calendar import start_of_day
from ercot_services.core.permissions import in_group
from notices.models import Acknowledgement, Notice, NoticeStatus
from notices.selectors import published_notices, with_thread_cancelled
from plans.models import (
    ACTION_ITEM_OPEN_STATUSES,
    ActionItem,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    PerformanceFeedback,
    overdue_action_items_q,
)
from plans.selectors import next_seven_days
from qualification.models import Enrollment, EnrollmentStatus
from registration.models import OPEN_APPLICATION_STATUSES, Application

ALL = "all"
UNACKNOWLEDGED_WINDOW_DAYS = 90
NEVER = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)

# ?sort= for the book table → ORDER BY. "attention" puts the MPs that need the AM first.
BOOK_SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "attention": ("Needs attention first", ("-breached_cases", "-overdue_items", "-open_cases", "short_name")),
    "name": ("Name A–Z", ("short_name",)),
    "open_cases": ("Most open cases", ("-open_cases", "short_name")),
}
DEFAULT_BOOK_SORT = "attention"


class SubqueryCount(Subquery):
    """``(SELECT COUNT(*) FROM (<queryset>))`` as an integer annotation; the queryset refers to ``OuterRef``."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


def _count(queryset: QuerySet) -> SubqueryCount:
    return SubqueryCount(queryset.order_by().values("pk"))


def is_lead(user: User) -> bool:
    return in_group(user, StaffGroup.CLIENT_SERVICES_LEAD)


@dataclasses.dataclass
class DashboardScope:
    """Whose book the dashboard shows: one AM's (``manager``) or every MP (``manager`` None, the Lead's view)."""

    manager: AccountManager | None
    can_choose: bool
    managers: list[AccountManager]

    @property
    def is_all(self) -> bool:
        return self.manager is None

    @property
    def label(self) -> str:
        return "All Market Participants" if self.manager is None else f"{self.manager.user.full_name}'s book"

    @property
    def param(self) -> str:
        return ALL if self.manager is None else str(self.manager.pk)

    def participants(self) -> QuerySet[MarketParticipant]:
        participants = MarketParticipant.objects.exclude(status=ParticipantStatus.TERMINATED)
        if self.manager is None:
            return participants
        return participants.filter(
            pk__in=AccountManagerAssignment.objects.current()
            .filter(account_manager=self.manager)
            .values("participant_id")
        )


def dashboard_scope(user: User, requested: str | None) -> DashboardScope:
    """An AM sees their own book only; the Lead (or an administrator) may pick any AM's book or all MPs.

    Staff without a book who are not the Lead see every MP (the Service Desk works across books).
    """
    own = AccountManager.objects.select_related("user").filter(user=user).first()
    if not is_lead(user):
        return DashboardScope(manager=own, can_choose=False, managers=[])
    managers = list(AccountManager.objects.select_related("user").order_by("user__full_name"))
    if requested == ALL:
        return DashboardScope(manager=None, can_choose=True, managers=managers)
    chosen = next((m for m in managers if str(m.pk) == requested), None)
    return DashboardScope(manager=chosen or own, can_choose=True, managers=managers)


def _unacknowledged_notices(today: datetime.date):
    """Recent ACTION REQUIRED notices addressed to the outer MP (``Notice.objects.addressed_to``), not acknowledged."""
    return (
        with_thread_cancelled(
            published_notices()
            .filter(published_at__gte=start_of_day(today - datetime.timedelta(days=UNACKNOWLEDGED_WINDOW_DAYS)))
            .exclude(action_required="")
        )
        .filter(thread_cancelled=False)
        .addressed_to(OuterRef("pk"))
        .exclude(
            Exists(Acknowledgement.objects.filter(notice_id=OuterRef("pk"), participant_id=OuterRef(OuterRef("pk"))))
        )
    )


def _with_sort_keys(participants: QuerySet[MarketParticipant], today: datetime.date) -> QuerySet[MarketParticipant]:
    open_cases = Case.objects.filter(participant=OuterRef("pk"), status__in=OPEN_STATUSES)
    return participants.annotate(
        open_cases=_count(open_cases),
        breached_cases=_count(open_cases.filter(sla_state=SlaState.BREACHED)),
        overdue_items=_count(ActionItem.objects.overdue(today).filter(participant=OuterRef("pk"))),
    )


def _last_contact():
    """The latest of: a public case message, a meeting held, feedback given. ``NEVER`` when there was none."""
    message = CaseMessage.objects.filter(case__participant=OuterRef("pk"), is_internal=False).order_by("-created_at")
    meeting = Meeting.objects.filter(
        participant=OuterRef("pk"), status=MeetingStatus.HELD, starts_at__lte=timezone.now()
    ).order_by("-starts_at")
    feedback = PerformanceFeedback.objects.filter(participant=OuterRef("pk")).order_by("-created_at")
    never = Value(NEVER, output_field=DateTimeField())
    return Greatest(
        Coalesce(Subquery(message.values("created_at")[:1]), never),
        Coalesce(Subquery(meeting.values("starts_at")[:1]), never),
        Coalesce(Subquery(feedback.values("created_at")[:1]), never),
        output_field=DateTimeField(),
    )


def book_health_order(scope: DashboardScope, *, sort: str, today: datetime.date) -> QuerySet[MarketParticipant]:
    """The scope's MPs with the counts the table sorts by; paginate this, then :func:`book_health_rows`."""
    ordering = BOOK_SORTS.get(sort, BOOK_SORTS[DEFAULT_BOOK_SORT])[1]
    return _with_sort_keys(scope.participants(), today).order_by(*ordering, "pk")


def book_health_rows(page_participants: list[MarketParticipant], *, today: datetime.date) -> list[MarketParticipant]:
    """The rest of each row's signals for one page of MPs (one query, plus roles), in the page's order.

    The counts the page was sorted by come with ``page_participants`` (:func:`book_health_order`), so they are
    not counted again here.
    """
    ids = [p.pk for p in page_participants]
    latest_enrollment = Enrollment.objects.filter(participant=OuterRef("pk")).order_by("-flight__start_date", "-pk")
    rows = {
        row.pk: row
        for row in MarketParticipant.objects.filter(pk__in=ids)
        .order_by()
        .annotate(
            at_risk_cases=_count(
                Case.objects.filter(participant=OuterRef("pk"), status__in=OPEN_STATUSES, sla_state=SlaState.AT_RISK)
            ),
            pending_registrations=_count(
                Application.objects.filter(participant=OuterRef("pk"), status__in=OPEN_APPLICATION_STATUSES)
            ),
            unacknowledged_notices=_count(_unacknowledged_notices(today)),
            open_items=_count(
                ActionItem.objects.filter(participant=OuterRef("pk"), status__in=ACTION_ITEM_OPEN_STATUSES)
            ),
            enrollment_id=Subquery(latest_enrollment.values("pk")[:1]),
            enrollment_status=Subquery(latest_enrollment.values("status")[:1]),
            enrollment_flight=Subquery(latest_enrollment.values("flight__name")[:1]),
            last_contact_at=_last_contact(),
        )
        .prefetch_related("roles")
    }
    now = timezone.now()
    result = []
    for participant in page_participants:
        row = rows[participant.pk]
        row.open_cases, row.breached_cases, row.overdue_items = (
            participant.open_cases,
            participant.breached_cases,
            participant.overdue_items,
        )
        row.days_since_contact = None if row.last_contact_at <= NEVER else (now - row.last_contact_at).days
        row.enrollment_status_label = EnrollmentStatus(row.enrollment_status).label if row.enrollment_status else ""
        result.append(row)
    return result


def dashboard_summary(scope: DashboardScope, *, user: User, today: datetime.date) -> dict[str, int]:
    """The headline figures of the scope, one aggregate query per kind of thing."""
    participants = scope.participants()
    participant_ids = participants.values("pk")
    cases = Case.objects.filter(status__in=OPEN_STATUSES)
    if not scope.is_all:
        cases = cases.filter(participant_id__in=participant_ids)
    summary = cases.aggregate(
        open_cases=Count("pk"),
        at_risk_cases=Count("pk", filter=Q(sla_state=SlaState.AT_RISK)),
        breached_cases=Count("pk", filter=Q(sla_state=SlaState.BREACHED)),
    )
    summary["participants"] = participants.count()
    summary["pending_registrations"] = Application.objects.filter(
        participant_id__in=participant_ids, status__in=OPEN_APPLICATION_STATUSES
    ).count()
    summary.update(
        ActionItem.objects.filter(participant_id__in=participant_ids, status__in=ACTION_ITEM_OPEN_STATUSES).aggregate(
            overdue_items=Count("pk", filter=overdue_action_items_q(today)),
            my_items_due=Count("pk", filter=Q(owner=user, due_date__lte=today + datetime.timedelta(days=7))),
        )
    )
    summary["meetings_this_week"] = Meeting.objects.filter(
        next_seven_days(today),
        participant_id__in=participant_ids,
        status=MeetingStatus.SCHEDULED,
    ).count()
    summary["open_patterns"] = IssuePattern.objects.filter(
        participant_id__in=participant_ids, status=IssuePattern.Status.OPEN
    ).count()
    return summary


def sla_watch(scope: DashboardScope, *, limit: int = 8) -> list[Case]:
    """Open cases at risk or breached, the soonest due first."""
    cases = Case.objects.filter(status__in=OPEN_STATUSES, sla_state__in=[SlaState.AT_RISK, SlaState.BREACHED])
    if not scope.is_all:
        cases = cases.filter(participant_id__in=scope.participants().values("pk"))
    return list(cases.select_related("participant", "assignee").order_by("resolution_due_at", "pk")[:limit])


def pattern_alerts(scope: DashboardScope, *, limit: int = 5) -> list[IssuePattern]:
    patterns = IssuePattern.objects.filter(status=IssuePattern.Status.OPEN)
    if not scope.is_all:
        patterns = patterns.filter(participant_id__in=scope.participants().values("pk"))
    return list(patterns.select_related("participant", "category").order_by("-last_case_at")[:limit])


def upcoming_meetings(scope: DashboardScope, *, user: User, days: int = 14, limit: int = 6) -> list[Meeting]:
    """Scheduled meetings of the scope's MPs (or that the user attends) in the next ``days`` days."""
    now = timezone.now()
    meetings = Meeting.objects.filter(
        status=MeetingStatus.SCHEDULED,
        starts_at__gte=now - datetime.timedelta(hours=1),
        starts_at__lt=now + datetime.timedelta(days=days),
    )
    if not scope.is_all:
        meetings = meetings.filter(
            Q(participant_id__in=scope.participants().values("pk"))
            | Exists(MeetingAttendee.objects.filter(meeting=OuterRef("pk"), user=user))
        )
    return list(
        meetings.select_related("participant").annotate(attendee_count=Count("attendees")).order_by("starts_at")[:limit]
    )


def action_items_due(*, user: User, today: datetime.date, days: int = 7, limit: int = 8) -> list[ActionItem]:
    """The user's own open action items that are overdue or due within ``days`` days, each marked ``overdue``."""
    items = list(
        ActionItem.objects.open()
        .filter(owner=user, due_date__lte=today + datetime.timedelta(days=days))
        .select_related("participant")
        .order_by("due_date", "pk")[:limit]
    )
    for item in items:
        item.overdue = item.is_overdue(today)
    return items


def recent_notices(*, limit: int = 5) -> list[Notice]:
    return list(
        Notice.objects.filter(status=NoticeStatus.PUBLISHED)
        .select_related("notice_type")
        .order_by("-published_at", "-pk")[:limit]
    )


def lead_overview() -> dict:
    """What only the Lead's view adds: MPs by status, books by AM, MPs without an AM."""
    status_counts = {
        row["status"]: row["n"] for row in MarketParticipant.objects.values("status").annotate(n=Count("pk")).order_by()
    }
    return {
        "statuses": [(value, label, status_counts.get(value, 0)) for value, label in ParticipantStatus.choices],
        "unassigned": list(
            MarketParticipant.objects.exclude(
                pk__in=AccountManagerAssignment.objects.current().values("participant_id")
            )
            .exclude(status=ParticipantStatus.TERMINATED)
            .order_by("-created_at")[:8]
        ),
    }
