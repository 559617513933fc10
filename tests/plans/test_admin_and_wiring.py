"""Plan admin pages render read-only where services write; groups hold the plan permissions; the beat runs reminders."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import StaffGroup, sync_staff_groups
from plans.models import ActionItem, ActionItemReminder, Meeting, PerformanceFeedback
from plans.services import (
    ActionItemInput,
    MeetingInput,
    action_item_create,
    action_item_send_reminders,
    feedback_record,
    meeting_schedule,
    objective_create,
    plan_update,
)
from tests.accounts.factories import UserFactory

from .conftest import ct

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


def test_every_plan_admin_page_renders_and_service_owned_rows_are_read_only(
    client, superuser, am, participant, contact
):
    plan_update(actor=am, participant=participant, summary="Growing.", next_review_date=None)
    objective = objective_create(actor=am, participant=participant, kind="issue", title="Disputes")
    item = action_item_create(
        actor=am,
        participant=participant,
        data=ActionItemInput(title="Call", owner=contact, due_date=datetime.date(2026, 1, 2)),
    )
    action_item_send_reminders(today=datetime.date(2026, 1, 5))
    meeting = meeting_schedule(
        actor=am,
        participant=participant,
        data=MeetingInput(
            title="Review", starts_at=ct(2026, 12, 8, 10), ends_at=ct(2026, 12, 8, 11), attendees=[contact]
        ),
    )
    feedback = feedback_record(actor=am, participant=participant, channel="phone", rating=2)
    client.force_login(superuser)

    for obj in (participant.plan, objective, item, ActionItemReminder.objects.get(), meeting, feedback):
        opts = obj._meta
        assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])).status_code == 200
    for model in (ActionItem, ActionItemReminder, Meeting, PerformanceFeedback):
        opts = model._meta
        assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403
    page = client.get(reverse("admin:plans_meeting_change", args=[meeting.pk])).content.decode()
    assert "Audit history" in page and "meeting.scheduled" in page


def test_am_and_lead_manage_plans_other_staff_only_look(db):
    sync_staff_groups()
    for name in (StaffGroup.ACCOUNT_MANAGER, StaffGroup.CLIENT_SERVICES_LEAD):
        perms = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        for model in (
            "accountplan",
            "planobjective",
            "actionitem",
            "meeting",
            "meetingattendee",
            "performancefeedback",
            "improvementaction",
        ):
            assert {f"view_{model}", f"add_{model}", f"change_{model}"} <= perms, (name, model)
    for name in (
        StaffGroup.RETAIL_OPERATIONS,
        StaffGroup.SERVICE_DESK,
        StaffGroup.FLIGHT_ADMINISTRATOR,
        StaffGroup.NOTICE_PUBLISHER,
    ):
        perms = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {"view_actionitem", "view_meeting", "view_performancefeedback"} <= perms
        assert "change_actionitem" not in perms and "add_meeting" not in perms


def test_the_beat_schedules_the_daily_reminders():
    entry = settings.CELERY_BEAT_SCHEDULE["action-item-reminders"]
    assert entry["task"] == "accounts.send_action_item_reminders"
    assert entry["schedule"].hour == {7}
