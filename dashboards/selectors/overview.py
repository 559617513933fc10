"""The 360° view of one MP for staff: everything the operator knows about it, in a fixed number of queries."""

from __future__ import annotations

import dataclasses

from django.db.models import Count, Q

from accounts.models import MarketParticipant, Membership
from accounts.selectors.participants import participant_contacts
from cases.models import OPEN_STATUSES, Case, SlaState
from notices.models import ContactListOptOut, DistributionList, Subscription
from notices.selectors import inbox_notices
from qualification.selectors import participant_qualification
from registration.selectors import applications_for_participant

RECENT_CASES = 10
RECENT_ACTION_NOTICES = 8


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
    }
