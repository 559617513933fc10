"""Fixtures for the staff plan-management pages: an AM, their MP with contacts, and a realistic plan."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cases.models import CaseCategory, CaseKind, Channel
from plans.models import (
    ActionItem,
    ActionItemStatus,
    ActionSide,
    ImprovementAction,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    PerformanceFeedback,
    PlanObjective,
)
from plans.services import (
    ActionItemInput,
    ImprovementActionInput,
    MeetingInput,
    action_item_create,
    action_item_transition,
    feedback_record,
    improvement_action_create,
    meeting_record_minutes,
    meeting_schedule,
    objective_create,
    plan_update,
)
from tests.accounts.factories import MembershipFactory, StaffFactory
from tests.case_inputs import submit_case


@pytest.fixture
def am_user(account_manager):
    """The staff user behind the participant's current Account Manager (group "Account Manager")."""
    return account_manager.user


@pytest.fixture
def am_client(client, am_user):
    client.force_login(am_user)
    return client


@pytest.fixture
def contact(participant):
    """A second active contact of the MP (besides ``mp_user``)."""
    return MembershipFactory(participant=participant, user__full_name="Dana Whitfield", rank="secondary").user


@pytest.fixture
def viewer(db):
    """Staff without plan permissions (Service Desk): may look, may not write."""
    return StaffFactory(groups=["Service Desk"], full_name="Sam Desk")


def _at(days: int, hour: int = 10) -> datetime.datetime:
    local = timezone.localtime() + datetime.timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def plan_data(participant, am_user, mp_user, contact):
    """A plan as an AM keeps it: summary, objectives and an issue, items in every state (one overdue, one linked
    to a case), an upcoming and a held meeting, feedback with open and done follow-up, and improvements."""
    today = timezone.localdate()
    plan_update(
        actor=am_user,
        participant=participant,
        summary="New REP entering the Oncor and CenterPoint territories in Q3; focus on a clean market entry.",
        next_review_date=today + datetime.timedelta(days=45),
    )
    entry = objective_create(
        actor=am_user,
        participant=participant,
        kind=PlanObjective.Kind.OBJECTIVE,
        title="Qualify for retail market testing in Flight 0226",
        target_date=today + datetime.timedelta(days=60),
    )
    issue = objective_create(
        actor=am_user,
        participant=participant,
        kind=PlanObjective.Kind.ISSUE,
        title="Repeated usage/billing disputes with TDSPs",
        description="Three disputes in six weeks about missing 867 usage transactions.",
    )
    category = CaseCategory.objects.filter(is_active=True).order_by("sort_order").first()
    case = submit_case(
        actor=am_user,
        kind=CaseKind.INQUIRY,
        category=category,
        participant=participant,
        requester=mp_user,
        channel=Channel.PHONE,
        subject="Missing 867_03 usage for March",
        description="Usage for March never arrived.",
    )
    meeting = meeting_schedule(
        actor=am_user,
        participant=participant,
        data=MeetingInput(
            title="Quarterly account review",
            starts_at=_at(3),
            ends_at=_at(3, 11),
            agenda="1. Flight 0226 readiness\n2. Usage disputes\n3. Training needs",
            location="ERCOT Taylor, room 2.104",
            dial_in="https://meet.example.com/qar",
            attendees=[mp_user, contact],
            extra_emails=["consultant@example.org"],
            objective=entry,
        ),
    )
    held = meeting_schedule(
        actor=am_user,
        participant=participant,
        data=MeetingInput(title="Kick-off call", starts_at=_at(-10), ends_at=_at(-10, 11), attendees=[mp_user]),
    )
    meeting_record_minutes(actor=am_user, meeting=held, minutes="Agreed the market entry plan.")
    open_item = action_item_create(
        actor=am_user,
        participant=participant,
        data=ActionItemInput(
            title="Send the Flight 0226 testing checklist",
            owner=am_user,
            due_date=today + datetime.timedelta(days=5),
            objective=entry,
        ),
    )
    mp_item = action_item_create(
        actor=am_user,
        participant=participant,
        data=ActionItemInput(
            title="Confirm the 867 transaction set contact",
            owner=mp_user,
            due_date=today + datetime.timedelta(days=2),
            objective=issue,
            case=case,
        ),
        meeting=held,
    )
    overdue = action_item_create(
        actor=am_user,
        participant=participant,
        data=ActionItemInput(
            title="Review the March usage gaps with Oncor",
            owner=am_user,
            due_date=today + datetime.timedelta(days=1),
            objective=issue,
        ),
    )
    ActionItem.objects.filter(pk=overdue.pk).update(due_date=today - datetime.timedelta(days=3))
    done = action_item_create(
        actor=am_user,
        participant=participant,
        data=ActionItemInput(
            title="Share the registration checklist", owner=am_user, due_date=today + datetime.timedelta(days=1)
        ),
    )
    action_item_transition(actor=am_user, item=done, to=ActionItemStatus.DONE, note="Sent by email.")
    low = feedback_record(
        actor=am_user,
        participant=participant,
        channel="phone",
        rating=2,
        comments="Dispute answers take too long; we never know who is working on them.",
        submitted_by=mp_user,
    )
    feedback_record(actor=am_user, participant=participant, channel="meeting", rating=5, meeting=held)
    improvement = improvement_action_create(
        actor=am_user,
        participant=participant,
        data=ImprovementActionInput(
            kind=ImprovementAction.Kind.PROCESS_CHANGE,
            title="Weekly dispute status email",
            owner=am_user,
            due_date=today + datetime.timedelta(days=14),
        ),
        feedback=low,
    )
    return {
        "objective": entry,
        "issue": issue,
        "case": case,
        "meeting": meeting,
        "held": held,
        "open_item": open_item,
        "mp_item": mp_item,
        "overdue": overdue,
        "done": done,
        "feedback": low,
        "improvement": improvement,
    }


