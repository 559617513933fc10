"""The MP 360° page: every area of the MP on one page, for staff only, in a bounded number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import ContactRank, ContactRole
from cases.models import SlaState
from notices.models import ContactListOptOut
from qualification.models import (
    ChangeKind,
    ConnectivitySpec,
    Flight,
    ParticipantKind,
)
from registration.models import ApplicationStatus
from tests.accounts.factories import MembershipFactory
from tests.cases.factories import CaseFactory
from tests.notices.factories import DistributionListFactory, NoticeFactory
from tests.plans.factories import (
    AccountPlanFactory,
    ActionItemFactory,
    FeedbackFactory,
    MeetingFactory,
    ObjectiveFactory,
)
from tests.qualification.factories import CertificateRequestFactory, EnrollmentFactory, FlightFactory
from tests.registration.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def _flight(months_ago: int) -> Flight:
    start = datetime.date(2026, 1, 1) - datetime.timedelta(days=31 * months_ago)
    return FlightFactory(start_date=start.replace(day=1), days=20)


def _fill(participant, am_user, *, n: int, start: int = 0):
    """``n`` of each kind of thing the page lists (``start`` keeps numbers unique across calls)."""
    for i in range(start, start + n):
        CaseFactory(
            in_progress=True,
            participant=participant,
            subject=f"Case {i}",
            sla_state=SlaState.AT_RISK if i == 0 else SlaState.ON_TRACK,
        )
        ApplicationFactory(
            reference=f"REG-2098-{participant.pk:03d}{i:02d}",
            participant=participant,
            revision=True,
            status=ApplicationStatus.SUBMITTED,
        )
        EnrollmentFactory(
            flight=_flight(i + 1),
            participant=participant,
            participant_kind=ParticipantKind.CURRENT,
            change_kind=ChangeKind.values[0],
            testing=True,
        )
        CertificateRequestFactory(participant=participant)
        ActionItemFactory(participant=participant, owner=am_user, due_in=i - 1, title=f"Item {i}")
        MeetingFactory(
            participant=participant,
            title=f"Meeting {i}",
            starts_at=timezone.now() + datetime.timedelta(days=i + 1),
            ends_at=timezone.now() + datetime.timedelta(days=i + 1, hours=1),
            organizer=am_user,
        )
        FeedbackFactory(participant=participant, channel="phone", rating=2 + i % 4, comments=f"Comment {i}")
        MembershipFactory(participant=participant, contact_role=ContactRole.CREDIT, rank=ContactRank.SECONDARY)
        NoticeFactory(published=True, requires_action=True, notice_id=f"M-A{100 + i:03d}-01")


def test_the_page_shows_every_area_of_the_mp(client, account_manager, participant):
    am_user = account_manager.user
    ar = MembershipFactory(
        participant=participant, contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE, user__full_name="Alma Reyes"
    ).user
    _fill(participant, am_user, n=1)
    plan = AccountPlanFactory(participant=participant, summary="Growing into the Houston market.")
    ObjectiveFactory(plan=plan, title="Move to ERCOT-hosted FTP", issue=True)
    ConnectivitySpec.objects.create(participant=participant, endpoint_url="https://edi.example.com/as2")
    credit = DistributionListFactory(name="NOTICE_TEST_CREDIT", contact_roles=[ContactRole.AUTHORIZED_REPRESENTATIVE])
    ContactListOptOut.objects.create(distribution_list=credit, email=ar.email)

    client.force_login(am_user)
    response = client.get(reverse("workspace:participant-detail", args=[participant.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Alma Reyes",  # contacts and AR/BAR
        "Case 0",  # cases
        f"REG-2098-{participant.pk:03d}00",  # registrations
        "Testing",  # flight status
        "Requested",  # certificate
        "https://edi.example.com/as2",  # connectivity
        "M-A100-01",  # action-required notice
        "not acknowledged",
        "NOTICE_TEST_CREDIT",  # list reach (opted out)
        "Growing into the Houston market.",  # plan
        "Move to ERCOT-hosted FTP",
        "Meeting 0",
        "Comment 0",
        "Audit timeline",
    ):
        assert text in html, text
    assert reverse("workspace:participant-plan", args=[participant.pk]) in html


def test_staff_only(client, participant, mp_user):
    client.force_login(mp_user)
    assert client.get(reverse("workspace:participant-detail", args=[participant.pk])).status_code in (302, 403)


def test_unknown_mp_is_a_404(client, account_manager):
    client.force_login(account_manager.user)
    assert client.get(reverse("workspace:participant-detail", args=[999999])).status_code == 404


# Was 44 before the plan card stopped reusing the whole plan selector (issue 14); the page still has many sections.
MAX_360_QUERIES = 40


def test_the_page_costs_the_same_queries_with_more_of_everything(
    client, account_manager, participant, no_queries_while_rendering
):
    am_user = account_manager.user
    _fill(participant, am_user, n=2)
    client.force_login(am_user)
    url = reverse("workspace:participant-detail", args=[participant.pk])
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _fill(participant, am_user, n=12, start=2)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) <= len(small.captured_queries) <= MAX_360_QUERIES
