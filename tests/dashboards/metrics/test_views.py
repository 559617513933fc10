"""The metrics page and CSV exports: who may see them, what the CSV holds, and a bounded number of queries."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import FeedbackChannel
from tests.accounts.factories import AccountManagerFactory, StaffFactory

from . import builders
from .conftest import ct

pytestmark = pytest.mark.django_db

OCTOBER_QUERY = {"start": "2026-10-01", "end": "2026-10-31", "manager": "all"}


def _login(client, user):
    client.force_login(user)
    return client


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_lead_sees_the_page_with_kpis_charts_and_csv_links(client, lead, october_cases):
    response = _login(client, lead).get(reverse("workspace:metrics"), OCTOBER_QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Client Services metrics" in html
    assert 'id="metrics-data"' in html and "vendor/chart.js/chart.umd.min.js" in html and "js/metrics.js" in html
    for key in (
        "managers",
        "weekly",
        "response",
        "backlog",
        "disputes",
        "registration",
        "qualification",
        "notices",
        "deliveries",
        "feedback",
        "feedback-channels",
    ):
        assert (
            f"{reverse('workspace:metrics-csv', args=[key])}?start=2026-10-01&amp;end=2026-10-31&amp;manager=all"
            in html
        )
    assert "5.5 h" in html
    # Figures link to the case queue with matching filters.
    assert "/workspace/cases/?view=all&amp;f=1&amp;status=open" in html
    assert response.context["charts"]["backlog"]["counts"] == [1, 1, 0, 2, 1]


def test_account_manager_sees_the_page_defaulting_to_everyone(client, am1, october_cases):
    response = _login(client, am1.user).get(reverse("workspace:metrics"))
    assert response.status_code == 200
    assert response.context["filter"].manager_id is None
    assert response.context["scope_name"] == "All Account Managers"
    # The default range is the last 90 days.
    f = response.context["filter"]
    assert (f.end - f.start).days == 89


def test_scoped_page_names_the_manager(client, lead, am1, october_cases):
    response = _login(client, lead).get(reverse("workspace:metrics"), {**OCTOBER_QUERY, "manager": am1.user_id})
    assert response.context["scope_name"] == "Alice Adams"
    kpis = {k.label: k.value for k in response.context["kpis"]}
    assert kpis["Cases opened"] == "3"
    assert kpis["Median first response"] == "5.0 h"


def test_invalid_filters_fall_back_to_the_default_with_a_message(client, lead):
    response = _login(client, lead).get(
        reverse("workspace:metrics"), {"start": "2026-10-31", "end": "2026-10-01", "manager": "all"}
    )
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert (response.context["filter"].end - response.context["filter"].start).days == 89


def test_other_staff_are_denied(client):
    retail = StaffFactory(groups=["Retail Operations"])
    client = _login(client, retail)
    assert client.get(reverse("workspace:metrics")).status_code == 403
    assert client.get(reverse("workspace:metrics-csv", args=["backlog"])).status_code == 403


def test_portal_users_are_denied(client, mp_user):
    client = _login(client, mp_user)
    assert client.get(reverse("workspace:metrics")).status_code == 403
    assert client.get(reverse("workspace:metrics-csv", args=["disputes"])).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("workspace:metrics"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_table_is_404(client, lead):
    assert _login(client, lead).get(reverse("workspace:metrics-csv", args=["nope"])).status_code == 404


def test_csv_neutralises_a_name_a_spreadsheet_would_run_as_a_formula(client, lead, am1):
    AccountManagerFactory(user__full_name='=HYPERLINK("https://evil.example","x")')
    rows = _csv(_login(client, lead).get(reverse("workspace:metrics-csv", args=["managers"]), OCTOBER_QUERY))
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("https://evil.example","x")' in names and "Alice Adams" in names


def test_csv_exports_exactly_the_table_with_the_filters(
    client, lead, am1, am2, october_cases, kit, mp1, mp2, mp1_user, mp2_user
):
    client = _login(client, lead)
    rows = _csv(client.get(reverse("workspace:metrics-csv", args=["managers"]), OCTOBER_QUERY))
    assert rows[0][:5] == ["Account Manager", "MPs in book", "Opened", "Closed", "Open at end"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Alice Adams"][1:9] == ["1", "3", "2", "1", "5.00", "12.00", "50.00", "50.00"]
    assert by_name["Bob Brown"][1:9] == ["1", "4", "1", "4", "9.00", "6.00", "50.00", "100.00"]
    assert rows[-1][:5] == ["All", "2", "7", "3", "5"]

    builders.october_disputes(kit, mp1, mp2, mp1_user, mp2_user)
    response = client.get(reverse("workspace:metrics-csv", args=["backlog"]), OCTOBER_QUERY)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="metrics-backlog-2026-10-01_to_2026-10-31.csv"'
    # The open $250 dispute of mp2 (opened Oct 12, 14 BD old at Oct 31) joins the 11-20 bucket.
    assert _csv(response) == [
        ["Age (Business Days since opened)", "Open cases"],
        ["0–2 BD", "1"],
        ["3–5 BD", "1"],
        ["6–10 BD", "0"],
        ["11–20 BD", "3"],
        ["Over 20 BD", "1"],
        ["Total", "6"],
    ]

    response = client.get(
        reverse("workspace:metrics-csv", args=["disputes"]), {**OCTOBER_QUERY, "manager": am1.user_id}
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="metrics-disputes-am{am1.user_id}-2026-10-01_to_2026-10-31.csv"'
    )
    assert _csv(response) == [
        ["Outcome", "Disputes", "Disputed amount", "Granted amount"],
        ["Granted", "1", "1000.00", "800.00"],
        ["Granted with Exceptions", "0", "0.00", "0.00"],
        ["Denied", "1", "500.00", "0.00"],
        ["Withdrawn", "1", "300.00", "0.00"],
        ["Open, no decision yet", "0", "0.00", "0.00"],
        ["Total", "3", "1800.00", "800.00"],
    ]


def _page_queries(client, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("workspace:metrics"), query)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _more_data(kit, mp1, mp2, mp1_user, mp2_user, n):
    """``n`` more cases, feedback, applications and notice emails; ten enrollments with letters."""
    from notices.models import NoticeType

    kind = NoticeType.objects.create(name=f"Load {n}", slug=f"load-{n}")
    for i in range(n):
        mp, user = (mp1, mp1_user) if i % 2 else (mp2, mp2_user)
        case = kit.open(mp, user, ct(2026, 10, 12 + i % 5, 9))
        kit.reply(case, ct(2026, 10, 12 + i % 5, 11))
        if i % 3:
            kit.resolve(case, ct(2026, 10, 20, 9))
        builders.feedback(mp, 1 + i % 5, FeedbackChannel.PORTAL, ct(2026, 10, 14, 9))
        builders.application(mp, "revision", "approved", ct(2026, 10, 2, 9), ct(2026, 10, 9 + i % 10, 9))
        builders.notice(kind, ct(2026, 10, 3, 9), deliveries=[(f"x{i}@mp.example", "sent", ct(2026, 10, 3, 10))])
    testing = builders.flight()
    for mp in (mp1, mp2):
        for change_kind in ("new_entity", "new_territory", "new_functionality", "service_provider", "banking"):
            builders.enrollment(
                testing,
                mp,
                ct(2026, 10, 2, 9),
                change_kind=change_kind,
                tested_on=datetime.date(2026, 10, 20),
                completed=True,
                letter_on=datetime.date(2026, 10, 25),
            )


def test_queries_are_bounded_whatever_the_data(
    client, lead, october_cases, kit, mp1, mp2, mp1_user, mp2_user, django_assert_max_num_queries
):
    client = _login(client, lead)
    client.get(reverse("workspace:metrics"), OCTOBER_QUERY)  # warm caches (content types, session)
    small = _page_queries(client, OCTOBER_QUERY)
    _more_data(kit, mp1, mp2, mp1_user, mp2_user, 30)
    large = _page_queries(client, OCTOBER_QUERY)
    assert large == small
    with django_assert_max_num_queries(15):
        client.get(reverse("workspace:metrics"), OCTOBER_QUERY)
    with django_assert_max_num_queries(15):
        client.get(reverse("workspace:metrics-csv", args=["managers"]), OCTOBER_QUERY)


def test_page_says_percentiles_are_exact_on_the_hand_computed_cases(client, lead, october_cases):
    page = _login(client, lead).get(reverse("workspace:metrics"), OCTOBER_QUERY).content.decode()
    assert "every case median and 90th percentile on this page is exact" in page
    assert "≈" not in page


def test_page_says_when_percentiles_are_approximate_and_to_what_precision(client, lead, am1, mp1):
    from tests.cases.factories import CaseFactory

    # Three first responses in one 5 % bucket: the median is the middle one, which the histogram does not keep.
    for seconds in (3600, 3610, 3620):
        CaseFactory(
            participant=mp1,
            assignee=am1.user,
            created_at=ct(2026, 10, 5, 9),
            first_response_at=ct(2026, 10, 5, 10),
            first_response_business_seconds=seconds,
        )
    page = _login(client, lead).get(reverse("workspace:metrics"), OCTOBER_QUERY).content.decode()
    assert "some case medians and 90th percentiles on this page are approximate" in page
    assert "within 5 % of the exact value" in page
    assert "≈ 1.0 h" in page


def test_page_from_rollups_costs_the_same_queries_at_ten_and_a_thousand_cases(
    client, lead, october_cases, am1, mp1, category, django_assert_max_num_queries
):
    from cases.models import Case, CaseRollupDay
    from cases.services.rollups import case_rollups_refresh
    from tests.cases.factories import CaseFactory

    from .conftest import AFTER_OCTOBER

    client = _login(client, lead)
    case_rollups_refresh(now=AFTER_OCTOBER)
    assert CaseRollupDay.objects.filter(stale=False, day__month=10).count() == 31
    client.get(reverse("workspace:metrics"), OCTOBER_QUERY)  # warm caches (content types, session)
    small = _page_queries(client, OCTOBER_QUERY)
    # A thousand resolved cases spread over October, written in bulk (as COPY would), then rebuilt.
    cases = []
    for i in range(1000):
        opened = ct(2026, 10, 1 + i % 30, 9)
        cases.append(
            CaseFactory.build(
                participant=mp1,
                category=category,
                assignee=am1.user,
                created_at=opened,
                first_response_at=opened + datetime.timedelta(hours=1),
                first_response_business_seconds=3600 + i,
                resolved_at=opened + datetime.timedelta(hours=5),
                resolution_business_seconds=5 * 3600 + i,
                resolution_due_at=opened + datetime.timedelta(hours=10),
                status="resolved",
            )
        )
    Case.objects.bulk_create(cases)
    case_rollups_refresh(rebuild=True, now=AFTER_OCTOBER)
    large = _page_queries(client, OCTOBER_QUERY)
    assert large == small
    # Framework 2 (user, staff groups), Account Managers 1, cases 5 (fresh days, three rollup sums, backlog; the
    # holidays are cached), feedback 1, satisfaction surveys 1, registration 1, qualification 1, notices 2, training 2
    # (sessions delivered, by market role), knowledge base deflection 1, and today's cases when the range reaches
    # today (the default range below).
    with django_assert_max_num_queries(17):
        page = client.get(reverse("workspace:metrics"), OCTOBER_QUERY)
    with django_assert_max_num_queries(19):
        assert client.get(reverse("workspace:metrics")).status_code == 200
    opened = next(k for k in page.context["kpis"] if k.label == "Cases opened")
    assert opened.value == "1,007"
