"""The deadline radar: the settlement calendar, the open dispute windows (the same deadlines as the dispute form),
the portal page and home card, the 360° section, the prefilled "file the same dispute" link."""

from __future__ import annotations

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.roles import StaffGroup
from cases.models import SettlementStatement, StatementType
from cases.selectors.radar import open_windows, participant_radar
from cases.services import dispute_deadline
from cases.services.settlement_calendar import (
    StatementRow,
    settlement_calendar_generate,
    settlement_calendar_load,
    settlement_calendar_parse,
)
from cases.views.portal.filing import deadline_preview
from ercot_services.core.calendar import business_calendar
from ercot_services.core.models import DomainError, Holiday
from tests.accounts.factories import ParticipantFactory, StaffFactory
from tests.cases.factories import CaseFactory, DisputeDetailFactory

D = datetime.date
TODAY = D(2026, 10, 14)  # the Wednesday of the ``business_day_morning`` fixture


@pytest.fixture
def today(business_day_morning):
    return TODAY


def statement(statement_type, *, statement_date, operating_day=None):
    return SettlementStatement.objects.create(
        operating_day=operating_day or statement_date - datetime.timedelta(days=2),
        statement_type=statement_type,
        statement_date=statement_date,
    )


def load_calendar(days: int = 200, *, last_day: D = TODAY - datetime.timedelta(days=1)) -> None:
    rows = settlement_calendar_generate(first_day=last_day - datetime.timedelta(days=days - 1), last_day=last_day)
    settlement_calendar_load(actor=None, rows=rows)


def disputed(participant, *, operating_day, charge_type="Real-Time Energy Imbalance", statement_type="dam"):
    return DisputeDetailFactory(
        case=CaseFactory(participant=participant, kind="dispute"),
        operating_day=operating_day,
        statement_type=statement_type,
        charge_type=charge_type,
    )


# --- the calendar -------------------------------------------------------------------------------------------


def test_generated_statements_follow_the_business_day_rules(db):
    rows = {
        r.statement_type: r.statement_date
        for r in settlement_calendar_generate(first_day=D(2026, 10, 1), last_day=D(2026, 10, 1))
    }
    assert rows == {
        "dam": D(2026, 10, 5),  # Thursday + 2 Business Days
        "invoice": D(2026, 10, 5),
        "initial": D(2026, 10, 14),  # + 9 Business Days
        "final": D(2026, 11, 24),  # + 54 calendar days
        "true_up": D(2027, 3, 30),  # + 180 calendar days
    }


def test_a_holiday_moves_a_generated_statement(db):
    Holiday.objects.create(date=D(2026, 10, 2), name="Storm day")
    rows = settlement_calendar_generate(first_day=D(2026, 10, 1), last_day=D(2026, 10, 1))
    assert {r.statement_type: r.statement_date for r in rows}["dam"] == D(2026, 10, 6)


def test_the_sample_file_loads_and_loading_again_changes_nothing(db):
    call_command("load_settlement_calendar", "cases/data/settlement_calendar_sample.csv")
    assert SettlementStatement.objects.count() == 10
    first = SettlementStatement.objects.get(operating_day=D(2026, 10, 1), statement_type="initial")
    assert first.statement_date == D(2026, 10, 14)
    rows = settlement_calendar_parse(open("cases/data/settlement_calendar_sample.csv").read())
    result = settlement_calendar_load(actor=None, rows=rows)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 10)


def test_loading_updates_a_changed_date_and_keeps_one_row_per_day_and_type(db):
    settlement_calendar_load(actor=None, rows=[StatementRow(D(2026, 10, 1), "dam", D(2026, 10, 5))])
    result = settlement_calendar_load(actor=None, rows=[StatementRow(D(2026, 10, 1), "dam", D(2026, 10, 6))])
    assert (result.created, result.updated) == (0, 1)
    assert SettlementStatement.objects.get().statement_date == D(2026, 10, 6)


def test_a_bad_file_names_its_lines_and_loads_nothing(db, tmp_path):
    path = tmp_path / "calendar.csv"
    path.write_text(
        "operating_day,statement_type,statement_date\n2026-10-01,dam,2026-10-05\n2026-13-01,dam,2026-10-05\n"
        "2026-10-02,weekly,2026-10-06\n"
    )
    with pytest.raises(CommandError, match="line 3: operating_day '2026-13-01'.*line 4: unknown statement type"):
        call_command("load_settlement_calendar", str(path))
    assert not SettlementStatement.objects.exists()
    with pytest.raises(DomainError, match="header"):
        settlement_calendar_parse("day,type,date\n")
    with pytest.raises(DomainError, match="before its Operating Day"):
        settlement_calendar_load(actor=None, rows=[StatementRow(D(2026, 10, 5), "dam", D(2026, 10, 1))])


def test_a_staff_member_without_the_permission_cannot_load(db):
    with pytest.raises(DomainError):
        settlement_calendar_load(
            actor=StaffFactory(groups=[StaffGroup.SERVICE_DESK]), rows=[StatementRow(TODAY, "dam", TODAY)]
        )


# --- open windows -------------------------------------------------------------------------------------------


