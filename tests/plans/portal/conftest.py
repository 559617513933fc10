"""Fixtures for the portal side of plan management: meetings and action items written straight to the tables
(the pages only read them), so each test states exactly what the MP has."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import ContactRank, ContactRole
from plans.models import ActionItem, ActionSide, Meeting, MeetingAttendee, MeetingStatus
from tests.factories import MembershipFactory


def make_meeting(
    participant,
    organizer,
    *,
    title="Quarterly account review",
    starts_in=datetime.timedelta(days=7),
    hours=1,
    status=MeetingStatus.SCHEDULED,
    minutes="",
    shared=False,
    attendees=(),
    **extra,
):
    starts_at = (timezone.now() + starts_in).replace(second=0, microsecond=0)
    meeting = Meeting.objects.create(
        participant=participant,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours),
        organizer=organizer,
        status=status,
        minutes=minutes,
        minutes_shared_at=timezone.now() if shared else None,
        **extra,
    )
    MeetingAttendee.objects.create(
        meeting=meeting, user=organizer, email=organizer.email, name=organizer.full_name, is_staff=True
    )
    for user in attendees:
        MeetingAttendee.objects.create(
            meeting=meeting, user=user, email=user.email, name=user.full_name, is_staff=user.is_staff
        )
    return meeting


def make_item(
    participant, owner, *, title="Send the updated contact list", due_in=5, status="open", side=None, **extra
):
    return ActionItem.objects.create(
        participant=participant,
        title=title,
        owner=owner,
        side=side or (ActionSide.OPERATOR if owner.is_staff else ActionSide.PARTICIPANT),
        due_date=timezone.localdate() + datetime.timedelta(days=due_in),
        status=status,
        created_by=extra.pop("created_by", None),
        **extra,
    )


@pytest.fixture
def am_user(account_manager):
    return account_manager.user


@pytest.fixture
def portal(client, mp_user):
    client.force_login(mp_user)
    return client


def make_contact(participant, **kwargs):
    """One more active contact of the MP (secondary, so any number can be added)."""
    kwargs.setdefault("contact_role", ContactRole.TECHNICAL)
    return MembershipFactory(participant=participant, rank=ContactRank.SECONDARY, **kwargs).user
