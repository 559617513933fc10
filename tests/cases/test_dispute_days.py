"""Multi-day disputes: each Operating Day with its own amount and filing deadline, staff late acceptance, per-day
outcomes with the dispute's outcome and totals derived, and the portal form, prefill and case pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import StaffGroup
from cases.models import Case, CaseKind, CaseStatus, DayOutcome, DisputeDay, DisputeDetail, DisputeOutcome
from cases.services import DisputeDayInput, dispute_resolve
from cases.services.dispute_day_outcomes import DayDecision, dispute_days_resolve
from ercot_services.core.models import AuditEvent, DomainError, Holiday
from tests.accounts.factories import StaffFactory
from tests.cases.factories import dispute_fields

from .conftest import ct

pytestmark = pytest.mark.django_db

D = datetime.date
# Real-Time (Initial) windows close 20 Business Days before each day's True-Up, so consecutive days close on
# consecutive Business Days: May 7 on Tue Oct 6, May 8 on Wed Oct 7, May 9 on Thu Oct 8 (2026).
MAY_7, MAY_8, MAY_9 = D(2026, 5, 7), D(2026, 5, 8), D(2026, 5, 9)


def day(operating_day, amount="100.00", statement_date=None):
    return DisputeDayInput(operating_day=operating_day, disputed_amount=Decimal(amount), statement_date=statement_date)


@pytest.fixture
def file_days(submit, settlements):
    def _file(now, days, statement_type="initial", statement_date=None, **kwargs):
        return submit(
            kind=CaseKind.DISPUTE,
            category=settlements,
            subject="RT imbalance, three days",
            dispute=dispute_fields(
                operating_day=None,
                disputed_amount=None,
                statement_type=statement_type,
                statement_date=statement_date,
                charge_type="Real-Time Energy Imbalance",
                days=days,
            ),
            now=now,
            **kwargs,
        )

    return _file


# --- filing -----------------------------------------------------------------------------------------------------


def test_a_multi_day_dispute_keeps_each_day_with_its_deadline_and_the_sums(file_days):
    case = file_days(ct(2026, 10, 6, 9), [day(MAY_9, "30.00"), day(MAY_7, "10.50"), day(MAY_8, "20.25")])
    detail = case.dispute
    days = list(detail.days.all())
    assert [d.operating_day for d in days] == [MAY_7, MAY_8, MAY_9]
    assert [d.filing_deadline for d in days] == [D(2026, 10, 6), D(2026, 10, 7), D(2026, 10, 8)]
    assert [d.disputed_amount for d in days] == [Decimal("10.50"), Decimal("20.25"), Decimal("30.00")]
    assert detail.operating_day == MAY_7
    assert detail.disputed_amount == Decimal("60.75")
    assert detail.filing_deadline == D(2026, 10, 6)
    assert not detail.filed_late


def test_a_day_past_its_window_refuses_the_whole_dispute_with_its_deadline(file_days):
    with pytest.raises(DomainError) as refused:
        file_days(ct(2026, 10, 7, 9), [day(MAY_7), day(MAY_8), day(MAY_9)])
    error = refused.value
    assert error.code == "filing_deadline_passed"
    assert error.fields["days"] == [
        "Operating Day May 07, 2026: the filing deadline was Tuesday, October 06, 2026 (20 Business Days before the "
        "True-Up statement for Operating Day May 07, 2026 (expected Nov 03, 2026))."
    ]
    assert "1 of the 3 Operating Days are past their filing deadline, so nothing was filed" in str(error)
    assert not Case.objects.exists() and not DisputeDay.objects.exists()


def test_a_window_closing_today_is_accepted(file_days):
    case = file_days(ct(2026, 10, 7, 23, 59), [day(MAY_8), day(MAY_9)])
    assert [d.filed_late for d in case.dispute.days.all()] == [False, False]


def test_a_holiday_makes_a_statement_window_one_day_longer(file_days):
    # DAM statement of Fri Nov 20: 10 Business Days over Thanksgiving close Tue Dec 8; a storm day makes it Dec 9.
    days = [day(D(2026, 11, 16)), day(D(2026, 11, 17))]
    with pytest.raises(DomainError) as refused:
        file_days(ct(2026, 12, 9, 9), days, statement_type="dam", statement_date=D(2026, 11, 20))
    assert len(refused.value.fields["days"]) == 2
    assert "Tuesday, December 08, 2026" in refused.value.fields["days"][0]
    Holiday.objects.create(date=D(2026, 12, 1), name="Storm day")
    case = file_days(ct(2026, 12, 9, 9), days, statement_type="dam", statement_date=D(2026, 11, 20))
    assert {d.filing_deadline for d in case.dispute.days.all()} == {D(2026, 12, 9)}


def test_each_day_may_count_from_its_own_statement(file_days):
    case = file_days(
        ct(2026, 12, 9, 9),
        [day(D(2026, 11, 16), statement_date=D(2026, 11, 23)), day(D(2026, 11, 17), statement_date=D(2026, 11, 24))],
        statement_type="dam",
        statement_date=D(2026, 11, 20),
    )
    assert [d.filing_deadline for d in case.dispute.days.all()] == [D(2026, 12, 9), D(2026, 12, 10)]


def test_staff_accept_late_days_with_a_reason(file_days, am_user, mp_user):
    case = file_days(
        ct(2026, 10, 8, 9),
        [day(MAY_7), day(MAY_8), day(MAY_9)],
        actor=am_user,
        requester=mp_user,
        channel="email",
        late_acceptance_reason="Statements re-issued",
    )
    assert [d.filed_late for d in case.dispute.days.all()] == [True, True, False]
    assert case.dispute.filed_late and case.dispute.accepted_late_by == am_user


def test_staff_without_a_reason_are_refused(file_days, am_user, mp_user):
    with pytest.raises(DomainError, match="2 of the 3 Operating Days"):
        file_days(ct(2026, 10, 8, 9), [day(MAY_7), day(MAY_8), day(MAY_9)], actor=am_user, requester=mp_user)


def test_more_than_31_days_or_a_repeated_day_is_refused(file_days):
    start = D(2026, 9, 1)
    with pytest.raises(DomainError) as refused:
        file_days(ct(2026, 10, 7, 9), [day(start + datetime.timedelta(days=n)) for n in range(32)])
    assert refused.value.code == "too_many_days"
    with pytest.raises(DomainError) as refused:
        file_days(ct(2026, 10, 6, 9), [day(MAY_8), day(MAY_8, "5.00")])
    assert refused.value.code == "duplicate_day"


def test_a_one_day_dispute_is_a_dispute_with_one_day(dispute):
    [only] = dispute.dispute.days.all()
    assert only.operating_day == dispute.dispute.operating_day
    assert only.disputed_amount == dispute.dispute.disputed_amount


# --- outcomes per day ----------------------------------------------------------------------------------------------


@pytest.fixture
def three_days(file_days):
    return file_days(ct(2026, 10, 6, 9), [day(MAY_7, "100.00"), day(MAY_8, "200.00"), day(MAY_9, "300.00")])


def _decide(case, actor, *outcomes):
    decisions = [
        DayDecision(operating_day=d, outcome=o, granted_amount=g)
        for d, (o, g) in zip((MAY_7, MAY_8, MAY_9), outcomes, strict=True)
    ]
    return dispute_days_resolve(actor=actor, case=case, decisions=decisions, outcome_explanation="Checked each day.")


@pytest.mark.parametrize(
    ("outcomes", "overall", "granted"),
    [
        ((("granted", None), ("granted", None), ("granted", None)), DisputeOutcome.GRANTED, Decimal("600.00")),
        ((("denied", None), ("denied", None), ("denied", None)), DisputeOutcome.DENIED, Decimal("0")),
        (
            (("granted", Decimal("50")), ("denied", None), ("granted", None)),
            DisputeOutcome.GRANTED_WITH_EXCEPTIONS,
            Decimal("350.00"),
        ),
    ],
)
def test_day_outcomes_decide_the_dispute_and_its_total(three_days, am_user, outcomes, overall, granted):
    case = _decide(three_days, am_user, *outcomes)
    detail = DisputeDetail.objects.get(case=case)
    assert case.status == CaseStatus.RESOLVED
    assert detail.outcome == overall
    assert detail.granted_amount == granted
    assert [d.outcome for d in detail.days.all()] == [o for o, _ in outcomes]
    assert AuditEvent.objects.for_object(case).filter(verb="dispute.days_decided").exists()


def test_every_day_needs_a_decision_and_a_grant_within_the_disputed_amount(three_days, am_user):
    with pytest.raises(DomainError) as refused:
        dispute_days_resolve(
            actor=am_user,
            case=three_days,
            decisions=[DayDecision(operating_day=MAY_7, outcome="granted")],
            outcome_explanation="x",
        )
    assert refused.value.code == "day_outcomes_required"
    with pytest.raises(DomainError, match="between"):
        _decide(three_days, am_user, ("granted", Decimal("101")), ("denied", None), ("denied", None))
    assert Case.objects.get(pk=three_days.pk).status == CaseStatus.NEW
    assert not DisputeDay.objects.exclude(outcome="").exists()


def test_whole_dispute_resolution_carries_to_a_one_day_dispute(dispute, am_user):
    dispute_resolve(
        actor=am_user, case=dispute, outcome="granted", outcome_explanation="ok", granted_amount=Decimal("10")
    )
    [only] = dispute.dispute.days.all()
    assert (only.outcome, only.granted_amount) == (DayOutcome.GRANTED, Decimal("10.00"))


# --- portal ----------------------------------------------------------------------------------------------------


@pytest.fixture
def portal(client, mp_user):
    client.force_login(mp_user)
    return client


def _post(**overrides):
    today = timezone.localdate()
    data = {
        "operating_day": (today - datetime.timedelta(days=3)).isoformat(),
        "statement_type": "dam",
        "statement_date": today.isoformat(),
        "charge_type": "Day-Ahead Energy Purchase",
        "disputed_amount": "100.00",
        "more_days": "",
        "statement_reference": "DAM-STMT-0042",
        "category": "",
        "subject": "",
        "description": "Three days of DAM purchases are doubled.",
    }
    data.update(overrides)
    return data


def test_portal_files_a_three_day_dispute(portal, mp_user, django_capture_on_commit_callbacks, mailoutbox):
    today = timezone.localdate()
    lines = "\n".join(f"{today - datetime.timedelta(days=n):%Y-%m-%d}, {n}00.50" for n in (4, 5))
    with django_capture_on_commit_callbacks(execute=True):
        response = portal.post(reverse("portal:case-new-dispute"), _post(more_days=lines))
    assert response.status_code == 302
    detail = DisputeDetail.objects.get()
    first = today - datetime.timedelta(days=5)
    assert detail.case.subject.startswith(
        f"Dispute – Day-Ahead Energy Purchase – 3 Operating Days from {first:%m/%d/%Y}"
    )
    [receipt] = [m for m in mailoutbox if m.to == [mp_user.email]]
    assert f"Operating Days: {first:%b} {first.day} ($500.50)" in receipt.body
    assert detail.days.count() == 3
    assert detail.disputed_amount == Decimal("1001.00")
    assert detail.operating_day == today - datetime.timedelta(days=5)
    html = portal.get(detail.case.get_portal_url()).content.decode()
    assert 'id="dispute-days"' in html and "table-stack" in html


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("2026-02-30, 10", "is not a date"),
        ("2026-01-02", "write the Operating Day and its amount"),
        ("2026-01-02, -5", "greater than zero"),
        ("2999-01-02, 5", "is in the future"),
    ],
)
def test_portal_day_lines_are_checked_line_by_line(portal, lines, message):
    response = portal.post(reverse("portal:case-new-dispute"), _post(more_days=lines))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Case.objects.exists()


def test_portal_lists_each_late_day_with_its_deadline_and_files_nothing(portal):
    today = timezone.localdate()
    first, second = today - datetime.timedelta(days=40), today - datetime.timedelta(days=39)
    response = portal.post(
        reverse("portal:case-new-dispute"),
        _post(
            statement_date=(today - datetime.timedelta(days=30)).isoformat(),
            operating_day=first.isoformat(),
            more_days=f"{second:%Y-%m-%d}, 5",
            description="Typed text stays.",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert f"Operating Day {first:%b %d, %Y}: the filing deadline was" in html
    assert f"Operating Day {second:%b %d, %Y}: the filing deadline was" in html
    assert "Typed text stays.</textarea>" in html
    assert not Case.objects.exists()


def test_portal_form_is_prefilled_from_the_deadline_radar_link(portal):
    response = portal.get(
        reverse("portal:case-new-dispute"),
        {
            "statement_type": "initial",
            "charge_type": "RT Energy Imbalance",
            "operating_day": ["2026-05-09", "2026-05-07", "nonsense", "2026-05-08"],
        },
    )
    html = response.content.decode()
    assert 'value="2026-05-07"' in html
    assert "2026-05-08, \n2026-05-09, </textarea>" in html
    assert 'value="RT Energy Imbalance"' in html
    assert '<option value="initial" selected>' in html


# --- staff: decide each day ------------------------------------------------------------------------------------


def test_staff_decide_each_day_on_the_resolve_page(client, three_days, am_user):
    client.force_login(am_user)
    url = reverse("workspace:case-resolve-days", args=[three_days.reference])
    assert "Decide each Operating Day" in client.get(three_days.get_absolute_url()).content.decode()
    page = client.get(url)
    assert page.status_code == 200 and "Outcome for May 08, 2026" in page.content.decode()
    data = {
        "outcome_0": "granted",
        "granted_0": "",
        "outcome_1": "denied",
        "outcome_2": "granted",
        "granted_2": "300",
        "outcome_explanation": "Day two was billed correctly.",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    detail = DisputeDetail.objects.get(case=three_days)
    assert detail.outcome == DisputeOutcome.GRANTED_WITH_EXCEPTIONS
    assert detail.granted_amount == Decimal("400.00")


def test_a_low_total_grant_is_confirmed_first(client, three_days, am_user):
    client.force_login(am_user)
    url = reverse("workspace:case-resolve-days", args=[three_days.reference])
    data = {f"outcome_{n}": "granted" for n in range(3)} | {
        **{f"granted_{n}": "1" for n in range(3)},
        "outcome_explanation": "Small corrections.",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "You are granting $3.00 of $600.00" in response.content.decode()
    assert Case.objects.get(pk=three_days.pk).status == CaseStatus.NEW
    assert client.post(url, {**data, "confirmed": "yes"}).status_code == 302


def test_the_resolve_page_refuses_the_wrong_staff_group_and_participants(client, three_days, mp_user):
    url = reverse("workspace:case-resolve-days", args=[three_days.reference])
    client.force_login(StaffFactory(groups=[StaffGroup.SERVICE_DESK]))
    assert client.get(url).status_code == 403
    client.force_login(mp_user)
    assert client.get(url).status_code in (302, 403, 404)


def test_case_pages_with_31_days_run_a_bounded_number_of_queries(
    file_days, am_user, client, mp_user, django_assert_max_num_queries
):
    start = D(2026, 5, 1)
    case = file_days(ct(2026, 9, 29, 9), [day(start + datetime.timedelta(days=n)) for n in range(31)])
    assert case.dispute.days.count() == 31
    client.force_login(mp_user)
    with django_assert_max_num_queries(30):
        assert client.get(case.get_portal_url()).status_code == 200
    client.force_login(am_user)
    with django_assert_max_num_queries(60):
        html = client.get(case.get_absolute_url()).content.decode()
    assert html.count('<th scope="row" class="text-nowrap fw-normal">') == 31
