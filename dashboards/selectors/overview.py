"""The 360° view of one MP for staff: everything the operator knows about it, in a fixed number of queries.

The page's first response holds the MP, its Account Manager and assignment history, its contacts and its cases
(:func:`participant_360`, the case counts from the participant summary). The secondary sections (registration,
qualification, notices, plan, audit timeline) load into it one request each (:data:`SECTIONS`), so no request
pays for all of them and each stays bounded whatever the MP's history.
"""

from __future__ import annotations

import dataclasses

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import AccountManager, AccountManagerAssignment, MarketParticipant, Membership
from accounts.selectors.access import latest_review_for_staff
from accounts.selectors.participants import assignment_history, current_manager, participant_contacts
from cases.models import OPEN_STATUSES, Case, SlaState
from cases.selectors.radar import participant_radar
from education.selectors import participant_training
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
from qualification.models import CertificateRequest, ConnectivitySpec, ConnectivityTest, Enrollment
from registration.selectors import applications_for_participant
from registration.templatetags.registration_tags import registration_card

RECENT_CASES = 10
# The assignment history card: the latest assignments (an MP rarely has more than a few).
ASSIGNMENT_HISTORY = 20
RECENT_APPLICATIONS = 10
# The qualification card: the latest enrollments, certificate requests and connectivity tests.
QUALIFICATION_ROWS = 10
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


def participant_360_queryset():
    """The MP with what the page header and the case counts read: its summary row, roles and territories."""
    return MarketParticipant.objects.select_related("summary").prefetch_related("roles", "service_territories")


def participant_cases(participant: MarketParticipant) -> dict:
    """The case counts and the latest cases. Open, at-risk and breached come from the participant summary (the
    numbers the home page shows); the total and the open disputes are counted on the MP's cases by its index."""
    summary = getattr(participant, "summary", None)  # None before the summary row was first built
    open_cases = Q(status__in=OPEN_STATUSES)
    counted = {
        "total": Count("pk"),
        "disputes_open": Count("pk", filter=open_cases & Q(kind="dispute")),
    }
    if summary is None:
        counted.update(
            open=Count("pk", filter=open_cases),
            at_risk=Count("pk", filter=open_cases & Q(sla_state=SlaState.AT_RISK)),
            breached=Count("pk", filter=open_cases & Q(sla_state=SlaState.BREACHED)),
        )
    counts = Case.objects.filter(participant=participant).aggregate(**counted)
    if summary is not None:
        counts.update(open=summary.open_cases, at_risk=summary.at_risk_cases, breached=summary.breached_cases)
    recent = list(
        Case.objects.filter(participant=participant)
        .select_related("category", "assignee")
        .order_by("-created_at", "-pk")[:RECENT_CASES]
    )
    return {"counts": counts, "recent": recent}


def _current_manager(
    participant: MarketParticipant, assignments: list[AccountManagerAssignment]
) -> AccountManager | None:
    """The current AM from the assignment history already read (the rule of ``with_active_manager``: not ended,
    AM active); asks the database only when the history shown was cut before any assignment in force."""
    for assignment in assignments:
        if assignment.is_current and assignment.account_manager.is_active:
            return assignment.account_manager
    if len(assignments) > ASSIGNMENT_HISTORY:
        return current_manager(participant)
    return None


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


def participant_360(participant: MarketParticipant) -> dict:
    """The first response of the 360° page: contacts, the AM and assignment history, cases (four queries)."""
    contacts = list(participant_contacts(participant))
    assignments = list(assignment_history(participant)[: ASSIGNMENT_HISTORY + 1])
    return {
        "contacts": contacts,
        "authorizing": [m for m in contacts if m.can_authorize],
        "account_manager": _current_manager(participant, assignments),
        "assignments": assignments[:ASSIGNMENT_HISTORY],
        "more_assignments": len(assignments) > ASSIGNMENT_HISTORY,
        "cases": participant_cases(participant),
    }


def participant_registration_section(participant: MarketParticipant) -> dict:
    """Open applications, registration facts and the latest applications (six queries)."""
    return {
        "registration": registration_card(participant),
        "applications": list(applications_for_participant(participant)[:RECENT_APPLICATIONS]),
    }


def _latest(queryset, limit: int) -> tuple[list, bool]:
    """The first ``limit`` rows and whether there are more (one query: ``limit + 1`` rows are read)."""
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


def participant_qualification_section(participant: MarketParticipant) -> dict:
    """The latest enrollments with their result and letter, certificate requests, the connectivity specs and
    tests (four queries). The portal's qualification page (``participant_qualification``) also evaluates the
    criteria gate and lists every letter, which this card does not show."""
    enrollments, more_enrollments = _latest(
        Enrollment.objects.filter(participant=participant)
        .select_related("flight", "result", "letter")
        .order_by("-flight__start_date", "change_kind"),
        QUALIFICATION_ROWS,
    )
    certificates, more_certificates = _latest(
        CertificateRequest.objects.filter(participant=participant)
        .select_related("security_administrator")
        .order_by("-requested_at"),
        QUALIFICATION_ROWS,
    )
    connectivity_tests, more_tests = _latest(
        ConnectivityTest.objects.filter(participant=participant)
        .select_related("service_request")
        .order_by("-created_at"),
        QUALIFICATION_ROWS,
    )
    return {
        "qualification": {
            "enrollments": enrollments,
            "certificates": certificates,
            "connectivity_spec": ConnectivitySpec.objects.filter(participant=participant).first(),
            "connectivity_tests": connectivity_tests,
            "cut": more_enrollments or more_certificates or more_tests,
        },
        "qualification_rows": QUALIFICATION_ROWS,
    }


def participant_notices_section(participant: MarketParticipant) -> dict:
    """The ACTION REQUIRED notices addressed to the MP and the distribution lists its contacts are on."""
    contacts = list(participant_contacts(participant))
    return {
        "action_notices": list(inbox_notices(participant, action_only=True)[:RECENT_ACTION_NOTICES]),
        "list_reach": participant_list_reach(participant, contacts),
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


def participant_plan_section(participant: MarketParticipant) -> dict:
    return {"plan": participant_plan_glance(participant)}


def participant_access_section(participant: MarketParticipant) -> dict:
    """People and access: the latest quarterly access review, its counts and whom it suspended (two queries)."""
    return {"access": latest_review_for_staff(participant)}


# The 360° page's dispute-deadline card lists the windows closing first (the MP's portal page has them all).
DEADLINE_WINDOWS = 8


def participant_deadlines_section(participant: MarketParticipant) -> dict:
    """The deadline radar of the MP (cases.selectors.radar): open windows closing first, those on charge types it
    disputed recently, and what it could file again (three queries, whatever the calendar's size)."""
    radar = participant_radar(participant=participant)
    return {
        "radar": radar,
        "deadline_windows": radar.windows[:DEADLINE_WINDOWS],
    }


def participant_training_section(participant: MarketParticipant) -> dict:
    """Market education: the courses recommended to the MP, its people's enrolments to come and completions
    (three queries, ``education.selectors.participant_training``)."""
    return {"training": participant_training(participant)}


# The sections of the 360° page that load after it, by name (the audit timeline, paged by the request, is the
# view's own section).
SECTIONS = {
    "registration": participant_registration_section,
    "qualification": participant_qualification_section,
    "notices": participant_notices_section,
    "plan": participant_plan_section,
    "access": participant_access_section,
    "deadlines": participant_deadlines_section,
    "training": participant_training_section,
}
