"""The Account Manager's home dashboard: the book's health from the participant summaries, and the day's lists.

The per-MP figures (open, at-risk and breached cases, pending registrations, the latest enrollment, unacknowledged
notices, open and overdue action items, last contact) are read from ``accounts.ParticipantSummary``, which the
services keep current; the book table sorts and paginates on its indexed columns. The page costs the same number of
queries for a book of 5 or of 2,000 MPs.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import (
    AccountManager,
    AccountManagerAssignment,
    MarketParticipant,
    MarketRole,
    ParticipantStatus,
    ParticipantSummary,
    User,
)
from accounts.roles import StaffGroup
from accounts.selectors import account_managers_with_book_size
from cases.models import OPEN_STATUSES, Case, IssuePattern, SlaState
from ercot_services.core.arrays import array_subquery
from ercot_services.core.home_cards import HomeCard, card_specs_for
from notices.models import Notice, NoticeStatus
from plans.models import ActionItem, Meeting, MeetingAttendee, MeetingStatus
from plans.selectors import next_seven_days
from qualification.models import EnrollmentStatus

ALL = "all"


def _most(field: str):
    """Largest first; an MP without a summary row yet sorts last."""
    return F(f"summary__{field}").desc(nulls_last=True)


# ?sort= for the book table → ORDER BY on the summary's columns. "attention" puts the MPs that need the AM first.
BOOK_SORTS: dict[str, tuple[str, tuple]] = {
    "attention": (
        "Needs attention first",
        (_most("breached_cases"), _most("overdue_items"), _most("open_cases"), "short_name"),
    ),
    "name": ("Name A–Z", ("short_name",)),
    "open_cases": ("Most open cases", (_most("open_cases"), "short_name")),
}
DEFAULT_BOOK_SORT = "attention"
# The summary columns a book row shows (copied onto the row, so the template reads plain attributes).
ROW_FIELDS = (
    "open_cases",
    "at_risk_cases",
    "breached_cases",
    "pending_registrations",
    "enrollment_id",
    "enrollment_status",
    "enrollment_flight",
    "unacknowledged_notices",
    "open_items",
    "overdue_items",
)


def is_lead(user: User, group_names: list[str]) -> bool:
    return user.is_superuser or StaffGroup.CLIENT_SERVICES_LEAD in group_names


def shows_book(user: User, group_names: list[str]) -> bool:
    """The book's health (the AM's figures, the Lead's team view) is for Account Managers and the Lead; the other
    groups own no book and see their own cards instead."""
    return is_lead(user, group_names) or StaffGroup.ACCOUNT_MANAGER in group_names


def role_cards(user: User, group_names: list[str], *, today: datetime.date) -> list[HomeCard]:
    """The cards of the user's groups (registered by the apps, see ``ercot_services.core.home_cards``), the user's
    own queues first. Each card costs a fixed number of queries, so the whole list does too."""
    return [spec.selector(user, today=today) for spec in card_specs_for(group_names, superuser=user.is_superuser)]


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


def dashboard_scope(user: User, requested: str | None, *, group_names: list[str]) -> DashboardScope:
    """An AM sees their own book only; the Lead (or an administrator) may pick any AM's book or all MPs.

    Staff without a book who are not the Lead see every MP (the Service Desk works across books). ``group_names``
    are the user's groups (the page shows them too, so they are read once). The Lead's list of AMs carries each
    book's size (``book_size``) for the overview.
    """
    own = AccountManager.objects.select_related("user").filter(user=user).first()
    if not is_lead(user, group_names):
        return DashboardScope(manager=own, can_choose=False, managers=[])
    managers = list(account_managers_with_book_size().order_by("user__full_name"))
    if requested == ALL:
        return DashboardScope(manager=None, can_choose=True, managers=managers)
    chosen = next((m for m in managers if str(m.pk) == requested), None)
    return DashboardScope(manager=chosen or own, can_choose=True, managers=managers)


def book_health_order(scope: DashboardScope, *, sort: str) -> QuerySet[MarketParticipant]:
    """The scope's MPs with their summaries and role codes, in the table's order; paginate this, then
    :func:`book_health_rows`. (The role codes come as an array in the same query rather than a prefetch.)"""
    ordering = BOOK_SORTS.get(sort, BOOK_SORTS[DEFAULT_BOOK_SORT])[1]
    role_codes = MarketRole.objects.filter(participants=OuterRef("pk")).order_by("code").values("code")
    return (
        scope.participants()
        .select_related("summary")
        .annotate(role_code_list=array_subquery(role_codes))
        .order_by(*ordering, "pk")
    )


def book_health_rows(page_participants: list[MarketParticipant]) -> list[MarketParticipant]:
    """One page of MPs, each carrying its summary's figures as attributes (no query: they came with the page)."""
    rows = []
    for participant in page_participants:
        try:
            summary = participant.summary
        except ParticipantSummary.DoesNotExist:  # not rebuilt yet: nothing counted
            summary = ParticipantSummary(participant=participant)
        for field in ROW_FIELDS:
            setattr(participant, field, getattr(summary, field))
        participant.last_contact_at = summary.last_contact_at
        participant.days_since_contact = summary.days_since_contact
        status = summary.enrollment_status
        participant.enrollment_status_label = EnrollmentStatus(status).label if status else ""
        rows.append(participant)
    return rows


def dashboard_summary(scope: DashboardScope, *, today: datetime.date) -> dict[str, int]:
    """The headline figures of the scope: the per-MP figures are sums of the summary rows (one query).

    The Lead's "all" view counts open cases over every case instead, as the case queue does: that also counts
    the contacts of potential MPs (no participant yet) and the cases of terminated MPs, which no book holds.
    """
    participants = scope.participants()
    sums = participants.aggregate(
        participants=Count("pk"),
        **{
            field: Coalesce(Sum(f"summary__{field}"), 0)
            for field in ("open_cases", "at_risk_cases", "breached_cases", "pending_registrations", "overdue_items")
        },
    )
    summary = dict(sums)
    if scope.is_all:
        summary.update(
            Case.objects.filter(status__in=OPEN_STATUSES).aggregate(
                open_cases=Count("pk"),
                at_risk_cases=Count("pk", filter=Q(sla_state=SlaState.AT_RISK)),
                breached_cases=Count("pk", filter=Q(sla_state=SlaState.BREACHED)),
            )
        )
    participant_ids = participants.values("pk")
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
