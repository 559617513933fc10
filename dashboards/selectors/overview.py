"""The 360° view of one MP for staff: everything the operator knows about it, in a fixed number of queries."""

from __future__ import annotations

import dataclasses

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import MarketParticipant, Membership
from accounts.selectors.participants import participant_contacts
from cases.models import OPEN_STATUSES, Case, SlaState
from notices.models import ContactListOptOut, DistributionList, Subscription
from notices.selectors import inbox_notices
from plans.models import (
    ACTION_ITEM_OPEN_STATUSES,
    AccountPlan,
    ActionItem,
    Meeting,
    MeetingStatus,
    PerformanceFeedback,
    PlanObjective,
)
from qualification.selectors import participant_qualification
from registration.selectors import applications_for_participant
from registration.templatetags.registration_tags import registration_card

RECENT_CASES = 10
RECENT_ACTION_NOTICES = 8
# The plan card of the 360° page shows a glance; the plan page has the rest.
PLAN_OBJECTIVES = 8
PLAN_OPEN_ITEMS = 8
PLAN_UPCOMING_MEETINGS = 5
PLAN_PAST_MEETINGS = 3
PLAN_FEEDBACK = 3


@dataclasses.dataclass
class ListReach:
    """One distribution list and how this MP's contacts are on it."""

    distribution_list: DistributionList
    by_role: list[Membership]
    opted_out: list[Membership]
    subscribed: list[Subscription]


def participant_cases(participant: MarketParticipant) -> dict:
    counts = Case.objects.filter(participant=participant).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        at_risk=Count("pk", filter=Q(status__in=OPEN_STATUSES, sla_state=SlaState.AT_RISK)),
        breached=Count("pk", filter=Q(status__in=OPEN_STATUSES, sla_state=SlaState.BREACHED)),
        disputes_open=Count("pk", filter=Q(status__in=OPEN_STATUSES, kind="dispute")),
    )
    recent = list(
        Case.objects.filter(participant=participant)
        .select_related("category", "assignee")
        .order_by("-created_at", "-pk")[:RECENT_CASES]
    )
    return {"counts": counts, "recent": recent}


def participant_list_reach(participant: MarketParticipant, contacts: list[Membership]) -> list[ListReach]:
    """Which lists the MP's contacts receive by their role, which they opted out of, and any own subscriptions."""
    emails = {m.user.email.lower() for m in contacts}
    opt_outs = set(ContactListOptOut.objects.filter(email__in=emails).values_list("distribution_list_id", "email"))
    subscriptions: dict[int, list[Subscription]] = {}
    for subscription in Subscription.objects.filter(email__in=emails).exclude(status=Subscription.Status.UNSUBSCRIBED):
        subscriptions.setdefault(subscription.distribution_list_id, []).append(subscription)
    reach = []
    for dl in DistributionList.objects.order_by("name"):
        by_role = [m for m in contacts if m.contact_role in (dl.contact_roles or [])]
        opted_out = [m for m in by_role if (dl.pk, m.user.email.lower()) in opt_outs]
        receiving = [m for m in by_role if m not in opted_out]
        if receiving or opted_out or dl.pk in subscriptions:
            reach.append(
                ListReach(
                    distribution_list=dl,
                    by_role=receiving,
                    opted_out=opted_out,
                    subscribed=subscriptions.get(dl.pk, []),
                )
            )
    return reach


def participant_overview(participant: MarketParticipant) -> dict:
    """Cases, registrations, qualification, notices and list reach of one MP (plan and audit come separately)."""
    contacts = list(participant_contacts(participant))
    return {
        "contacts": contacts,
        "authorizing": [m for m in contacts if m.can_authorize],
        "cases": participant_cases(participant),
        "applications": list(applications_for_participant(participant)[:10]),
        "qualification": participant_qualification(participant),
        "action_notices": list(inbox_notices(participant, action_only=True)[:RECENT_ACTION_NOTICES]),
        "list_reach": participant_list_reach(participant, contacts),
        "registration": registration_card(participant),
    }


def participant_plan_glance(participant: MarketParticipant) -> dict:
    """The 360° page's plan card, bounded: the plan's summary, the first objectives, the open action items due
    first, the next and the last meetings, the latest feedback (six queries, whatever the MP's history)."""
    now = timezone.now()
    meetings = Meeting.objects.filter(participant=participant)
    upcoming = Q(status=MeetingStatus.SCHEDULED, ends_at__gte=now)
    return {
        "plan": AccountPlan.objects.filter(participant=participant).only("summary").first(),
        "objectives": list(PlanObjective.objects.filter(plan__participant=participant)[:PLAN_OBJECTIVES]),
        "open_items": list(
            ActionItem.objects.filter(participant=participant, status__in=ACTION_ITEM_OPEN_STATUSES)
            .select_related("owner")
            .order_by("due_date", "pk")[:PLAN_OPEN_ITEMS]
        ),
        "upcoming_meetings": list(meetings.filter(upcoming).order_by("starts_at")[:PLAN_UPCOMING_MEETINGS]),
        "past_meetings": list(meetings.exclude(upcoming).order_by("-starts_at")[:PLAN_PAST_MEETINGS]),
        "feedback": list(
            PerformanceFeedback.objects.filter(participant=participant).order_by("-created_at")[:PLAN_FEEDBACK]
        ),
    }