def test_a_window_closing_today_is_open_and_says_so_and_a_closed_one_is_gone(today):
    calendar = business_calendar()
    closing = statement("dam", statement_date=calendar.add_business_days(TODAY, -10))
    statement("dam", statement_date=calendar.add_business_days(TODAY, -11))  # closed yesterday
    statement("dam", statement_date=TODAY + datetime.timedelta(days=1))  # not issued yet
    [window] = open_windows()
    assert window.statement == closing
    assert window.deadline == TODAY
    assert window.closes_today
    assert window.closes_label == "closes today"


def test_the_radar_gives_the_dispute_forms_deadlines_exactly(today):
    """Every statement of 200 Operating Days: open on the radar exactly when the dispute form's rule says so."""
    load_calendar(200)
    calendar = business_calendar()
    windows = {w.statement.pk: w for w in open_windows()}
    assert {w.statement_type for w in windows.values()} == set(StatementType.values)
    for row in SettlementStatement.objects.all():
        due = dispute_deadline(
            statement_type=row.statement_type,
            operating_day=row.operating_day,
            statement_date=row.statement_date,
            calendar=calendar,
        ).deadline
        is_open = row.statement_date <= TODAY <= due
        assert (row.pk in windows) == is_open, row
        if is_open:
            assert windows[row.pk].deadline == due
            preview = deadline_preview(
                operating_day=row.operating_day, statement_type=row.statement_type, statement_date=row.statement_date
            )
            assert preview["deadline"] == due
            assert preview["days_left"] == windows[row.pk].business_days_left
    deadlines = [w.deadline for w in open_windows()]
    assert deadlines == sorted(deadlines)


def test_a_holiday_before_the_deadline_counts_one_business_day_less(today):
    calendar = business_calendar()
    # A DAM window closing Tuesday Oct 20: 4 Business Days from Wednesday Oct 14 (15, 16, 19, 20).
    statement("dam", statement_date=calendar.add_business_days(D(2026, 10, 20), -10))
    assert open_windows()[0].closes_label == "closes in 4 Business Days"
    Holiday.objects.create(date=D(2026, 10, 19), name="Storm day")  # after the statement date, before the deadline
    window = open_windows()[0]
    assert window.deadline == D(2026, 10, 21)  # the window itself is a Business Day longer
    assert window.closes_label == "closes in 4 Business Days"
    Holiday.objects.filter(date=D(2026, 10, 19)).delete()
    # A Real-Time window counts back from the True-Up: a holiday between today and it moves only the count.
    # Operating Day May 20: True-Up Monday Nov 16, the window closes 20 Business Days before it, Monday Oct 19.
    rt = statement("initial", statement_date=D(2026, 6, 2), operating_day=D(2026, 5, 20))
    before = next(w for w in open_windows() if w.statement == rt)
    assert (before.deadline, before.business_days_left) == (D(2026, 10, 19), 3)
    Holiday.objects.create(date=D(2026, 10, 16), name="Storm day")
    after = next(w for w in open_windows() if w.statement == rt)
    assert after.deadline == before.deadline
    assert after.business_days_left == before.business_days_left - 1


def test_the_radar_costs_the_same_queries_whatever_the_calendar_size(today, participant, django_assert_num_queries):
    disputed(participant, operating_day=TODAY - datetime.timedelta(days=5))
    load_calendar(60)
    business_calendar()  # the holidays, cached
    with django_assert_num_queries(3):
        small = participant_radar(participant=participant)
    load_calendar(1200)
    with django_assert_num_queries(3):
        large = participant_radar(participant=participant)
    assert len(large.windows) > len(small.windows)


# --- marks and offers -----------------------------------------------------------------------------------------


def test_windows_of_a_charge_type_disputed_recently_are_marked_and_offered(
    today, participant, other_participant, settings
):
    settings.DISPUTE_RADAR_RECENT_OPERATING_DAYS = 30
    load_calendar(200)
    disputed_day = TODAY - datetime.timedelta(days=9)
    disputed(participant, operating_day=disputed_day, charge_type="Day-Ahead Energy Purchase")
    disputed(participant, operating_day=TODAY - datetime.timedelta(days=31), charge_type="RUC Clawback")  # too old
    disputed(other_participant, operating_day=disputed_day, charge_type="Base Point Deviation")
    radar = participant_radar(participant=participant)

    dam = [w for w in radar.windows if w.statement_type == "dam"]
    assert dam
    for window in dam:
        if window.operating_day == disputed_day:
            assert window.recent_charge_types == ()
            assert window.disputed_charge_types == ("Day-Ahead Energy Purchase",)
        else:
            assert window.recent_charge_types == ("Day-Ahead Energy Purchase",)
    assert not any(w.marked for w in radar.windows if w.statement_type != "dam")
    [offer] = radar.offers
    assert (offer.statement_type, offer.charge_type) == ("dam", "Day-Ahead Energy Purchase")
    assert disputed_day not in offer.operating_days
    assert set(offer.operating_days) == {w.operating_day for w in dam} - {disputed_day}
    assert participant_radar(participant=other_participant).offers[0].charge_type == "Base Point Deviation"


