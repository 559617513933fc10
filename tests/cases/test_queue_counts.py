"""The queue tab counts: per-MP sums from the participant summaries, the rest from the open cases."""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import OPEN_STATUSES, Case, CaseKind, Channel, SlaState
from cases.selectors.cases import case_queue_counts
from cases.services import case_assign, case_resolve, case_sla_scan
from tests.accounts.factories import MembershipFactory, ParticipantFactory
from tests.case_inputs import submit_case
from tests.cases.factories import SubmittedCaseFactory, seeded_category


def _open_counts_from_the_cases() -> tuple[int, int]:
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES)
    at_risk = open_cases.filter(Q(sla_state=SlaState.AT_RISK) | Q(sla_state=SlaState.BREACHED))
    return open_cases.count(), at_risk.count()


def test_the_tabs_count_every_open_case_including_contacts_without_an_mp(db, staff_user, django_assert_max_num_queries):
    for participant in ParticipantFactory.create_batch(2):
        contact = MembershipFactory(participant=participant, ar=True).user
        SubmittedCaseFactory.create_batch(2, actor=contact, participant=participant)
    submit_case(
        actor=None,
        kind=CaseKind.POTENTIAL_MP,
        category=seeded_category("registration"),
        subject="We want to join the market",
        description="Who do we talk to?",
        channel=Channel.WEB_FORM,
        contact={"name": "Pat Prospect", "email": "pat@prospect.example", "company": "Prospect Power"},
    )
    first = Case.objects.filter(participant__isnull=False).order_by("pk").first()
    case_assign(actor=staff_user, case=first, assignee=staff_user)
    case_resolve(
        actor=staff_user,
        case=Case.objects.filter(participant__isnull=False).order_by("-pk").first(),
        resolution_summary="Done.",
    )
    case_sla_scan(now=timezone.now() + datetime.timedelta(days=60))  # every open case is breached by then

    with django_assert_max_num_queries(2):
        counts = case_queue_counts(staff_user)

    assert (counts["open"], counts["at_risk"]) == _open_counts_from_the_cases() == (4, 4)
    assert counts["mine"] == counts["mine_breached"] == 1
    assert counts["unassigned"] == Case.objects.filter(status__in=OPEN_STATUSES, assignee__isnull=True).count()
    assert "all" not in counts  # no COUNT(*) of every case: the "All" tab shows no number


def test_the_home_card_and_the_queue_count_no_table_of_every_case(client, staff_user):
    """The benchmark saw an unfiltered ``COUNT(*)`` of the case table on both (13-16 ms at 200,000 cases)."""
    participant = ParticipantFactory()
    contact = MembershipFactory(participant=participant, ar=True).user
    SubmittedCaseFactory.create_batch(3, actor=contact, participant=participant)
    client.force_login(staff_user)
    for params in ({"card": "home"}, {}, {"view": "open"}):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("workspace:cases"), params).status_code == 200
        whole_table = [q["sql"] for q in queries if 'FROM "accounts_case"' in q["sql"] and "WHERE" not in q["sql"]]
        assert whole_table == [], (params, whole_table)
