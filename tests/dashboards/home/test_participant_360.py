"""The MP 360° page: every area of the MP on one page (its secondary sections loaded into it), for staff only, in a
bounded number of queries per request whatever the MP's history."""

from __future__ import annotations

import copy
import datetime
import re
import uuid

import pytest
from django.db import connection
from django.db.models.base import ModelState
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountManagerAssignment, ContactRank, ContactRole, Membership, User
from accounts.roles import StaffGroup
from cases.models import Case, SlaState
from ercot_services.core.audit import audit_record
from ercot_services.core.models import AuditEvent
from notices.models import ContactListOptOut, Notice
from plans.models import ActionItem, Meeting, PerformanceFeedback
from qualification.models import (
    CertificateRequest,
    ChangeKind,
    ConnectivitySpec,
    Flight,
    ParticipantKind,
)
from registration.models import Application, ApplicationStatus
from tests.accounts.factories import AccountManagerFactory, MembershipFactory, StaffFactory
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

SECTIONS = ("registration", "qualification", "notices", "plan", "training", "history")


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


def _copies(row, n: int, **vary):
    """``n`` copies of a saved row written in one ``bulk_create``; ``vary`` maps a field to a function of the
    copy's number (for the unique ones)."""
    copies = []
    for i in range(n):
        twin = copy.copy(row)
        twin._state = ModelState()
        twin.pk = None
        for field, value in vary.items():
            setattr(twin, field, value(i))
        copies.append(twin)
    return type(row).objects.bulk_create(copies)


def _fill_in_bulk(participant, lead, *, n: int):
    """``n`` more of each thing the page lists, copied in bulk from the rows :func:`_fill` made: cases, contacts,
    AM assignments, applications, certificate requests, action items, meetings, feedback, ACTION REQUIRED notices, audit events."""
    _copies(Case.objects.filter(participant=participant).first(), n, reference=lambda i: f"CASE-BULK-{i:05d}")
    users = _copies(
        User.objects.filter(memberships__participant=participant).first(), n, email=lambda i: f"c{i}@bulk.example"
    )
    Membership.objects.bulk_create(
        Membership(participant=participant, user=user, contact_role=ContactRole.SETTLEMENT, rank=ContactRank.SECONDARY)
        for user in users
    )
    earlier = AccountManagerAssignment(
        participant=participant,
        account_manager=AccountManagerFactory(),
        started_at=timezone.now() - datetime.timedelta(days=900),
        ended_at=timezone.now() - datetime.timedelta(days=800),
    )
    _copies(earlier, n)
    _copies(Application.objects.filter(participant=participant).first(), n, reference=lambda i: f"REG-BULK-{i:05d}")
    _copies(CertificateRequest.objects.filter(participant=participant).first(), n)
    _copies(ActionItem.objects.filter(participant=participant).first(), n)
    _copies(Meeting.objects.filter(participant=participant).first(), n, uid=lambda i: uuid.uuid4())
    _copies(PerformanceFeedback.objects.filter(participant=participant).first(), n)
    _copies(Notice.objects.filter(notice_id__startswith="M-A").first(), n, notice_id=lambda i: f"M-B{i:05d}-01")
    _copies(AuditEvent.objects.filter(participant=participant).first(), n)


def _urls(participant) -> list[str]:
    return [reverse("workspace:participant-detail", args=[participant.pk])] + [
        reverse("workspace:participant-section", args=[participant.pk, section]) for section in SECTIONS
    ]


def _whole_page(client, participant) -> str:
    """The page and every section it loads, as a browser with JavaScript ends up showing them."""
    responses = [client.get(url) for url in _urls(participant)]
    assert [r.status_code for r in responses] == [200] * len(responses)
    return "".join(r.content.decode() for r in responses)


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
    html = _whole_page(client, participant)

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


def test_the_sections_are_for_the_staff_who_see_the_page(client, participant, other_participant, mp_user):
    """Any staff member sees any MP's 360° page and so its sections (an AM, the Service Desk alike); a participant
    user gets the workspace's 403, even for their own MP; anonymous users go to sign-in."""
    section_urls = _urls(participant)[1:]
    for url in section_urls:
        assert client.get(url).status_code == 302, url
    client.force_login(mp_user)
    for url in section_urls:
        assert client.get(url).status_code == 403, url
    client.force_login(StaffFactory(groups=[StaffGroup.SERVICE_DESK]))
    for url in _urls(participant) + _urls(other_participant):
        assert client.get(url).status_code == 200, url


def test_an_unknown_section_or_mp_is_a_404(client, account_manager, participant):
    client.force_login(account_manager.user)
    assert client.get(reverse("workspace:participant-section", args=[participant.pk, "secrets"])).status_code == 404
    assert client.get(reverse("workspace:participant-section", args=[999999, "history"])).status_code == 404


def test_the_timeline_keeps_the_page_asked_for(client, account_manager, lead, participant):
    """The timeline's page links lead back to the 360° page, which loads the timeline at that page."""
    for n in range(25):
        audit_record(
            actor=lead, verb="participant.updated", target=participant, participant=participant, reason=f"R{n}"
        )
    client.force_login(account_manager.user)
    page = client.get(reverse("workspace:participant-detail", args=[participant.pk]), {"history_page": "2"})
    history_url = reverse("workspace:participant-section", args=[participant.pk, "history"]) + "?history_page=2"
    assert f'hx-get="{history_url}"' in page.content.decode()
    timeline = client.get(history_url)
    assert timeline.context["history"].number == 2
    assert 'href="?history_page=1#history"' in timeline.content.decode()


def test_unknown_mp_is_a_404(client, account_manager):
    client.force_login(account_manager.user)
    assert client.get(reverse("workspace:participant-detail", args=[999999])).status_code == 404


# Was 44 before the plan card stopped reusing the whole plan selector, then 40 (issue 14) before the secondary
# sections moved to their own requests: now the page and each section it loads are bounded apiece.
MAX_360_QUERIES = 15


def _query_counts(client, participant) -> dict[str, int]:
    counts = {}
    for url in _urls(participant):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries.captured_queries)
    return counts


def test_the_page_and_its_sections_cost_the_same_queries_with_a_thousand_of_everything(
    client, account_manager, lead, participant, no_queries_while_rendering
):
    am_user = account_manager.user
    _fill(participant, am_user, n=10)
    audit_record(actor=lead, verb="participant.updated", target=participant, participant=participant)
    client.force_login(am_user)
    small = _query_counts(client, participant)
    _fill_in_bulk(participant, lead, n=1_000)
    large = _query_counts(client, participant)

    assert large == small
    assert max(large.values()) <= MAX_360_QUERIES, large
    assert Case.objects.filter(participant=participant).count() > 1_000
    html = _whole_page(client, participant)
    # Every list stays bounded: the latest ten cases, twenty assignments, eight notices, one page of history.
    assert len(set(re.findall(r"CASE-BULK-\d+", html))) == 10
    assert len(set(re.findall(r"M-B\d+-01", html))) == 8
    assert len(set(re.findall(r"REG-BULK-\d+", html))) <= 15  # the open ones (5) and the latest ten
    assert "Earlier assignments are in the audit timeline." in html
    assert "The latest 10 of each are shown." in html  # qualification