def grow(participant, owner, contact_user, n: int) -> None:
    """Add ``n`` of everything the plan page and the list pages show (bulk, no services: only the row count matters)."""
    now = timezone.now()
    today = timezone.localdate()
    objectives = PlanObjective.objects.bulk_create(
        PlanObjective(plan=participant.plan, title=f"Objective {i}", kind=PlanObjective.Kind.OBJECTIVE)
        for i in range(n)
    )
    meetings = Meeting.objects.bulk_create(
        Meeting(
            participant=participant,
            title=f"Meeting {i}",
            starts_at=now + datetime.timedelta(days=i - n // 2),
            ends_at=now + datetime.timedelta(days=i - n // 2, hours=1),
            organizer=owner,
            status=MeetingStatus.SCHEDULED if i >= n // 2 else MeetingStatus.HELD,
            objective=objectives[i],
        )
        for i in range(n)
    )
    MeetingAttendee.objects.bulk_create(
        [
            MeetingAttendee(meeting=m, user=owner, email=owner.email, name=owner.full_name, is_staff=True)
            for m in meetings
        ]
        + [
            MeetingAttendee(meeting=m, user=contact_user, email=contact_user.email, name=contact_user.full_name)
            for m in meetings
        ]
    )
    statuses = list(ActionItemStatus)
    ActionItem.objects.bulk_create(
        ActionItem(
            participant=participant,
            title=f"Item {i}",
            owner=owner if i % 2 else contact_user,
            side=ActionSide.OPERATOR if i % 2 else ActionSide.PARTICIPANT,
            due_date=today + datetime.timedelta(days=i - n // 2),
            status=statuses[i % len(statuses)],
            objective=objectives[i],
            meeting=meetings[i],
        )
        for i in range(n)
    )
    feedback = PerformanceFeedback.objects.bulk_create(
        PerformanceFeedback(
            participant=participant,
            channel="phone",
            rating=1 + i % 5,
            comments=f"Comment {i}",
            submitted_by=contact_user,
            recorded_by=owner,
            meeting=meetings[i],
            follow_up_status=PerformanceFeedback.FollowUp.OPEN if i % 2 else PerformanceFeedback.FollowUp.DONE,
            followed_up_by=None if i % 2 else owner,
        )
        for i in range(n)
    )
    ImprovementAction.objects.bulk_create(
        ImprovementAction(
            participant=participant,
            kind=ImprovementAction.Kind.TRAINING,
            title=f"Improvement {i}",
            owner=owner,
            due_date=today + datetime.timedelta(days=i),
            feedback=feedback[i],
            status=ImprovementAction.Status.PLANNED if i % 2 else ImprovementAction.Status.IN_PROGRESS,
        )
        for i in range(n)
    )
