"""The staff home per role: each group sees the cards of its own work (registered by the apps), only Account
Managers and the Lead see the book's figures, and the whole page costs a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import StaffGroup
from cases.models import CaseKind, Incident
from notices.models import NoticeDelivery, NoticeStatus
from qualification.models import EnrollmentStatus, FlightStatus, LetterDelivery
from registration.models import ApplicationStatus
from tests.accounts.factories import StaffFactory
from tests.cases.factories import CaseFactory
from tests.notices.factories import NoticeDeliveryFactory, NoticeFactory
from tests.qualification.factories import EnrollmentFactory, FlightFactory, QualificationLetterFactory
from tests.registration.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

BOOK_FIGURE = "SLA breached"


def _cards(response) -> dict:
    return {card.title: card for card in response.context["cards"]}


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("workspace:home"))
    assert response.status_code == 200
    return response


def _failed_letter():
    letter = QualificationLetterFactory()
    LetterDelivery.objects.create(
        letter=letter, email="ar@example.com", name="AR", kind="to", capacity="AR", status="failed"
    )
    return letter


def _work_for_every_group(*, publisher, months_back: range) -> None:
    """Rows for every card: applications to review, failed letters, flights, enrollments without results,
    unassigned / at-risk / potential-MP cases, notices in each stage."""
    today = timezone.localdate()
    for months in months_back:
        ApplicationFactory(submitted=True, due_on=today + datetime.timedelta(days=3))
        _failed_letter()
        FlightFactory(status=FlightStatus.OPEN)
        # A flight is named by its month: one testing flight a month, ``months`` back.
        testing_flight = FlightFactory(
            status=FlightStatus.TESTING, start_date=today - datetime.timedelta(days=31 * months), days=10
        )
        EnrollmentFactory(flight=testing_flight, status=EnrollmentStatus.TESTING)
        CaseFactory(assignee=None)
        CaseFactory(at_risk=True, assignee=StaffFactory())
        CaseFactory(kind=CaseKind.POTENTIAL_MP, participant=None, contact_email="new@example.com")
        Incident.objects.create(title=f"Incident {months}", dimension="category", key=f"k{months}", key_label="K")
        NoticeFactory(status=NoticeStatus.IN_REVIEW, author=publisher)
        NoticeFactory(status=NoticeStatus.IN_REVIEW, author=StaffFactory(groups=[StaffGroup.NOTICE_PUBLISHER]))
        NoticeFactory()
        NoticeFactory(status=NoticeStatus.SCHEDULED, scheduled_for=timezone.now() + datetime.timedelta(days=1))
        NoticeDeliveryFactory()
        NoticeDeliveryFactory(status=NoticeDelivery.Status.FAILED)


def test_retail_operations_see_their_letters_and_registrations_and_no_book_figures(client):
    user = StaffFactory(groups=[StaffGroup.RETAIL_OPERATIONS])
    today = timezone.localdate()
    late = ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW, due_on=today - datetime.timedelta(days=1))
    ApplicationFactory(status=ApplicationStatus.INFO_REQUESTED, due_on=today)  # waits on the MP, not listed
    letter = _failed_letter()

    response = _home(client, user)
    cards = _cards(response)
    assert list(cards) == [
        "Enrollments ready for a letter",
        "Letters with a failed delivery",
        "Registrations to review",
    ]
    review = cards["Registrations to review"]
    assert review.count == 1
    assert review.rows[0].url == late.get_absolute_url() and review.rows[0].urgent
    assert cards["Letters with a failed delivery"].rows[0].label.startswith(letter.number)
    assert cards["Enrollments ready for a letter"].count == 0
    content = response.content.decode()
    assert "No enrollment is ready for a letter." in content
    assert late.get_absolute_url() in content and reverse("workspace:retail-ops-queue") in content
    assert BOOK_FIGURE not in content
    assert "page_obj" not in response.context


def test_the_flight_administrator_sees_flights_with_deadlines_and_missing_results(client):
    user = StaffFactory(groups=[StaffGroup.FLIGHT_ADMINISTRATOR])
    today = timezone.localdate()
    flight = FlightFactory(status=FlightStatus.OPEN, start_date=today + datetime.timedelta(days=18))
    ended = FlightFactory(status=FlightStatus.TESTING, start_date=today - datetime.timedelta(days=40), days=10)
    waiting = EnrollmentFactory(flight=ended, status=EnrollmentStatus.TESTING)
    FlightFactory(status=FlightStatus.COMPLETED, start_date=today - datetime.timedelta(days=200))

    cards = _cards(_home(client, user))
    assert list(cards) == ["Flights and their deadlines", "Enrollments without results"]
    flights = cards["Flights and their deadlines"]
    assert [row.url for row in flights.rows] == [ended.get_absolute_url(), flight.get_absolute_url()]
    assert flights.rows[1].urgent  # applications close within the week
    missing = cards["Enrollments without results"]
    assert missing.count == 1 and missing.rows[0].url == waiting.get_absolute_url() and missing.rows[0].urgent


def test_the_service_desk_sees_unassigned_and_at_risk_cases_and_potential_mp_contacts(client):
    user = StaffFactory(groups=[StaffGroup.SERVICE_DESK])
    unassigned = CaseFactory(assignee=None)
    at_risk = CaseFactory(breached=True, assignee=user)
    contact = CaseFactory(kind=CaseKind.POTENTIAL_MP, participant=None, contact_email="new@example.com", assignee=user)
    CaseFactory(resolved=True, assignee=None)

    response = _home(client, user)
    cards = _cards(response)
    assert [row.url for row in cards["Unassigned cases"].rows] == [unassigned.get_absolute_url()]
    assert [row.url for row in cards["Cases at risk or breached"].rows] == [at_risk.get_absolute_url()]
    assert [row.url for row in cards["Potential-MP contacts"].rows] == [contact.get_absolute_url()]
    assert "new@example.com" in cards["Potential-MP contacts"].rows[0].label
    assert BOOK_FIGURE not in response.content.decode()


def test_a_notice_publisher_is_asked_to_approve_only_the_notices_of_others(client):
    user = StaffFactory(groups=[StaffGroup.NOTICE_PUBLISHER])
    mine = NoticeFactory(status=NoticeStatus.IN_REVIEW, author=user, short_description="My own notice")
    theirs = NoticeFactory(
        status=NoticeStatus.IN_REVIEW,
        author=StaffFactory(groups=[StaffGroup.NOTICE_PUBLISHER], full_name="Pat Second"),
        short_description="Their notice",
    )
    failed = NoticeDeliveryFactory(status=NoticeDelivery.Status.FAILED).notice
    delivering = NoticeDeliveryFactory().notice

    cards = _cards(_home(client, user))
    assert list(cards) == ["Waiting for my approval", "Drafts", "Scheduled", "Delivering", "Failed deliveries"]
    approve = cards["Waiting for my approval"]
    assert [row.url for row in approve.rows] == [reverse("workspace:notice-detail", args=[theirs.pk])]
    assert approve.rows[0].detail == "By Pat Second"
    assert approve.count == 1  # not the user's own notice in review
    assert reverse("workspace:notice-detail", args=[mine.pk]) not in {row.url for row in approve.rows}
    assert cards["Drafts"].count == 0 and cards["Scheduled"].count == 0
    assert cards["Failed deliveries"].rows[0].url == reverse("workspace:notice-detail", args=[failed.pk])
    assert cards["Delivering"].rows[0].url == reverse("workspace:notice-detail", args=[delivering.pk])


def test_someone_in_several_groups_sees_all_their_cards_their_own_queues_first(client):
    user = StaffFactory(groups=[StaffGroup.NOTICE_PUBLISHER, StaffGroup.SERVICE_DESK])
    titles = list(_cards(_home(client, user)))
    assert set(titles[:2]) == {"Unassigned cases", "Waiting for my approval"}
    assert set(titles) >= {"Cases at risk or breached", "Potential-MP contacts", "Drafts", "Failed deliveries"}


def test_account_managers_and_the_lead_keep_their_book_and_see_no_other_groups_cards(client, account_manager, lead):
    for user in (account_manager.user, lead):
        response = _home(client, user)
        # Their own card only: the disputes whose decision was rejected or that are in ADR (cases.home_cards).
        assert [card.title for card in response.context["cards"]] == ["Disputes in ADR or with a rejected decision"]
        assert BOOK_FIGURE in response.content.decode()
    assert _home(client, lead).context["lead"] is not None


def test_a_card_lists_its_top_rows_and_counts_them_all(client):
    user = StaffFactory(groups=[StaffGroup.SERVICE_DESK])
    CaseFactory.create_batch(7, assignee=None)
    response = _home(client, user)
    card = _cards(response)["Unassigned cases"]
    assert card.count == 7 and len(card.rows) == 5
    assert "All unassigned cases (7)" in response.content.decode()


def test_the_home_of_every_group_costs_the_same_queries_for_few_and_many_rows(
    client, django_assert_max_num_queries, no_queries_while_rendering
):
    groups = [g for g in StaffGroup.ALL if g not in (StaffGroup.ACCOUNT_MANAGER, StaffGroup.CLIENT_SERVICES_LEAD)]
    user = StaffFactory(groups=groups)
    _work_for_every_group(publisher=user, months_back=range(1, 2))
    client.force_login(user)
    client.get(reverse("workspace:home"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("workspace:home")).status_code == 200
    _work_for_every_group(publisher=user, months_back=range(2, 10))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("workspace:home"))
    assert all(card.count for card in response.context["cards"] if card.title != "Enrollments ready for a letter")
