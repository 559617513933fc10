"""factory_boy factories for plan management: account plans and objectives, action items, meetings, feedback.

The rows are written straight to the tables, so a test states exactly what an MP has for the pages and selectors
that only read them. The workflows themselves (scheduling with invitations, transitions with audit events and
reminders) are exercised through ``plans.services``, as ``tests/plans/staff/conftest.py::plan_data`` does.
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from plans.models import (
    AccountPlan,
    ActionItem,
    ActionItemStatus,
    ActionSide,
    FeedbackChannel,
    ImprovementAction,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    PerformanceFeedback,
    PlanObjective,
)
from tests.accounts.factories import ParticipantFactory, StaffFactory


class AccountPlanFactory(factory.django.DjangoModelFactory):
    """An MP's account plan (one per MP)."""

    class Meta:
        model = AccountPlan
        django_get_or_create = ("participant",)

    participant = factory.SubFactory(ParticipantFactory)
    summary = "Growing into the Houston market."


class ObjectiveFactory(factory.django.DjangoModelFactory):
    """An objective of a plan (``plan__participant=mp`` for an MP's; ``issue=True``: an issue that needs a concerted
    approach)."""

    class Meta:
        model = PlanObjective

    class Params:
        issue = factory.Trait(kind=PlanObjective.Kind.ISSUE)

    plan = factory.SubFactory(AccountPlanFactory)
    title = "Qualify for retail market testing"
    kind = PlanObjective.Kind.OBJECTIVE


class ActionItemFactory(factory.django.DjangoModelFactory):
    """An action item due ``due_in`` days from today (default 5), on the owner's side (staff: operator).

    Traits: ``overdue`` (open, due three days ago), ``done``, ``in_progress``, ``participant_side``.
    """

    class Meta:
        model = ActionItem

    class Params:
        due_in = 5
        overdue = factory.Trait(due_in=-3)
        in_progress = factory.Trait(status=ActionItemStatus.IN_PROGRESS)
        done = factory.Trait(status=ActionItemStatus.DONE, completed_at=factory.LazyFunction(timezone.now))
        participant_side = factory.Trait(side=ActionSide.PARTICIPANT)

    participant = factory.SubFactory(ParticipantFactory)
    title = "Send the updated contact list"
    owner = factory.SubFactory(StaffFactory)
    side = factory.LazyAttribute(lambda o: ActionSide.OPERATOR if o.owner.is_staff else ActionSide.PARTICIPANT)
    due_date = factory.LazyAttribute(lambda o: timezone.localdate() + datetime.timedelta(days=o.due_in))
    status = ActionItemStatus.OPEN


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting starting ``starts_in`` from now (default a week) for ``hours`` (default 1), the organizer attending.

    ``attendees``: more users who attend. Traits: ``held`` (yesterday), ``cancelled``, ``shared`` (minutes shared
    with the MP now).
    """

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    class Params:
        starts_in = datetime.timedelta(days=7)
        hours = 1
        shared = factory.Trait(minutes_shared_at=factory.LazyFunction(timezone.now))
        held = factory.Trait(status=MeetingStatus.HELD, starts_in=-datetime.timedelta(days=1))
        cancelled = factory.Trait(status=MeetingStatus.CANCELLED)

    participant = factory.SubFactory(ParticipantFactory)
    title = "Quarterly account review"
    starts_at = factory.LazyAttribute(lambda o: (timezone.now() + o.starts_in).replace(second=0, microsecond=0))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=o.hours))
    organizer = factory.SubFactory(StaffFactory)
    status = MeetingStatus.SCHEDULED
    minutes = ""

    @factory.post_generation
    def attendees(self, create, extracted, **kwargs):
        if not create:
            return
        MeetingAttendeeFactory(meeting=self, user=self.organizer)
        for user in extracted or ():
            MeetingAttendeeFactory(meeting=self, user=user)


class MeetingAttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingAttendee

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(StaffFactory)
    email = factory.LazyAttribute(lambda o: o.user.email)
    name = factory.LazyAttribute(lambda o: o.user.full_name)
    is_staff = factory.LazyAttribute(lambda o: o.user.is_staff)


class FeedbackFactory(factory.django.DjangoModelFactory):
    """The MP's performance feedback (default: a 4 by phone, follow-up open). Traits: ``low`` (a 2),
    ``followed_up``."""

    class Meta:
        model = PerformanceFeedback

    class Params:
        low = factory.Trait(rating=2, comments="Dispute answers take too long.")
        followed_up = factory.Trait(
            follow_up_status=PerformanceFeedback.FollowUp.DONE,
            follow_up="Called them back.",
            followed_up_at=factory.LazyFunction(timezone.now),
        )

    participant = factory.SubFactory(ParticipantFactory)
    channel = FeedbackChannel.PHONE
    rating = 4


class ImprovementActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImprovementAction

    participant = factory.SubFactory(ParticipantFactory)
    kind = ImprovementAction.Kind.TRAINING
    title = "Weekly dispute status email"
    owner = factory.SubFactory(StaffFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