def test_a_portal_user_sees_no_disputes_of_an_mp_that_is_not_theirs(
    today, participant, other_participant, other_mp_user
):
    load_calendar(30)
    disputed(participant, operating_day=TODAY - datetime.timedelta(days=9))
    radar = participant_radar(participant=participant, user=other_mp_user)
    assert not radar.marked and not radar.offers


# --- pages ----------------------------------------------------------------------------------------------------


@pytest.fixture
def portal(client, mp_user):
    client.force_login(mp_user)
    return client


def test_the_portal_page_lists_the_windows_and_offers_the_same_dispute(
    today, portal, participant, django_assert_max_num_queries, no_queries_while_rendering
):
    load_calendar(200)
    calendar = business_calendar()
    statement(
        "dam", statement_date=calendar.add_business_days(TODAY, -10), operating_day=TODAY - datetime.timedelta(days=300)
    )
    disputed(participant, operating_day=TODAY - datetime.timedelta(days=9), charge_type="Day-Ahead Energy Purchase")
    with django_assert_max_num_queries(14):
        response = portal.get(reverse("portal:dispute-deadlines"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Closes today" in html
    assert "closes in 1 business day" in html.lower()
    assert "File the same dispute for these days" in html
    link = re.search(r'href="(/portal/cases/new/dispute/\?[^"]+)"', html).group(1).replace("&amp;", "&")
    query = parse_qs(urlsplit(link).query)
    assert query["statement_type"] == ["dam"]
    assert query["charge_type"] == ["Day-Ahead Energy Purchase"]
    assert len(query["operating_day"]) > 1

    marked = portal.get(reverse("portal:dispute-deadlines") + "?show=marked")
    assert marked.status_code == 200
    page_two = portal.get(reverse("portal:dispute-deadlines") + "?page=2")
    assert page_two.status_code == 200


def test_the_offer_link_prefills_the_dispute_form(today, portal, participant):
    load_calendar(30)
    disputed(participant, operating_day=TODAY - datetime.timedelta(days=9), charge_type="Day-Ahead Energy Purchase")
    [offer] = participant_radar(participant=participant).offers
    link = offer.url
    query = parse_qs(urlsplit(link).query)
    assert link.startswith(reverse("portal:case-new-dispute") + "?")
    form = portal.get(link)
    assert form.status_code == 200
    page = form.content.decode()
    assert f'value="{query["operating_day"][0]}"' in page
    assert 'value="Day-Ahead Energy Purchase"' in page
    assert re.search(r'<option value="dam"\s+selected', page)


def test_a_bad_prefill_is_ignored_not_an_error(today, portal):
    response = portal.get(
        reverse("portal:case-new-dispute") + "?statement_type=weekly&operating_day=not-a-day&operating_day=2026-10-01"
    )
    assert response.status_code == 200
    assert 'value="2026-10-01"' in response.content.decode()


def test_the_portal_page_is_for_portal_users_of_a_registered_mp(today, client, staff_user, participant):
    url = reverse("portal:dispute-deadlines")
    assert client.get(url).status_code == 302  # anonymous: sign in
    client.force_login(staff_user)
    assert client.get(url).status_code == 403
    prospect = ParticipantFactory(prospective=True, contacts=["ar"])
    client.force_login(prospect.memberships.get().user)
    assert client.get(url).status_code == 302  # a prospect's portal is its registration


def test_the_home_card_shows_for_a_registered_mp_only(today, client, portal, participant):
    load_calendar(30)
    html = portal.get(reverse("portal:home")).content.decode()
    assert 'id="dispute-deadlines-card"' in html
    assert "open window" in html
    prospect = ParticipantFactory(prospective=True, contacts=["ar"])
    client.force_login(prospect.memberships.get().user)
    assert 'id="dispute-deadlines-card"' not in client.get(reverse("portal:home")).content.decode()


def test_the_360_section_shows_the_mps_radar_to_staff_only(today, client, participant, mp_user, account_manager):
    load_calendar(200)
    disputed(participant, operating_day=TODAY - datetime.timedelta(days=9), charge_type="Day-Ahead Energy Purchase")
    url = reverse("workspace:participant-section", args=[participant.pk, "deadlines"])
    client.force_login(mp_user)
    assert client.get(url).status_code == 403
    client.force_login(StaffFactory(groups=[StaffGroup.SERVICE_DESK]))
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dispute deadlines" in html
    assert "Day-Ahead Energy Purchase · Day-Ahead Market" in html
    page = client.get(reverse("workspace:participant-detail", args=[participant.pk])).content.decode()
    assert url in page


def test_another_mps_user_sees_none_of_its_disputes_on_their_page(today, client, participant, other_mp_user):
    load_calendar(30)
    disputed(participant, operating_day=TODAY - datetime.timedelta(days=9), charge_type="Day-Ahead Energy Purchase")
    client.force_login(other_mp_user)
    html = client.get(reverse("portal:dispute-deadlines")).content.decode()
    assert participant.legal_name not in html
    assert "Day-Ahead Energy Purchase" not in html
    assert "File the same dispute for these days" not in html
