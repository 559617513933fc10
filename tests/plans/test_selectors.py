"""Plan selectors: bounded queries for the plan page, portal scoping and minutes only once shared."""

import datetime

import pytest
from django.http import Http404

from plans.models import ActionItemStatus
from plans.selectors import (
    action_items_for_user,
    participant_contacts_and_staff_choices,
    plan_for_participant,
    portal_action_items,
    portal_meeting_get,
    portal_meetings,
)
from plans.services import (
    ActionItemInput,
    MeetingInput,
    action_item_create,
    action_item_transition,
    feedback_record,
    meeting_cancel,
    meeting_record_minutes,
    meeting_schedule,
    meeting_share_minutes,
    objective_create,
)
from tests.accounts.factories import MembershipFactory, StaffFactory

from .conftest import ct

pytestmark = pytest.mark.django_db

D = datetime.date


def _fill(am, participant, contact, n):
    objective = objective_create(actor=am, participant=participant, kind="objective", title="Go live in Flight 0327")
    for i in range(n):
        item = action_item_create(
            actor=am,
            participant=participant,
            data=ActionItemInput(
                title=f"Item {i}",
                owner=contact if i % 2 else am,
                due_date=D(2026, 12, 1) + datetime.timedelta(days=i),
                objective=objective,
            ),
        )
        if i % 3 == 0:
            action_item_transition(actor=am, item=item, to=ActionItemStatus.DONE)
        meeting = meeting_schedule(
            actor=am,
            participant=participant,
            data=MeetingInput(
                title=f"Meeting {i}",
                starts_at=ct(2026, 1, 5 + i, 10),
                ends_at=ct(2026, 1, 5 + i, 11),
                attendees=[contact],
                extra_emails=[f"guest{i}@example.com"],
            ),
        )
        meeting_record_minutes(actor=am, meeting=meeting, minutes="Notes", share=bool(i % 2))
        meeting_schedule(
            actor=am,
            participant=participant,
            data=MeetingInput(
                title=f"Upcoming {i}",
                starts_at=ct(2030, 1, 5 + i, 10),
                ends_at=ct(2030, 1, 5 + i, 11),
                attendees=[contact],
            ),
        )
        feedback_record(actor=am, participant=participant, channel="phone", rating=1 + i % 5)


@pytest.mark.parametrize("n", [1, 8])
def test_the_plan_page_costs_the_same_queries_whatever_the_rows(
    am, participant, contact, n, django_assert_max_num_queries
):
    _fill(am, participant, contact, n)
    with django_assert_max_num_queries(12):
        data = plan_for_participant(participant)
        for meeting in data["upcoming_meetings"] + data["past_meetings"]:
            _ = [attendee.email for attendee in meeting.attendees.all()]
        for item in data["open_items"] + data["closed_items"]:
            _ = (item.owner.full_name, item.objective and item.objective.title)
    assert len(data["upcoming_meetings"]) == n
    assert data["feedback_summary"]["count"] == n
    assert data["objectives"][0].item_count == n


def test_portal_sees_its_side_of_its_own_mp_and_minutes_only_once_shared(
    am, participant, other_participant, contact, other_mp_user
):
    theirs = action_item_create(
        actor=am, participant=participant, data=ActionItemInput(title="Sign", owner=contact, due_date=D(2026, 12, 1))
    )
    action_item_create(
        actor=am, participant=participant, data=ActionItemInput(title="Internal", owner=am, due_date=D(2026, 12, 1))
    )
    held = meeting_schedule(
        actor=am,
        participant=participant,
        data=MeetingInput(title="Held", starts_at=ct(2026, 1, 5, 10), ends_at=ct(2026, 1, 5, 11), attendees=[contact]),
    )
    meeting_record_minutes(actor=am, meeting=held, minutes="Private draft")
    gone = meeting_schedule(
        actor=am,
        participant=participant,
        data=MeetingInput(title="Gone", starts_at=ct(2026, 1, 6, 10), ends_at=ct(2026, 1, 6, 11)),
    )
    meeting_cancel(actor=am, meeting=gone, reason="No longer needed")

    assert list(portal_action_items(user=contact, participant=participant)) == [theirs]
    assert list(portal_action_items(user=other_mp_user, participant=participant)) == []
    assert [m.title for m in portal_meetings(user=contact, participant=participant)] == ["Held"]
    assert portal_meeting_get(user=contact, participant=participant, pk=held.pk).shared_minutes == ""
    with pytest.raises(Http404):
        portal_meeting_get(user=other_mp_user, participant=participant, pk=held.pk)
    with pytest.raises(Http404):
        portal_meeting_get(user=other_mp_user, participant=other_participant, pk=held.pk)

    meeting_share_minutes(actor=am, meeting=held)
    meeting = portal_meeting_get(user=contact, participant=participant, pk=held.pk)
    assert meeting.shared_minutes == "Private draft"
    assert list(action_items_for_user(other_mp_user)) == []
    assert {item.title for item in action_items_for_user(am)} == {"Sign", "Internal"}


def test_owner_choices_are_active_staff_and_active_contacts(participant, contact, other_mp_user, am):
    former = MembershipFactory(participant=participant, contact_role="credit", is_active=False).user
    retired = StaffFactory(is_active=False)
    choices = set(participant_contacts_and_staff_choices(participant))
    assert {am, contact} <= choices
    assert not {former, retired, other_mp_user} & choices
