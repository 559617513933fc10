"""The staff plan-management pages through the test client: rendering, the write flows, errors that keep what was
typed, permissions and 404s."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import (
    ActionItem,
    ActionItemStatus,
    ActionSide,
    ImprovementAction,
    Meeting,
    MeetingStatus,
    PerformanceFeedback,
    PlanObjective,
)
from plans.services import MeetingInput, meeting_schedule
from tests.accounts.factories import AssignmentFactory, MembershipFactory
from tests.plans.factories import FeedbackFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _future(days: int = 10) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _local(days: int, hour: int) -> str:
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


# --- every page renders --------------------------------------------------------------------------


def _pages(participant, data) -> dict[str, str]:
    return {
        "plan": reverse("workspace:participant-plan", args=[participant.pk]),
        "action-items": reverse("workspace:action-items"),
        "action-items-all": reverse("workspace:action-items") + "?owner=all&status=all&due=all",
        "action-item-new": reverse("workspace:action-item-new", args=[participant.pk]),
        "action-item-new-for-meeting": reverse("workspace:action-item-new", args=[participant.pk])
        + f"?meeting={data['held'].pk}",
        "action-item-edit": reverse("workspace:action-item-edit", args=[data["mp_item"].pk]),
        "action-item-done": reverse("workspace:action-item-transition", args=[data["open_item"].pk]) + "?to=done",
        "objective-edit": reverse("workspace:objective-edit", args=[data["issue"].pk]),
        "meetings": reverse("workspace:meetings"),
        "meetings-past-mine": reverse("workspace:meetings") + "?when=past&mine=1",
        "meeting-new": reverse("workspace:meeting-new", args=[participant.pk]),
        "meeting-detail": reverse("workspace:meeting-detail", args=[data["meeting"].pk]),
        "meeting-held": reverse("workspace:meeting-detail", args=[data["held"].pk]),
        "meeting-edit": reverse("workspace:meeting-edit", args=[data["meeting"].pk]),
        "meeting-cancel": reverse("workspace:meeting-cancel", args=[data["meeting"].pk]),
        "feedback": reverse("workspace:feedback"),
        "feedback-new": reverse("workspace:feedback-new", args=[participant.pk]),
        "feedback-follow-up": reverse("workspace:feedback-follow-up", args=[data["feedback"].pk]),
        "improvements": reverse("workspace:improvements"),
        "improvement-new": reverse("workspace:improvement-new", args=[participant.pk]),
        "improvement-from-feedback": reverse("workspace:improvement-new", args=[participant.pk])
        + f"?feedback={data['feedback'].pk}",
    }


def test_every_page_renders_for_an_account_manager(am_client, participant, plan_data):
    for name, url in _pages(participant, plan_data).items():
        response = am_client.get(url)
        assert response.status_code == 200, f"{name}: {response.status_code}"


def test_plan_page_shows_the_whole_plan(am_client, participant, plan_data):
    response = am_client.get(reverse("workspace:participant-plan", args=[participant.pk]))
    text = _text(response)
    assert "New REP entering the Oncor" in text
    assert "Repeated usage/billing disputes with TDSPs" in text and "Issue" in text
    assert "Quarterly account review" in text and "Kick-off call" in text
    assert "Dispute answers take too long" in text and "Follow-up open" in text
    assert "Weekly dispute status email" in text
    # Open items first, the overdue one highlighted, linked case and meeting as links to their staff pages.
    assert text.index("Review the March usage gaps") < text.index("Share the registration checklist")
    assert re.search(rf'id="item-{plan_data["overdue"].pk}" class="table-danger"', text)
    assert reverse("workspace:case-detail", args=[plan_data["case"].reference]) in text
    assert reverse("workspace:meeting-detail", args=[plan_data["held"].pk]) in text
    assert reverse("workspace:participant-detail", args=[participant.pk]) in text
    for button in ("Add action item", "Schedule meeting", "Record feedback", "Add improvement"):
        assert button in text


def test_plan_page_of_an_mp_without_a_plan_is_empty_not_an_error(am_client, other_participant):
    response = am_client.get(reverse("workspace:participant-plan", args=[other_participant.pk]))
    assert response.status_code == 200
    assert "No summary yet" in _text(response)


# --- plan summary and objectives -----------------------------------------------------------------------


def test_plan_summary_and_next_review_are_saved(am_client, participant):
    url = reverse("workspace:plan-edit", args=[participant.pk])
    response = am_client.post(url, {"summary": "Growing into the LSE role.", "next_review_date": _future(30)})
    assert response.status_code == 302
    participant.plan.refresh_from_db()
    assert participant.plan.summary == "Growing into the LSE role."
    assert participant.plan.next_review_date.isoformat() == _future(30)


def test_plan_summary_error_keeps_what_was_typed(am_client, participant):
    url = reverse("workspace:plan-edit", args=[participant.pk])
    response = am_client.post(url, {"summary": "Keep this text", "next_review_date": "not a date"})
    assert response.status_code == 400
    text = _text(response)
    assert "Keep this text" in text and "Enter a valid date" in text
    assert 'id="plan-edit" data-editor>' in response.content.decode()  # the edit form is open on the error


def test_objectives_are_added_edited_and_closed(am_client, participant, plan_data):
    response = am_client.post(
        reverse("workspace:objective-new", args=[participant.pk]),
        {"kind": "issue", "title": "Late ESI ID enrollments", "description": "", "target_date": ""},
    )
    assert response.status_code == 302
    objective = PlanObjective.objects.get(title="Late ESI ID enrollments")
    assert objective.kind == PlanObjective.Kind.ISSUE

    response = am_client.post(
        reverse("workspace:objective-edit", args=[objective.pk]),
        {
            "kind": "issue",
            "title": "Late ESI ID enrollments (Oncor)",
            "description": "Since May",
            "target_date": _future(20),
        },
    )
    assert response.status_code == 302
    objective.refresh_from_db()
    assert objective.title == "Late ESI ID enrollments (Oncor)"

    am_client.post(reverse("workspace:objective-status", args=[objective.pk]), {"status": "achieved"})
    objective.refresh_from_db()
    assert objective.status == PlanObjective.Status.ACHIEVED
    response = am_client.post(
        reverse("workspace:objective-status", args=[objective.pk]), {"status": "achieved"}, follow=True
    )
    assert any("was not changed" in m for m in _messages(response))


def test_objective_form_error_keeps_input_on_the_plan_page(am_client, participant):
    response = am_client.post(
        reverse("workspace:objective-new", args=[participant.pk]),
        {"kind": "objective", "title": "", "description": "Typed description", "target_date": ""},
    )
    assert response.status_code == 400
    assert "Typed description" in _text(response)
    assert "Enter the title." in _text(response)


# --- action items ----------------------------------------------------------------------------------------


def test_action_item_is_created_with_an_mp_owner_and_links(am_client, participant, mp_user, plan_data):
    response = am_client.post(
        reverse("workspace:action-item-new", args=[participant.pk]),
        {
            "title": "Send the signed Form H",
            "description": "QSE acknowledgement",
            "owner": mp_user.pk,
            "due_date": _future(7),
            "objective": plan_data["objective"].pk,
            "meeting": plan_data["held"].pk,
            "case": plan_data["case"].pk,
        },
    )
    assert response.status_code == 302
    item = ActionItem.objects.get(title="Send the signed Form H")
    assert item.side == ActionSide.PARTICIPANT and item.case == plan_data["case"] and item.meeting == plan_data["held"]
    # A follow-up of a meeting goes back to that meeting.
    assert response["Location"].startswith(reverse("workspace:meeting-detail", args=[plan_data["held"].pk]))


def test_action_item_form_refuses_another_mps_contact_and_case_and_keeps_input(
    am_client, participant, other_participant, other_mp_user, am_user
):
    from cases.models import CaseCategory, CaseKind, Channel
    from tests.case_inputs import submit_case

    other_case = submit_case(
        actor=am_user,
        kind=CaseKind.INQUIRY,
        category=CaseCategory.objects.filter(is_active=True).first(),
        participant=other_participant,
        requester=other_mp_user,
        channel=Channel.PHONE,
        subject="Other MP's question",
        description="…",
    )
    response = am_client.post(
        reverse("workspace:action-item-new", args=[participant.pk]),
        {"title": "Typed title", "owner": other_mp_user.pk, "due_date": _future(3), "case": other_case.pk},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "owner" in form.errors and "case" in form.errors
    assert 'value="Typed title"' in _text(response)
    assert not ActionItem.objects.filter(title="Typed title").exists()


def test_action_item_past_due_date_is_refused(am_client, participant, am_user):
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = am_client.post(
        reverse("workspace:action-item-new", args=[participant.pk]),
        {"title": "Late", "owner": am_user.pk, "due_date": past},
    )
    assert response.status_code == 400
    assert "cannot be in the past" in _text(response)


def test_action_item_is_edited(am_client, plan_data, contact):
    item = plan_data["open_item"]
    response = am_client.post(
        reverse("workspace:action-item-edit", args=[item.pk]),
        {"title": "Send the checklist (v2)", "description": "", "owner": contact.pk, "due_date": _future(9)},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Send the checklist (v2)" and item.owner == contact and item.side == ActionSide.PARTICIPANT
    assert item.objective is None


def test_action_item_edit_keeps_an_already_past_due_date(am_client, plan_data, am_user):
    item = plan_data["overdue"]
    item.refresh_from_db()
    response = am_client.post(
        reverse("workspace:action-item-edit", args=[item.pk]),
        {"title": "Renamed", "owner": am_user.pk, "due_date": item.due_date.isoformat()},
    )
    assert response.status_code == 302


def test_action_item_transitions(am_client, plan_data):
    item = plan_data["open_item"]
    url = reverse("workspace:action-item-transition", args=[item.pk])
    assert am_client.post(url, {"to": "in_progress"}).status_code == 302
    item.refresh_from_db()
    assert item.status == ActionItemStatus.IN_PROGRESS

    next_url = reverse("workspace:action-items") + "?owner=all"
    response = am_client.post(url, {"to": "done", "note": "Checklist sent.", "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    item.refresh_from_db()
    assert item.status == ActionItemStatus.DONE and item.completion_note == "Checklist sent."

    assert am_client.post(url, {"to": "open"}).status_code == 302
    item.refresh_from_db()
    assert item.status == ActionItemStatus.OPEN and item.completed_at is None


def test_action_item_cancel_needs_a_reason_and_bad_moves_are_form_errors(am_client, plan_data):
    item = plan_data["open_item"]
    url = reverse("workspace:action-item-transition", args=[item.pk])
    response = am_client.post(url, {"to": "cancelled", "note": ""})
    assert response.status_code == 400 and "Say why the item is cancelled" in _text(response)

    response = am_client.post(url, {"to": "open", "note": "typed note"})  # already open: DomainError
    assert response.status_code == 400
    assert "already open" in _text(response) and "typed note" in _text(response)

    response = am_client.post(url, {"to": "exploded"})
    assert response.status_code == 400 and "not a status an action item can move to" in _text(response)

    response = am_client.get(url + "?to=exploded")
    assert response.status_code == 302


def test_an_offsite_next_is_ignored(am_client, plan_data):
    item = plan_data["open_item"]
    response = am_client.post(
        reverse("workspace:action-item-transition", args=[item.pk]),
        {"to": "in_progress", "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and "evil" not in response["Location"]


def test_follow_up_prefill_from_another_mps_meeting_is_404(am_client, participant, other_participant, am_user):
    meeting = meeting_schedule(
        actor=am_user,
        participant=other_participant,
        data=MeetingInput(
            title="Other",
            starts_at=timezone.now() + datetime.timedelta(days=1),
            ends_at=timezone.now() + datetime.timedelta(days=1, hours=1),
        ),
    )
    response = am_client.get(reverse("workspace:action-item-new", args=[participant.pk]) + f"?meeting={meeting.pk}")
    assert response.status_code == 404


# --- the action items list ----------------------------------------------------------------------------


def test_action_items_default_is_my_open_items(am_client, plan_data, mp_user):
    response = am_client.get(reverse("workspace:action-items"))
    titles = [item.title for item in response.context["page_obj"].object_list]
    assert titles == ["Review the March usage gaps with Oncor", "Send the Flight 0226 testing checklist"]
    assert response.context["page_obj"].object_list[0].overdue
    assert "table-danger" in _text(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?owner=all", 3),
        ("?owner=all&status=all", 4),
        ("?owner=all&status=done", 1),
        ("?owner=all&due=overdue", 1),
        ("?owner=all&due=week", 2),
        ("?owner=me&status=all", 3),
        ("?owner=nonsense", 2),
    ],
)
def test_action_items_filters(am_client, plan_data, query, expected):
    response = am_client.get(reverse("workspace:action-items") + query)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == expected


def test_action_items_filter_by_owner_id_and_participant(am_client, participant, other_participant, plan_data, mp_user):
    url = reverse("workspace:action-items")
    response = am_client.get(f"{url}?owner={mp_user.pk}")
    assert [i.title for i in response.context["page_obj"].object_list] == ["Confirm the 867 transaction set contact"]
    assert mp_user.full_name in _text(response)  # the MP contact appears as the chosen owner
    response = am_client.get(f"{url}?owner=all&participant={other_participant.pk}")
    assert response.context["page_obj"].paginator.count == 0


# --- meetings --------------------------------------------------------------------------------------------


def test_meeting_is_scheduled_with_attendees_and_extra_emails(am_client, participant, mp_user, contact):
    response = am_client.post(
        reverse("workspace:meeting-new", args=[participant.pk]),
        {
            "title": "Settlement dispute review",
            "starts_at": _local(5, 14),
            "ends_at": _local(5, 15),
            "location": "Phone",
            "dial_in": "+1 512 555 0100",
            "agenda": "Open disputes",
            "attendees": [mp_user.pk, contact.pk],
            "extra_emails": "sme@ercot.example, consultant@example.org",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Settlement dispute review")
    emails = sorted(a.email for a in meeting.attendees.all())
    assert len(emails) == 5 and "sme@ercot.example" in emails
    assert timezone.localtime(meeting.starts_at).hour == 14


def test_meeting_form_errors_keep_input(am_client, participant, mp_user):
    response = am_client.post(
        reverse("workspace:meeting-new", args=[participant.pk]),
        {
            "title": "Typed meeting title",
            "starts_at": _local(5, 15),
            "ends_at": _local(5, 14),
            "attendees": [mp_user.pk],
            "extra_emails": "not-an-email, ok@example.org",
        },
    )
    assert response.status_code == 400
    text = _text(response)
    assert 'value="Typed meeting title"' in text
    assert "must end after it starts" in text and "Not an email address: not-an-email" in text
    assert re.search(rf'value="{mp_user.pk}" id="attendee-{mp_user.pk}" checked', text)
    assert not Meeting.objects.filter(title="Typed meeting title").exists()


def test_meeting_edit_bumps_the_invitation_version(am_client, plan_data, mp_user):
    meeting = plan_data["meeting"]
    response = am_client.get(reverse("workspace:meeting-edit", args=[meeting.pk]))
    form = response.context["form"]
    data = {k: form[k].value() for k in ("title", "location", "dial_in", "agenda")}
    data.update(
        starts_at=_local(4, 10), ends_at=_local(4, 11), attendees=[mp_user.pk], extra_emails="consultant@example.org"
    )
    response = am_client.post(reverse("workspace:meeting-edit", args=[meeting.pk]), data, follow=True)
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert "invitation version 2" in _text(response)


def test_meeting_cancel_needs_a_reason_then_cancels(am_client, plan_data):
    meeting = plan_data["meeting"]
    url = reverse("workspace:meeting-cancel", args=[meeting.pk])
    response = am_client.post(url, {"reason": ""})
    assert response.status_code == 400 and "Answer “Why is the meeting cancelled?”." in _text(response)
    assert am_client.post(url, {"reason": "The MP asked to postpone."}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED and meeting.sequence == 1
    # A cancelled meeting cannot be edited: the service's refusal comes back as a form error.
    response = am_client.post(
        reverse("workspace:meeting-edit", args=[meeting.pk]),
        {"title": "Typed", "starts_at": _local(4, 10), "ends_at": _local(4, 11)},
    )
    assert response.status_code == 400 and "can no longer be changed" in _text(response)
    assert am_client.get(reverse("workspace:meeting-edit", args=[meeting.pk])).status_code == 302


def test_minutes_are_recorded_and_shared(am_client, plan_data):
    meeting = plan_data["meeting"]
    url = reverse("workspace:meeting-minutes", args=[meeting.pk])
    response = am_client.post(url, {"minutes": ""})
    assert response.status_code == 400
    assert am_client.post(url, {"minutes": "Agreed next steps."}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.minutes_shared_at is None
    response = am_client.post(reverse("workspace:meeting-share-minutes", args=[meeting.pk]), follow=True)
    meeting.refresh_from_db()
    assert meeting.minutes_shared_at is not None
    assert "Shared with the MP" in _text(response)


def test_minutes_with_share_ticked(am_client, plan_data):
    meeting = plan_data["meeting"]
    am_client.post(reverse("workspace:meeting-minutes", args=[meeting.pk]), {"minutes": "Done.", "share": "on"})
    meeting.refresh_from_db()
    assert meeting.minutes_shared_at is not None


def test_sharing_minutes_before_recording_them_is_refused(am_client, plan_data):
    response = am_client.post(reverse("workspace:meeting-share-minutes", args=[plan_data["meeting"].pk]), follow=True)
    assert any("not shared" in m for m in _messages(response))


def test_meeting_ics_download(am_client, plan_data):
    meeting = plan_data["meeting"]
    response = am_client.get(reverse("workspace:meeting-ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert "BEGIN:VCALENDAR" in body and str(meeting.uid) in body


def test_meetings_list_filters(am_client, participant, plan_data, viewer):
    url = reverse("workspace:meetings")
    assert [m.title for m in am_client.get(url).context["page_obj"]] == ["Quarterly account review"]
    assert [m.title for m in am_client.get(url + "?when=past").context["page_obj"]] == ["Kick-off call"]
    assert (
        am_client.get(url + f"?when=all&participant={participant.pk}&mine=1").context["page_obj"].paginator.count == 2
    )
    am_client.force_login(viewer)
    assert am_client.get(url + "?when=all&mine=1").context["page_obj"].paginator.count == 0


# --- feedback ----------------------------------------------------------------------------------------------


def test_feedback_is_recorded_by_staff(am_client, participant, mp_user):
    response = am_client.post(
        reverse("workspace:feedback-new", args=[participant.pk]),
        {"channel": "email", "rating": "3", "comments": "", "submitted_by": mp_user.pk},
    )
    assert response.status_code == 302
    feedback = PerformanceFeedback.objects.filter(participant=participant).latest("created_at")
    assert feedback.rating == 3 and feedback.submitted_by == mp_user and feedback.recorded_by is not None
    assert feedback.follow_up_status == PerformanceFeedback.FollowUp.OPEN


def test_feedback_form_errors_keep_input(am_client, participant, other_mp_user):
    response = am_client.post(
        reverse("workspace:feedback-new", args=[participant.pk]),
        {"channel": "meeting", "comments": "Typed comment", "submitted_by": other_mp_user.pk},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert {"rating", "meeting", "submitted_by"} <= set(form.errors)
    assert "Typed comment" in _text(response)


def test_feedback_follow_up(am_client, plan_data):
    feedback = plan_data["feedback"]
    url = reverse("workspace:feedback-follow-up", args=[feedback.pk])
    response = am_client.post(url, {"follow_up": "", "status": "done"})
    assert response.status_code == 400 and "Describe what was done" in _text(response)
    response = am_client.post(url, {"follow_up": "Weekly status emails agreed.", "status": "done"})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.follow_up_status == PerformanceFeedback.FollowUp.DONE and feedback.followed_up_by is not None


def test_feedback_list_filters(am_client, participant, other_participant, am_user, plan_data, lead):
    url = reverse("workspace:feedback")
    assert am_client.get(url).context["page_obj"].paginator.count == 2
    assert am_client.get(url + "?follow_up=open").context["page_obj"].paginator.count == 1
    assert am_client.get(url + f"?manager={am_user.pk}").context["page_obj"].paginator.count == 2
    assert am_client.get(url + f"?manager={lead.pk}").context["page_obj"].paginator.count == 0
    assert am_client.get(url + f"?participant={other_participant.pk}").context["page_obj"].paginator.count == 0
    response = am_client.get(url)
    assert response.context["page_obj"].object_list[0].manager.user == am_user


def test_feedback_list_starts_with_the_ams_own_book(client, am_user, plan_data, lead):
    elsewhere = AssignmentFactory().participant
    FeedbackFactory(participant=elsewhere, channel="survey", rating=4)
    url = reverse("workspace:feedback")
    client.force_login(am_user)
    response = client.get(url)
    assert response.context["page_obj"].paginator.count == 2 and response.context["manager_id"] == am_user.pk
    assert client.get(url + "?manager=").context["page_obj"].paginator.count == 3
    client.force_login(lead)  # no book: everything
    assert client.get(url).context["page_obj"].paginator.count == 3


# --- improvements -------------------------------------------------------------------------------------------


def test_improvement_from_feedback(am_client, participant, plan_data, am_user):
    feedback = plan_data["feedback"]
    url = reverse("workspace:improvement-new", args=[participant.pk])
    response = am_client.get(url + f"?feedback={feedback.pk}")
    assert "Dispute answers take too long" in _text(response)
    response = am_client.post(
        url,
        {
            "kind": "training",
            "title": "Dispute process training",
            "description": "",
            "owner": am_user.pk,
            "due_date": _future(20),
            "feedback": feedback.pk,
        },
    )
    assert response.status_code == 302
    action = ImprovementAction.objects.get(title="Dispute process training")
    assert action.feedback == feedback and action.participant == participant


def test_improvement_form_errors_keep_input(am_client, participant):
    response = am_client.post(
        reverse("workspace:improvement-new", args=[participant.pk]),
        {"kind": "training", "title": "", "description": "Typed description", "due_date": _future(3)},
    )
    assert response.status_code == 400
    assert "Typed description" in _text(response) and "Enter the title." in _text(response)


def test_improvement_prefill_from_another_mps_feedback_or_pattern_is_404(am_client, participant, other_participant):
    url = reverse("workspace:improvement-new", args=[other_participant.pk])
    feedback = FeedbackFactory(participant=participant, channel="phone", rating=2)
    assert am_client.get(url + f"?feedback={feedback.pk}").status_code == 404
    assert am_client.get(url + "?pattern=999999").status_code == 404


def test_improvement_status_and_list(am_client, plan_data):
    action = plan_data["improvement"]
    url = reverse("workspace:improvement-status", args=[action.pk])
    assert am_client.post(url, {"status": "in_progress"}).status_code == 302
    action.refresh_from_db()
    assert action.status == ImprovementAction.Status.IN_PROGRESS
    response = am_client.post(url, {"status": "planned"}, follow=True)  # allowed by the service
    response = am_client.post(url, {"status": "nonsense"}, follow=True)
    assert any("not a status" in m for m in _messages(response))

    list_url = reverse("workspace:improvements")
    assert am_client.get(list_url).context["page_obj"].paginator.count == 1
    am_client.post(url, {"status": "cancelled"})
    assert am_client.get(list_url).context["page_obj"].paginator.count == 0
    assert am_client.get(list_url + "?status=all&owner=me").context["page_obj"].paginator.count == 1
    assert am_client.get(list_url + "?status=cancelled&kind=training").context["page_obj"].paginator.count == 0


# --- who may do what ----------------------------------------------------------------------------------------


def test_anonymous_users_go_to_sign_in(client, participant):
    response = client.get(reverse("workspace:participant-plan", args=[participant.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_portal_users_are_denied_every_page(client, participant, mp_user, plan_data):
    client.force_login(mp_user)
    for name, url in _pages(participant, plan_data).items():
        assert client.get(url).status_code == 403, name
    response = client.post(
        reverse("workspace:action-item-transition", args=[plan_data["mp_item"].pk]), {"to": "done", "note": "x"}
    )
    assert response.status_code == 403


def test_staff_without_permission_can_look_but_not_write(client, participant, plan_data, viewer, am_user):
    client.force_login(viewer)
    response = client.get(reverse("workspace:participant-plan", args=[participant.pk]))
    assert response.status_code == 200
    text = _text(response)
    for button in ("Add action item", "Schedule meeting", "Record feedback", "Add improvement", "Save the plan"):
        assert button not in text
    meeting, item, feedback, improvement = (
        plan_data["meeting"],
        plan_data["open_item"],
        plan_data["feedback"],
        plan_data["improvement"],
    )
    writes = [
        ("get", reverse("workspace:action-item-new", args=[participant.pk]), {}),
        (
            "post",
            reverse("workspace:action-item-new", args=[participant.pk]),
            {"title": "x", "owner": am_user.pk, "due_date": _future()},
        ),
        ("post", reverse("workspace:action-item-transition", args=[item.pk]), {"to": "done"}),
        ("post", reverse("workspace:action-item-edit", args=[item.pk]), {}),
        ("post", reverse("workspace:plan-edit", args=[participant.pk]), {"summary": "x"}),
        ("post", reverse("workspace:objective-new", args=[participant.pk]), {"kind": "objective", "title": "x"}),
        ("post", reverse("workspace:objective-status", args=[plan_data["issue"].pk]), {"status": "dropped"}),
        ("get", reverse("workspace:meeting-new", args=[participant.pk]), {}),
        ("post", reverse("workspace:meeting-cancel", args=[meeting.pk]), {"reason": "x"}),
        ("post", reverse("workspace:meeting-minutes", args=[meeting.pk]), {"minutes": "x"}),
        ("post", reverse("workspace:meeting-share-minutes", args=[meeting.pk]), {}),
        ("post", reverse("workspace:feedback-new", args=[participant.pk]), {"channel": "phone", "rating": "4"}),
        ("post", reverse("workspace:feedback-follow-up", args=[feedback.pk]), {"follow_up": "x", "status": "done"}),
        ("post", reverse("workspace:improvement-new", args=[participant.pk]), {}),
        ("post", reverse("workspace:improvement-status", args=[improvement.pk]), {"status": "done"}),
    ]
    for method, url, data in writes:
        assert getattr(client, method)(url, data).status_code == 403, url
    item.refresh_from_db()
    assert item.status == ActionItemStatus.OPEN
    assert not ActionItem.objects.filter(title="x").exists()


def test_the_lead_may_write_too(client, participant, lead):
    client.force_login(lead)
    response = client.post(
        reverse("workspace:action-item-new", args=[participant.pk]),
        {"title": "Lead's item", "owner": lead.pk, "due_date": _future()},
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "workspace:participant-plan"),
        ("get", "workspace:action-item-new"),
        ("get", "workspace:action-item-edit"),
        ("post", "workspace:action-item-transition"),
        ("get", "workspace:objective-edit"),
        ("post", "workspace:objective-status"),
        ("get", "workspace:meeting-new"),
        ("get", "workspace:meeting-detail"),
        ("get", "workspace:meeting-edit"),
        ("get", "workspace:meeting-cancel"),
        ("post", "workspace:meeting-minutes"),
        ("post", "workspace:meeting-share-minutes"),
        ("get", "workspace:meeting-ics"),
        ("get", "workspace:feedback-new"),
        ("get", "workspace:feedback-follow-up"),
        ("get", "workspace:improvement-new"),
        ("post", "workspace:improvement-status"),
    ],
)
def test_unknown_ids_are_404(am_client, method, name):
    assert getattr(am_client, method)(reverse(name, args=[987654])).status_code == 404


def test_a_deactivated_contact_is_no_longer_offered_as_owner(am_client, participant):
    gone = MembershipFactory(participant=participant, is_active=False, rank="secondary").user
    response = am_client.get(reverse("workspace:action-item-new", args=[participant.pk]))
    assert gone.email not in _text(response)


def test_items_link_to_the_registration_application_and_the_enrollment(
    am_client, participant, other_participant, am_user
):
    from qualification.models import ChangeKind, ParticipantKind
    from registration.models import ApplicationStatus
    from tests.qualification.factories import EnrollmentFactory, FlightFactory
    from tests.registration.factories import ApplicationFactory

    start = timezone.localdate().replace(day=1) + datetime.timedelta(days=62)
    flight = FlightFactory(start_date=start, days=45, application_days=30, registration_days=15)
    application = ApplicationFactory(
        reference="REG-2026-000777", participant=participant, revision=True, status=ApplicationStatus.SUBMITTED
    )
    enrollment = EnrollmentFactory(
        flight=flight,
        participant=participant,
        participant_kind=ParticipantKind.CURRENT,
        change_kind=ChangeKind.values[0],
    )
    foreign = ApplicationFactory(reference="REG-2026-000778", participant=other_participant, revision=True)
    url = reverse("workspace:action-item-new", args=[participant.pk])
    page = _text(am_client.get(url))
    assert "REG-2026-000777" in page and f"Flight {flight.name}" in page and "REG-2026-000778" not in page

    response = am_client.post(
        url, {"title": "Foreign", "owner": am_user.pk, "due_date": _future(), "application": foreign.pk}
    )
    assert response.status_code == 400 and "application" in response.context["form"].errors

    response = am_client.post(
        url,
        {
            "title": "Upload the PUCT certificate",
            "owner": am_user.pk,
            "due_date": _future(),
            "application": application.pk,
            "enrollment": enrollment.pk,
        },
    )
    assert response.status_code == 302
    plan = _text(am_client.get(reverse("workspace:participant-plan", args=[participant.pk])))
    assert reverse("workspace:application-detail", args=[application.reference]) in plan
    assert reverse("workspace:enrollment-detail", args=[enrollment.pk]) in plan and f"Flight {flight.name}" in plan


def test_cancelled_meeting_ics_is_a_cancellation(am_client, plan_data):
    meeting = plan_data["meeting"]
    am_client.post(reverse("workspace:meeting-cancel", args=[meeting.pk]), {"reason": "Postponed."})
    body = am_client.get(reverse("workspace:meeting-ics", args=[meeting.pk])).content.decode()
    assert "METHOD:CANCEL" in body and "SEQUENCE:1" in body
