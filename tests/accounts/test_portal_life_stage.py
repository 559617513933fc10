"""The portal follows the MP's life stage (issue 17): a prospect's portal is its registration; cases, disputes and
meetings & actions open once the MP is registered; the home shows the ACTION REQUIRED notices awaiting the MP and
what waits on the signed-in user."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessReview, ContactRole, ParticipantStatus
from cases.error_codes import CaseErrorCode
from cases.models import Case, CaseKind
from ercot_services.core.models import DomainError
from notices.models import Acknowledgement
from tests.accounts.factories import MembershipFactory, ParticipantFactory
from tests.case_inputs import submit_case
from tests.cases.factories import CaseFactory, dispute_fields, seeded_category
from tests.notices.factories import NoticeFactory
from tests.plans.factories import ActionItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db

UNREGISTERED = [ParticipantStatus.PROSPECTIVE, ParticipantStatus.REGISTERING]
REGISTERED = [ParticipantStatus.QUALIFYING, ParticipantStatus.ACTIVE, ParticipantStatus.SUSPENDED]
# Portal pages of a registered MP only (GET), by URL name.
REGISTERED_ONLY_PAGES = ["cases", "case-new-inquiry", "case-new-dispute", "plan", "feedback"]


def portal(name, *args):
    return reverse(f"portal:{name}", args=args)


def signed_in(client, participant, **membership):
    user = MembershipFactory(participant=participant, **membership).user
    client.force_login(user)
    return user


# --- navigation and pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", UNREGISTERED)
def test_an_unregistered_mp_has_no_cases_or_meetings_in_its_navigation(client, status):
    mp = ParticipantFactory(status=status)
    signed_in(client, mp)
    for page in (portal("home"), portal("applications"), portal("notices")):
        html = client.get(page).content.decode()
        assert f'href="{portal("cases")}"' not in html, page
        assert f'href="{portal("plan")}"' not in html, page
        assert f'href="{portal("applications")}"' in html, page


@pytest.mark.parametrize("status", REGISTERED)
def test_a_registered_mp_has_cases_and_meetings_in_its_navigation(client, status):
    mp = ParticipantFactory(status=status)
    signed_in(client, mp)
    html = client.get(portal("home")).content.decode()
    assert f'href="{portal("cases")}"' in html
    assert f'href="{portal("plan")}"' in html


@pytest.mark.parametrize("status", UNREGISTERED)
@pytest.mark.parametrize("name", REGISTERED_ONLY_PAGES)
def test_an_unregistered_mp_is_sent_to_its_registration_from_cases_and_plans(client, status, name):
    mp = ParticipantFactory(status=status, legal_name="Sundance Solar Retail LLC")
    signed_in(client, mp)

    response = client.get(portal(name))

    assert response.status_code == 302
    assert response["Location"] == portal("applications")
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "open once Sundance Solar Retail LLC is registered" in message


def test_a_meeting_of_an_unregistered_mp_is_not_shown_either(client):
    mp = ParticipantFactory(prospective=True)
    signed_in(client, mp)
    meeting = MeetingFactory(participant=mp)
    assert client.get(portal("meeting-detail", meeting.pk))["Location"] == portal("applications")


@pytest.mark.parametrize("name", REGISTERED_ONLY_PAGES)
def test_a_registered_mp_opens_cases_and_plans(client, name):
    mp = ParticipantFactory(qualifying=True)
    signed_in(client, mp)
    assert client.get(portal(name)).status_code == 200


def test_posting_a_dispute_for_a_prospect_files_nothing(client):
    mp = ParticipantFactory(prospective=True)
    signed_in(client, mp)
    fields = dispute_fields()
    response = client.post(
        portal("case-new-dispute"),
        {
            "category": seeded_category("settlements").pk,
            "subject": "DAM charge",
            "description": "Wrong",
            **{key: str(value) for key, value in fields.items()},
        },
    )
    assert response.status_code == 302 and response["Location"] == portal("applications")
    assert not Case.objects.filter(participant=mp).exists()


def test_the_navigation_follows_the_mp_the_user_switches_to(client):
    prospect = ParticipantFactory(prospective=True, short_name="AAA-PROSPECT")
    active = ParticipantFactory(short_name="ZZZ-ACTIVE")
    user = signed_in(client, prospect)
    MembershipFactory(participant=active, user=user)

    assert f'href="{portal("cases")}"' not in client.get(portal("home")).content.decode()
    client.post(portal("switch", active.pk))
    # A page that never looks its MP up (a notice's acknowledgement redirect target) still shows the right links.
    assert f'href="{portal("cases")}"' in client.get(portal("home")).content.decode()
    assert client.get(portal("cases")).status_code == 200


# --- the services refuse too ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", UNREGISTERED)
def test_the_dispute_service_refuses_an_unregistered_mp_even_for_staff(status, account_manager):
    mp = ParticipantFactory(status=status)
    portal_user = MembershipFactory(participant=mp).user
    for actor in (portal_user, account_manager.user):
        with pytest.raises(DomainError) as refused:
            submit_case(
                actor=actor,
                kind=CaseKind.DISPUTE,
                participant=mp,
                category=seeded_category("settlements"),
                subject="DAM charge",
                description="Wrong",
                dispute=dispute_fields(),
            )
        assert refused.value.code == CaseErrorCode.PARTICIPANT_NOT_REGISTERED
        assert "disputes can be filed once its registration is approved" in str(refused.value)
    assert not Case.objects.filter(participant=mp).exists()


def test_the_inquiry_service_refuses_a_prospect_in_the_portal_but_staff_may_log_one(account_manager):
    mp = ParticipantFactory(prospective=True)
    portal_user = MembershipFactory(participant=mp).user
    fields = {"participant": mp, "category": seeded_category("registration"), "subject": "Q", "description": "?"}

    with pytest.raises(DomainError) as refused:
        submit_case(actor=portal_user, **fields)
    assert refused.value.code == CaseErrorCode.PARTICIPANT_NOT_REGISTERED

    logged = submit_case(actor=account_manager.user, channel="phone", **fields)
    assert logged.participant == mp


def test_the_services_accept_a_qualifying_mp():
    mp = ParticipantFactory(qualifying=True)
    user = MembershipFactory(participant=mp).user
    case = submit_case(
        actor=user,
        kind=CaseKind.DISPUTE,
        participant=mp,
        category=seeded_category("settlements"),
        subject="DAM charge",
        description="Wrong",
        dispute=dispute_fields(),
    )
    assert case.kind == CaseKind.DISPUTE


# --- the home page ---------------------------------------------------------------------------------------


def test_a_prospect_home_has_no_cases_or_plans_cards_and_no_empty_am_card(client):
    mp = ParticipantFactory(prospective=True)
    signed_in(client, mp)
    html = client.get(portal("home")).content.decode()
    assert "Your cases" not in html
    assert "File a dispute" not in html
    assert "Working with your Account Manager" not in html
    assert "Your Account Manager" not in html
    assert "Start registration" in html


def test_an_mp_with_an_am_shows_the_am_card(client, participant, account_manager):
    signed_in(client, participant)
    html = client.get(portal("home")).content.decode()
    assert "Your Account Manager" in html and account_manager.name in html
    assert "has no Account Manager yet" not in html


def _notices_awaiting(participant, count):
    return [NoticeFactory(published=True, requires_action=True, days_ago=count - i) for i in range(count)]


def test_the_home_lists_the_oldest_action_required_notices_awaiting_the_mp(client, participant, other_participant):
    notices = _notices_awaiting(participant, 5)
    Acknowledgement.objects.create(notice=notices[0], participant=participant, user=signed_in(client, participant))
    Acknowledgement.objects.create(
        notice=notices[1], participant=other_participant, user=MembershipFactory(participant=other_participant).user
    )
    NoticeFactory(published=True)  # no action required

    html = client.get(portal("home")).content.decode()

    assert "4 notices with ACTION REQUIRED await" in html
    assert notices[0].notice_id not in html  # acknowledged by this MP
    for notice in notices[1:4]:  # the oldest three of the four waiting (another MP's acknowledgement is not ours)
        assert notice.notice_id in html
    assert notices[4].notice_id not in html
    assert f"{portal('notices')}?action=1" in html


def test_acknowledging_from_the_home_returns_to_the_home(client, participant):
    [notice] = _notices_awaiting(participant, 1)
    signed_in(client, participant)
    assert "1 notice with ACTION REQUIRED awaits" in client.get(portal("home")).content.decode()

    response = client.post(
        portal("notice-acknowledge", notice.notice_id), {"participant": participant.pk, "next": portal("home")}
    )

    assert response.status_code == 302 and response["Location"] == portal("home")
    assert Acknowledgement.objects.filter(notice=notice, participant=participant).exists()
    assert "ACTION REQUIRED await" not in client.get(portal("home")).content.decode()


def test_the_acknowledge_redirect_never_leaves_the_portal(client, participant):
    [notice] = _notices_awaiting(participant, 1)
    signed_in(client, participant)
    response = client.post(
        portal("notice-acknowledge", notice.notice_id),
        {"participant": participant.pk, "next": reverse("workspace:home")},
    )
    assert response["Location"] == portal("notices")


def test_the_waiting_card_lists_what_waits_on_this_user_only(client, participant, other_participant):
    user = signed_in(client, participant)
    colleague = MembershipFactory(participant=participant, contact_role=ContactRole.SETTLEMENT).user
    waiting = CaseFactory(participant=participant, waiting=True, subject="Send the meter list")
    CaseFactory(participant=participant, in_progress=True, subject="Not waiting on you")
    CaseFactory(participant=other_participant, waiting=True, subject="Another MP's case")
    ActionItemFactory(participant=participant, owner=user, overdue=True, title="Sign the SFA addendum")
    ActionItemFactory(participant=participant, owner=colleague, title="A colleague's item")
    ActionItemFactory(participant=participant, owner=user, done=True, title="Already done")

    html = client.get(portal("home")).content.decode()
    card = html[html.index('id="waiting-on-you"') :]

    assert waiting.reference in card and "Send the meter list" in card
    assert "Sign the SFA addendum" in card and "overdue" in card
    for absent in ("Not waiting on you", "Another MP&#x27;s case", "A colleague&#x27;s item", "Already done"):
        assert absent not in card


def test_the_usa_sees_the_open_access_review_in_the_waiting_card(client, participant):
    signed_in(client, participant, usa=True)
    AccessReview.objects.create(
        participant=participant, quarter="2026-Q4", due_at=timezone.now() + datetime.timedelta(days=9)
    )
    html = client.get(portal("home")).content.decode()
    card = html[html.index('id="waiting-on-you"') :]
    assert "2026-Q4 access review" in card and portal("access-review") in card


def test_others_do_not_see_the_access_review(client, participant):
    signed_in(client, participant)
    AccessReview.objects.create(
        participant=participant, quarter="2026-Q4", due_at=timezone.now() + datetime.timedelta(days=9)
    )
    assert "2026-Q4" not in client.get(portal("home")).content.decode()


def test_with_nothing_waiting_the_card_says_so(client, participant):
    signed_in(client, participant)
    assert "Nothing is waiting on you" in client.get(portal("home")).content.decode()


def test_the_home_costs_the_same_queries_however_much_waits(
    client, participant, django_assert_max_num_queries, no_queries_while_rendering
):
    user = signed_in(client, participant, usa=True)
    _notices_awaiting(participant, 1)
    CaseFactory(participant=participant, waiting=True)
    ActionItemFactory(participant=participant, owner=user)
    client.get(portal("home"))
    with CaptureQueriesContext(connection) as few:
        client.get(portal("home"))
    _notices_awaiting(participant, 12)
    for _ in range(8):
        CaseFactory(participant=participant, waiting=True)
        ActionItemFactory(participant=participant, owner=user)
    with django_assert_max_num_queries(len(few)):
        html = client.get(portal("home")).content.decode()
    assert "13 notices with ACTION REQUIRED await" in html
