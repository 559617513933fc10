"""The market incident pages: the list's tabs, the incident page and its actions, who may take them, what each
MP sees of one reply to all, the home card, the staff bar and the patterns page linking both."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.roles import StaffGroup
from cases.models import CaseMessage, Incident, IncidentDimension, IncidentRule, IncidentStatus
from cases.services import incident_confirm, incident_scan
from tests.accounts.factories import MembershipFactory, ParticipantFactory, StaffFactory
from tests.cases.factories import SubmittedCaseFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES_LIST = 14
MAX_QUERIES_PAGE = 30


@pytest.fixture(autouse=True)
def three_mps_make_an_incident(db):
    IncidentRule.load_all()
    IncidentRule.objects.filter(dimension=IncidentDimension.CATEGORY).update(min_participants=3, window_days=2)


@pytest.fixture
def filers(participant, mp_user, other_participant, other_mp_user):
    third = ParticipantFactory(name="THIRDCO")
    return [
        (participant, mp_user),
        (other_participant, other_mp_user),
        (third, MembershipFactory(participant=third).user),
    ]


@pytest.fixture
def incident(filers, settlements):
    for mp, user in filers:
        SubmittedCaseFactory(actor=user, participant=mp, category=settlements, subject=f"Extract missing for {mp}")
    [proposed] = incident_scan()
    return proposed


@pytest.fixture
def am_client(client, am_user):
    client.force_login(am_user)
    return client


def test_the_list_shows_proposals_first_and_tabs(am_client, incident):
    response = am_client.get(reverse("workspace:incidents"))
    assert response.status_code == 200
    assert incident.title in response.content.decode()
    response = am_client.get(reverse("workspace:incidents"), {"status": "open"})
    assert incident.title not in response.content.decode()


def test_the_list_is_query_bounded(am_client, incident, django_assert_max_num_queries, settlements):
    for n in range(12):
        Incident.objects.create(title=f"Extra {n}", dimension="category", key=f"k{n}", key_label=f"K{n}")
    with django_assert_max_num_queries(MAX_QUERIES_LIST):
        assert am_client.get(reverse("workspace:incidents")).status_code == 200


def test_the_page_shows_linked_cases_with_their_mps(am_client, incident, filers, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES_PAGE):
        response = am_client.get(incident.get_absolute_url())
    text = response.content.decode()
    for mp, _ in filers:
        assert mp.short_name in text
    assert "Confirm the incident" in text


def test_confirm_link_reply_resolve_through_the_pages(am_client, incident, filers, registration, am_user):
    url = incident.get_absolute_url()
    response = am_client.post(reverse("workspace:incident-confirm", args=[incident.pk]), {"title": "", "summary": ""})
    assert response.status_code == 400
    assert "Enter the title" in response.content.decode()

    response = am_client.post(
        reverse("workspace:incident-confirm", args=[incident.pk]), {"title": "Extract outage", "summary": "MIS"}
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.OPEN

    extra = SubmittedCaseFactory(actor=am_user, participant=ParticipantFactory(), category=registration)
    response = am_client.post(reverse("workspace:incident-link", args=[incident.pk]), {"case": "NOPE-1"})
    assert response.status_code == 400
    response = am_client.post(reverse("workspace:incident-link", args=[incident.pk]), {"case": extra.reference})
    assert response.status_code == 302
    assert incident.cases.filter(pk=extra.pk).exists()
    response = am_client.post(reverse("workspace:incident-unlink", args=[incident.pk]), {"case": extra.reference})
    assert response.status_code == 302
    assert not incident.cases.filter(pk=extra.pk).exists()

    reply_url = reverse("workspace:incident-reply", args=[incident.pk])
    response = am_client.post(reply_url, {"body": "Re-posted."})
    assert response.status_code == 200  # the confirmation step
    assert "Send to every linked case" in response.content.decode()
    assert not CaseMessage.objects.filter(body="Re-posted.").exists()
    response = am_client.post(reply_url, {"body": "Re-posted.", "confirmed": "yes"})
    assert response.status_code == 302
    assert CaseMessage.objects.filter(body="Re-posted.").count() == 3

    response = am_client.post(reverse("workspace:incident-resolve", args=[incident.pk]), {"confirmed": "yes"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED
    assert am_client.get(url).status_code == 200


def test_dismiss_needs_a_reason_and_keeps_the_page(am_client, incident):
    response = am_client.post(reverse("workspace:incident-dismiss", args=[incident.pk]), {"reason": ""})
    assert response.status_code == 400
    response = am_client.post(reverse("workspace:incident-dismiss", args=[incident.pk]), {"reason": "Unrelated"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.DISMISSED


@pytest.mark.parametrize("group", [StaffGroup.RETAIL_OPERATIONS, StaffGroup.FLIGHT_ADMINISTRATOR])
def test_a_wrong_staff_group_may_look_but_not_act(client, incident, group):
    client.force_login(StaffFactory(groups=[group]))
    response = client.get(incident.get_absolute_url())
    assert response.status_code == 200
    assert "Confirm the incident" not in response.content.decode()
    response = client.post(reverse("workspace:incident-confirm", args=[incident.pk]), {"title": "X"})
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.PROPOSED


def test_a_participant_user_cannot_open_the_incident_pages(client, incident, mp_user):
    client.force_login(mp_user)
    assert client.get(incident.get_absolute_url()).status_code in (403, 404)
    assert client.get(reverse("workspace:incidents")).status_code in (403, 404)


def test_each_mp_sees_the_reply_on_its_own_case_only(client, incident, filers, am_user):
    incident_confirm(actor=am_user, incident=incident)
    from cases.services import incident_reply_all

    incident_reply_all(actor=am_user, incident=incident, body="The settlement extract was re-posted.")
    cases = {case.participant_id: case for case in incident.cases.all()}
    (mine, user), (other, _), _ = filers
    client.force_login(user)
    own = client.get(reverse("portal:case-detail", args=[cases[mine.pk].reference]))
    assert own.status_code == 200
    text = own.content.decode()
    assert "The settlement extract was re-posted." in text
    assert other.short_name not in text and other.legal_name not in text
    assert "incident" not in text.lower()
    assert client.get(reverse("portal:case-detail", args=[cases[other.pk].reference])).status_code == 404


def test_the_service_desk_home_card_lists_proposed_incidents(client, incident):
    client.force_login(StaffFactory(groups=[StaffGroup.SERVICE_DESK]))
    response = client.get(reverse("workspace:home"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Proposed incidents" in text
    assert incident.get_absolute_url() in text


def test_the_staff_bar_and_the_patterns_page_link_the_incidents(am_client):
    response = am_client.get(reverse("workspace:patterns"))
    text = response.content.decode()
    assert reverse("workspace:incidents") in text
    assert "Market incidents" in text
    response = am_client.get(reverse("workspace:incidents"))
    assert reverse("workspace:patterns") in response.content.decode()


def test_the_notice_button_shows_only_for_publishers(client, incident):
    button = reverse("workspace:notice-from-incident", args=[incident.pk])
    client.force_login(StaffFactory(groups=[StaffGroup.ACCOUNT_MANAGER]))
    assert button not in client.get(incident.get_absolute_url()).content.decode()
    client.force_login(StaffFactory(groups=[StaffGroup.NOTICE_PUBLISHER]))
    assert button in client.get(incident.get_absolute_url()).content.decode()
