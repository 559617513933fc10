"""The portal's "Working with your Account Manager" pages: meetings, minutes, action items, feedback.

Isolation first: another MP's meeting, .ics or action item is a 404, operator-side items never show, and
the MP chosen in the session is re-checked against the user's memberships.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.portal_session import SESSION_KEY
from ercot_services.core.models import AuditEvent, OutboundEmail
from plans.models import ActionItem, ActionItemStatus, ActionSide, FeedbackChannel, MeetingStatus, PerformanceFeedback
from tests.accounts.factories import MembershipFactory, StaffFactory, UserFactory
from tests.plans.factories import ActionItemFactory, FeedbackFactory, MeetingFactory

pytestmark = pytest.mark.django_db

SECRET_MINUTES = "Draft minutes: internal view of the credit exposure, not yet shared"
SHARED_MINUTES = "Agreed: the MP sends its updated QSE acknowledgement by Friday."


def _emailed(address):
    return any(address.lower() in email.to for email in OutboundEmail.objects.all())


def _complete_url(item):
    return reverse("portal:action-item-complete", args=[item.pk])


# --- access and isolation -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["portal:plan", "portal:feedback"])
def test_anonymous_goes_to_sign_in_and_staff_are_refused(client, staff_user, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(staff_user)
    assert client.get(reverse(name)).status_code == 403


def test_staff_cannot_use_the_portal_meeting_and_item_urls(client, staff_user, participant, am_user, mp_user):
    meeting = MeetingFactory(participant=participant, organizer=am_user)
    item = ActionItemFactory(participant=participant, owner=mp_user)
    client.force_login(staff_user)
    assert client.get(reverse("portal:meeting-detail", args=[meeting.pk])).status_code == 403
    assert client.get(reverse("portal:meeting-ics", args=[meeting.pk])).status_code == 403
    assert client.post(_complete_url(item)).status_code == 403


def test_a_user_without_a_company_is_sent_to_the_portal_home(client):
    client.force_login(UserFactory())
    response = client.get(reverse("portal:plan"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")


def test_another_mps_meeting_ics_and_item_are_404(portal, other_participant, am_user, other_mp_user):
    meeting = MeetingFactory(
        participant=other_participant, organizer=am_user, title="Other MP review", minutes=SHARED_MINUTES, shared=True
    )
    item = ActionItemFactory(participant=other_participant, owner=other_mp_user, title="Other MP task")

    assert portal.get(reverse("portal:meeting-detail", args=[meeting.pk])).status_code == 404
    assert portal.get(reverse("portal:meeting-ics", args=[meeting.pk])).status_code == 404
    assert portal.post(_complete_url(item), {"note": "done"}).status_code == 404
    assert portal.post(_complete_url(item), {"note": "done"}, HTTP_HX_REQUEST="true").status_code == 404

    page = portal.get(reverse("portal:plan")).content.decode()
    assert "Other MP review" not in page and "Other MP task" not in page
    item.refresh_from_db()
    assert item.status == ActionItemStatus.OPEN


def test_operator_side_items_are_not_shown_and_cannot_be_completed(portal, participant, am_user):
    staff_item = ActionItemFactory(
        participant=participant, owner=am_user, title="AM prepares the settlement walkthrough"
    )
    assert staff_item.side == ActionSide.OPERATOR

    assert "settlement walkthrough" not in portal.get(reverse("portal:plan")).content.decode()
    assert portal.post(_complete_url(staff_item)).status_code == 404
    staff_item.refresh_from_db()
    assert staff_item.status == ActionItemStatus.OPEN


def test_a_session_pointing_at_another_mp_is_ignored(portal, mp_user, participant, other_participant, other_mp_user):
    """A user of MP A whose session names MP B (tampered or stale) still works for A only."""
    foreign = ActionItemFactory(participant=other_participant, owner=other_mp_user, title="B's task")
    own = ActionItemFactory(participant=participant, owner=mp_user, title="A's task")
    session = portal.session
    session[SESSION_KEY] = other_participant.pk
    session.save()

    response = portal.get(reverse("portal:plan"))
    assert response.context["participant"] == participant
    assert "A&#x27;s task" in response.content.decode() and "B&#x27;s task" not in response.content.decode()
    assert portal.post(_complete_url(foreign)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == ActionItemStatus.OPEN
    assert own.status == ActionItemStatus.OPEN


def test_a_member_of_two_mps_acts_only_for_the_one_chosen(
    portal, mp_user, participant, other_participant, other_mp_user
):
    MembershipFactory(secondary=True, participant=other_participant, user=mp_user)
    foreign = ActionItemFactory(participant=other_participant, owner=other_mp_user, title="B's task")

    # Working for A: B's item is out of scope even though the user belongs to B.
    assert portal.post(_complete_url(foreign)).status_code == 404

    portal.post(reverse("portal:switch", args=[other_participant.pk]))
    response = portal.post(_complete_url(foreign), {"note": "Sent on Monday"})
    assert response.status_code == 302
    foreign.refresh_from_db()
    assert foreign.status == ActionItemStatus.DONE and foreign.completed_by == mp_user


def test_complete_is_post_only(portal, participant, mp_user):
    item = ActionItemFactory(participant=participant, owner=mp_user)
    assert portal.get(_complete_url(item)).status_code == 405


# --- the plan page -------------------------------------------------------------------------------------------


def test_plan_page_shows_meetings_items_and_the_account_manager(portal, participant, mp_user, am_user, account_manager):
    colleague = MembershipFactory(secondary=True, participant=participant, user__full_name="Casey Colleague").user
    MeetingFactory(
        participant=participant,
        organizer=am_user,
        title="Credit exposure check-in",
        location="ERCOT Met Center, Taylor",
        dial_in="https://meet.example.com/ercot-123",
        agenda="1. Collateral\n2. Next steps",
        attendees=[mp_user],
    )
    MeetingFactory(
        participant=participant,
        organizer=am_user,
        title="Kick-off",
        starts_in=-datetime.timedelta(days=30),
        status=MeetingStatus.HELD,
        minutes=SHARED_MINUTES,
        shared=True,
    )
    MeetingFactory(
        participant=participant,
        organizer=am_user,
        title="Follow-up call",
        starts_in=-datetime.timedelta(days=3),
        status=MeetingStatus.HELD,
        minutes=SECRET_MINUTES,
    )
    ActionItemFactory(participant=participant, owner=mp_user, title="Overdue: return the signed SFA", due_in=-4)
    ActionItemFactory(participant=participant, owner=colleague, title="Update the QSE acknowledgement", due_in=10)
    ActionItemFactory(
        participant=participant,
        owner=mp_user,
        title="Send the meter list",
        due_in=-20,
        status=ActionItemStatus.DONE,
        completed_at=timezone.now(),
        completed_by=mp_user,
        completion_note="Sent by email",
    )

    response = portal.get(reverse("portal:plan"))
    assert response.status_code == 200
    page = response.content.decode()

    assert "Credit exposure check-in" in page and "ERCOT Met Center, Taylor" in page
    assert 'href="https://meet.example.com/ercot-123"' in page and "Add to calendar" in page
    assert SHARED_MINUTES in page and SECRET_MINUTES not in page
    assert "Minutes not shared yet." in page

    open_titles = [item.title for item in response.context["open_items"]]
    assert open_titles == ["Overdue: return the signed SFA", "Update the QSE acknowledgement"]
    assert response.context["overdue_count"] == 1
    assert "Overdue: was due" in page and "list-group-item-danger" in page
    assert "Casey Colleague" in page
    assert [item.title for item in response.context["closed_page"]] == ["Send the meter list"]
    assert "Sent by email" in page

    assert account_manager.email in page and "Your Account Manager" in page
    assert reverse("portal:feedback") in page


def test_plan_page_empty_states(portal):
    page = portal.get(reverse("portal:plan")).content.decode()
    assert "No meetings are scheduled." in page
    assert "Nothing open on your side." in page
    assert "No past meetings yet." in page


def test_a_cancelled_upcoming_meeting_says_so_without_a_calendar_button(portal, participant, am_user):
    meeting = MeetingFactory(
        participant=participant,
        organizer=am_user,
        title="Site visit",
        status=MeetingStatus.CANCELLED,
        cancellation_reason="The AM is out sick; we will propose a new date.",
    )
    page = portal.get(reverse("portal:plan")).content.decode()
    assert "Site visit" in page and "we will propose a new date" in page
    assert reverse("portal:meeting-ics", args=[meeting.pk]) not in page


# --- one meeting and its invitation ---------------------------------------------------------------------------


def test_meeting_detail_hides_unshared_minutes_and_shows_shared_ones(portal, participant, am_user, mp_user):
    meeting = MeetingFactory(
        participant=participant,
        organizer=am_user,
        title="Onboarding review",
        starts_in=-datetime.timedelta(days=2),
        status=MeetingStatus.HELD,
        minutes=SECRET_MINUTES,
        attendees=[mp_user],
    )
    ActionItemFactory(participant=participant, owner=mp_user, title="Confirm the banking details", meeting=meeting)
    ActionItemFactory(
        participant=participant, owner=am_user, title="AM internal prep from the meeting", meeting=meeting
    )
    url = reverse("portal:meeting-detail", args=[meeting.pk])

    page = portal.get(url).content.decode()
    assert SECRET_MINUTES not in page and "Not shared yet." in page
    assert "Confirm the banking details" in page and "AM internal prep" not in page
    assert mp_user.full_name in page and "Feedback on this meeting" in page

    meeting.minutes = SHARED_MINUTES
    meeting.minutes_shared_at = timezone.now()
    meeting.save()
    page = portal.get(url).content.decode()
    assert SHARED_MINUTES in page


def test_ics_download_is_a_calendar_file_with_the_meetings_uid(portal, participant, am_user, mp_user):
    meeting = MeetingFactory(participant=participant, organizer=am_user, title="Quarterly review", attendees=[mp_user])
    response = portal.get(reverse("portal:meeting-ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"] and ".ics" in response["Content-Disposition"]
    body = response.content.decode()
    assert "BEGIN:VCALENDAR" in body and "BEGIN:VEVENT" in body
    assert f"UID:{meeting.uid}@" in body.replace("\r\n ", "")
    assert "Quarterly review" in body


# --- completing an action item ---------------------------------------------------------------------------------


def test_completing_an_item_records_it_audits_and_tells_the_am(portal, participant, mp_user, account_manager):
    item = ActionItemFactory(participant=participant, owner=mp_user, title="Return the signed SFA")
    response = portal.post(_complete_url(item), {"note": "Signed copy uploaded to the registration."}, follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("portal:plan"))
    assert "is marked complete" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ActionItemStatus.DONE
    assert item.completed_by == mp_user and item.completed_at is not None
    assert item.completion_note == "Signed copy uploaded to the registration."
    event = AuditEvent.objects.for_object(item).latest("created_at")
    assert event.actor == mp_user and event.participant == participant
    assert _emailed(account_manager.email)


def test_completing_with_htmx_returns_the_updated_row(portal, participant, mp_user):
    item = ActionItemFactory(participant=participant, owner=mp_user, title="Send the updated contact list")
    response = portal.post(_complete_url(item), {"note": ""}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="list-group-item py-3" id="action-item-{item.pk}"')
    assert "Marked complete" in html and "Completed" in html
    assert "<html" not in html
    item.refresh_from_db()
    assert item.status == ActionItemStatus.DONE


def test_completing_twice_says_it_is_already_done(portal, participant, mp_user):
    item = ActionItemFactory(participant=participant, owner=mp_user)
    portal.post(_complete_url(item))
    response = portal.post(_complete_url(item), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "already marked complete" in response.content.decode()
    response = portal.post(_complete_url(item), follow=True)
    assert "already marked complete" in response.content.decode()


def test_the_next_target_is_kept_inside_the_portal(portal, participant, mp_user, am_user):
    meeting = MeetingFactory(
        participant=participant, organizer=am_user, starts_in=-datetime.timedelta(days=1), status=MeetingStatus.HELD
    )
    item = ActionItemFactory(participant=participant, owner=mp_user, meeting=meeting)
    detail = reverse("portal:meeting-detail", args=[meeting.pk])
    assert portal.post(_complete_url(item), {"next": detail})["Location"] == detail

    other = ActionItemFactory(participant=participant, owner=mp_user)
    location = portal.post(_complete_url(other), {"next": "https://evil.example.com/"})["Location"]
    assert location.startswith(reverse("portal:plan"))


# --- feedback ----------------------------------------------------------------------------------------------------


def _feedback_token(client):
    return client.get(reverse("portal:feedback")).context["form"]["token"].value()


def test_feedback_is_recorded_once_and_listed_with_the_follow_up(
    portal, participant, mp_user, am_user, account_manager
):
    meeting = MeetingFactory(
        participant=participant,
        organizer=am_user,
        title="Kick-off",
        starts_in=-datetime.timedelta(days=5),
        status=MeetingStatus.HELD,
    )
    data = {
        "rating": "2",
        "comments": "Answers on settlement disputes take too long.",
        "meeting": meeting.pk,
        "token": _feedback_token(portal),
    }

    response = portal.post(reverse("portal:feedback"), data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:feedback"))
    again = portal.post(reverse("portal:feedback"), data, follow=True)
    assert "We already have this feedback" in again.content.decode()

    feedback = PerformanceFeedback.objects.get(participant=participant)
    assert feedback.channel == FeedbackChannel.PORTAL and feedback.rating == 2
    assert feedback.submitted_by == mp_user and feedback.recorded_by is None and feedback.meeting == meeting
    assert feedback.follow_up_status == PerformanceFeedback.FollowUp.OPEN
    assert _emailed(account_manager.email)

    page = portal.get(reverse("portal:feedback")).content.decode()
    assert "Answers on settlement disputes take too long." in page and "Your Account Manager will follow up." in page

    PerformanceFeedback.objects.filter(pk=feedback.pk).update(
        follow_up_status=PerformanceFeedback.FollowUp.DONE,
        follow_up="We added a weekly dispute status call.",
        followed_up_by=am_user,
        followed_up_at=timezone.now(),
    )
    page = portal.get(reverse("portal:feedback")).content.decode()
    assert "We added a weekly dispute status call." in page


def test_a_new_form_rendering_is_a_new_submission(portal, participant):
    for _ in range(2):
        portal.post(reverse("portal:feedback"), {"rating": "5", "token": _feedback_token(portal)})
    assert PerformanceFeedback.objects.filter(participant=participant).count() == 2


def test_feedback_errors_keep_what_was_typed(portal, participant):
    token = _feedback_token(portal)
    response = portal.post(
        reverse("portal:feedback"), {"comments": "The portal is hard to find things in.", "token": token}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a rating from 1 (very poor) to 5 (excellent)." in page
    assert "The portal is hard to find things in." in page
    assert f'value="{token}"' in page
    assert not PerformanceFeedback.objects.exists()

    response = portal.post(reverse("portal:feedback"), {"rating": "9", "comments": "x", "token": token})
    assert response.status_code == 400
    response = portal.post(reverse("portal:feedback"), {"rating": "4", "comments": "Kept", "token": token})
    assert response.status_code == 302  # the token of a refused submission stays usable


def test_feedback_offers_only_this_mps_held_meetings(portal, participant, other_participant, am_user):
    held = MeetingFactory(
        participant=participant,
        organizer=am_user,
        title="Held review",
        starts_in=-datetime.timedelta(days=3),
        status=MeetingStatus.HELD,
    )
    MeetingFactory(participant=participant, organizer=am_user, title="Upcoming review")
    foreign = MeetingFactory(
        participant=other_participant,
        organizer=am_user,
        title="Other MP review",
        starts_in=-datetime.timedelta(days=3),
        status=MeetingStatus.HELD,
    )

    response = portal.get(reverse("portal:feedback") + f"?meeting={held.pk}")
    choices = list(response.context["form"].fields["meeting"].queryset)
    assert choices == [held]
    assert response.context["form"].initial["meeting"] == held

    response = portal.post(reverse("portal:feedback"), {"rating": "4", "meeting": foreign.pk, "token": "t-1"})
    assert response.status_code == 400
    assert not PerformanceFeedback.objects.exists()


def test_feedback_lists_only_this_mps_feedback(portal, participant, other_participant, other_mp_user):
    FeedbackFactory(
        participant=other_participant,
        channel=FeedbackChannel.PORTAL,
        rating=1,
        comments="Other MP complaint",
        submitted_by=other_mp_user,
    )
    FeedbackFactory(
        participant=participant,
        channel=FeedbackChannel.PHONE,
        rating=5,
        comments="Told the AM on the phone: great help with the flight.",
        recorded_by=StaffFactory(),
    )
    page = portal.get(reverse("portal:feedback")).content.decode()
    assert "Other MP complaint" not in page
    assert "great help with the flight" in page and "By phone" in page


# --- the portal home card ---------------------------------------------------------------------------------------


def test_home_card_shows_the_next_meeting_and_open_items(
    portal, participant, mp_user, am_user, other_participant, other_mp_user
):
    meeting = MeetingFactory(
        participant=participant, organizer=am_user, title="Quarterly review", starts_in=datetime.timedelta(days=2)
    )
    MeetingFactory(
        participant=participant, organizer=am_user, title="Later review", starts_in=datetime.timedelta(days=20)
    )
    ActionItemFactory(participant=participant, owner=mp_user, due_in=-1)
    ActionItemFactory(participant=participant, owner=mp_user, due_in=3)
    ActionItemFactory(participant=participant, owner=am_user, due_in=3)
    ActionItemFactory(participant=other_participant, owner=other_mp_user, due_in=3)

    page = portal.get(reverse("portal:home")).content.decode()
    assert "Working with your Account Manager" in page
    assert reverse("portal:meeting-detail", args=[meeting.pk]) in page and "Later review" not in page
    assert "open action items, 1 overdue" in page
    assert reverse("portal:plan") in page


# --- query bounds -------------------------------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _grow(participant, mp_user, am_user, n):
    colleague = MembershipFactory(secondary=True, participant=participant).user
    for i in range(n):
        past = MeetingFactory(
            participant=participant,
            organizer=am_user,
            title=f"Past {i}",
            starts_in=-datetime.timedelta(days=10 + i),
            status=MeetingStatus.HELD,
            minutes=f"Minutes {i}",
            shared=i % 2 == 0,
            attendees=[mp_user],
        )
        MeetingFactory(
            participant=participant,
            organizer=am_user,
            title=f"Upcoming {i}",
            starts_in=datetime.timedelta(days=1 + i),
            attendees=[mp_user],
        )
        ActionItemFactory(
            participant=participant,
            owner=mp_user if i % 2 else colleague,
            title=f"Open {i}",
            due_in=i - n // 2,
            meeting=past,
        )
        ActionItemFactory(
            participant=participant,
            owner=mp_user,
            title=f"Done {i}",
            status=ActionItemStatus.DONE,
            completed_at=timezone.now(),
            completed_by=mp_user,
        )
        ActionItemFactory(participant=participant, owner=am_user, title=f"Staff {i}")
        FeedbackFactory(
            participant=participant,
            channel=FeedbackChannel.PORTAL,
            rating=1 + i % 5,
            submitted_by=mp_user,
            meeting=past,
            comments=f"Comment {i}",
        )


@pytest.mark.parametrize(("name", "ceiling"), [("portal:plan", 13), ("portal:feedback", 10), ("portal:home", 19)])
def test_pages_cost_the_same_queries_for_few_and_many_rows(
    portal, participant, mp_user, am_user, name, ceiling, django_assert_max_num_queries
):
    url = reverse(name)
    portal.get(url)
    _grow(participant, mp_user, am_user, 2)
    few = _queries(portal, url)
    _grow(participant, mp_user, am_user, 25)
    many = _queries(portal, url)
    assert few == many, f"{url}: {few} queries with few rows, {many} with many"
    with django_assert_max_num_queries(ceiling):
        portal.get(url)


def test_meeting_detail_queries_do_not_grow_with_attendees_or_items(portal, participant, mp_user, am_user):
    meeting = MeetingFactory(
        participant=participant, organizer=am_user, starts_in=-datetime.timedelta(days=1), status=MeetingStatus.HELD
    )
    url = reverse("portal:meeting-detail", args=[meeting.pk])
    ActionItemFactory(participant=participant, owner=mp_user, meeting=meeting)
    _queries(portal, url)  # the first portal request records the MP worked for in the session (a session write)
    few = _queries(portal, url)
    for i in range(10):
        user = MembershipFactory(secondary=True, participant=participant).user
        meeting.attendees.create(user=user, email=user.email, name=user.full_name)
        ActionItemFactory(participant=participant, owner=user, meeting=meeting, title=f"Item {i}")
    assert _queries(portal, url) == few
    assert ActionItem.objects.filter(meeting=meeting).count() == 11
