"""SLA math on the business-hours calendar (08:00-17:00 America/Chicago): weekends, holidays, pauses, thresholds."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.conf import settings

from cases.models import Case, CaseSettings, SlaState, SlaTarget
from cases.services import (
    case_acknowledge,
    case_reopen,
    case_resolve,
    case_start_work,
    case_update,
    case_wait_on_participant,
    sla,
)
from ercot_services.core.calendar import BusinessCalendar, add_business_seconds, business_seconds_between
from ercot_services.core.models import AuditEvent

from .conftest import CT, ct

HOUR = 3600
THANKSGIVING = {datetime.date(2026, 11, 26), datetime.date(2026, 11, 27)}


def test_business_hours_setting():
    assert settings.BUSINESS_HOURS == (8, 17)
    assert settings.TIME_ZONE == "America/Chicago"


# --- pure calendar math ------------------------------------------------------------------------------------


@pytest.fixture
def plain():
    return BusinessCalendar(holidays=set())


@pytest.fixture
def thanksgiving():
    return BusinessCalendar(holidays=THANKSGIVING)


@pytest.mark.parametrize(
    "start, seconds, expected",
    [
        (ct(2026, 4, 13, 9), 0, ct(2026, 4, 13, 9)),
        (ct(2026, 4, 13, 9), HOUR, ct(2026, 4, 13, 10)),
        (ct(2026, 4, 13, 6, 30), HOUR, ct(2026, 4, 13, 9)),  # before opening: counts from 08:00
        (ct(2026, 4, 13, 18), HOUR, ct(2026, 4, 14, 9)),  # after closing: next morning
        (ct(2026, 4, 13, 17), 1, ct(2026, 4, 14, 8, 0, 1)),
        (ct(2026, 4, 11, 10), HOUR, ct(2026, 4, 13, 9)),  # Saturday
        (ct(2026, 4, 12, 23, 59), HOUR, ct(2026, 4, 13, 9)),  # Sunday night
        (ct(2026, 4, 11, 10), 0, ct(2026, 4, 13, 8)),  # zero from a weekend lands on the next opening
        (ct(2026, 4, 10, 16), HOUR, ct(2026, 4, 10, 17)),  # exactly the rest of Friday
        (ct(2026, 4, 10, 16), 2 * HOUR, ct(2026, 4, 13, 9)),  # Friday 16:00 + 2 h
        (ct(2026, 4, 13, 8), 45 * HOUR, ct(2026, 4, 17, 17)),  # a whole business week
        (ct(2026, 4, 13, 8), 45 * HOUR + 1, ct(2026, 4, 20, 8, 0, 1)),
        (ct(2026, 3, 6, 16), 2 * HOUR, ct(2026, 3, 9, 9)),  # over the spring DST change
        (ct(2026, 10, 30, 16), 2 * HOUR, ct(2026, 11, 2, 9)),  # over the autumn DST change
    ],
)
def test_add_business_seconds(plain, start, seconds, expected):
    assert add_business_seconds(plain, start, seconds) == expected
    assert add_business_seconds(plain, start, seconds).tzinfo is not None


def test_add_business_seconds_accepts_utc(plain):
    utc_start = datetime.datetime(2026, 4, 13, 13, 0, tzinfo=datetime.UTC)  # 08:00 CDT
    assert add_business_seconds(plain, utc_start, HOUR) == ct(2026, 4, 13, 9)


def test_add_business_seconds_skips_holidays(plain, thanksgiving):
    wednesday = ct(2026, 11, 25, 16)
    assert add_business_seconds(plain, wednesday, 2 * HOUR) == ct(2026, 11, 26, 9)
    assert add_business_seconds(thanksgiving, wednesday, 2 * HOUR) == ct(2026, 11, 30, 9)


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (ct(2026, 4, 13, 9), ct(2026, 4, 13, 9), 0),
        (ct(2026, 4, 13, 10), ct(2026, 4, 13, 9), 0),  # end before start
        (ct(2026, 4, 13, 6, 30), ct(2026, 4, 13, 9), HOUR),  # before opening
        (ct(2026, 4, 13, 6), ct(2026, 4, 13, 7), 0),
        (ct(2026, 4, 13, 16), ct(2026, 4, 13, 20), HOUR),  # past closing
        (ct(2026, 4, 13, 18), ct(2026, 4, 14, 9), HOUR),  # evening to next morning
        (ct(2026, 4, 11, 10), ct(2026, 4, 12, 20), 0),  # the whole weekend
        (ct(2026, 4, 10, 16), ct(2026, 4, 13, 9), 2 * HOUR),  # Friday to Monday
        (ct(2026, 4, 13, 0), ct(2026, 4, 18, 0), 45 * HOUR),
        (ct(2026, 3, 6, 16), ct(2026, 3, 9, 9), 2 * HOUR),  # over DST
    ],
)
def test_business_seconds_between(plain, start, end, expected):
    assert business_seconds_between(plain, start, end) == expected


def test_business_seconds_between_skips_holidays(plain, thanksgiving):
    assert business_seconds_between(plain, ct(2026, 11, 25, 16), ct(2026, 11, 30, 9)) == (1 + 9 + 9 + 1) * HOUR
    assert business_seconds_between(thanksgiving, ct(2026, 11, 25, 16), ct(2026, 11, 30, 9)) == 2 * HOUR


@pytest.mark.parametrize(
    "start",
    [
        ct(2026, 4, 13, 7),
        ct(2026, 4, 13, 12, 34, 56),
        ct(2026, 4, 17, 16, 59),
        ct(2026, 4, 18, 12),
        ct(2026, 11, 24, 17, 30),
    ],
)
@pytest.mark.parametrize("seconds", [1, 59 * 60, 9 * HOUR, 40 * HOUR + 17])
def test_between_is_the_inverse_of_add(thanksgiving, start, seconds):
    due = add_business_seconds(thanksgiving, start, seconds)
    assert business_seconds_between(thanksgiving, start, due) == seconds


# --- due moments of submitted cases ------------------------------------------------------------------------


@pytest.fixture
def urgent(submit):
    """``urgent(now)``: an urgent Registration inquiry (2 business hours to respond, 9 to resolve)."""

    def _open(now, **kwargs):
        return submit(priority="urgent", now=now, **kwargs)

    return _open


@pytest.mark.django_db
def test_friday_afternoon_case_is_due_monday_morning(urgent):
    case = urgent(ct(2026, 4, 10, 16))
    assert case.created_at == ct(2026, 4, 10, 16)
    assert case.first_response_due_at == ct(2026, 4, 13, 9)
    assert case.resolution_due_at == ct(2026, 4, 13, 16)  # 1 h Friday + 8 h Monday


@pytest.mark.django_db
def test_a_seeded_two_hour_target_is_used(submit, categories):
    # Credit/Financial is seeded at half the default targets: High = 2 h / 13.5 h.
    case = submit(category=categories["credit-financial"], now=ct(2026, 4, 10, 16))
    assert case.priority == "high"
    assert case.first_response_due_at == ct(2026, 4, 13, 9)
    assert case.resolution_due_at == ct(2026, 4, 14, 11, 30)


@pytest.mark.django_db
def test_thanksgiving_holidays_are_skipped(urgent):
    case = urgent(ct(2026, 11, 25, 16))
    assert case.first_response_due_at == ct(2026, 11, 30, 9)
    assert case.resolution_due_at == ct(2026, 11, 30, 16)


@pytest.mark.django_db
def test_an_edited_target_is_used(submit, registration):
    SlaTarget.objects.filter(category=registration, priority="normal").update(
        first_response_hours=Decimal("2"), resolution_hours=Decimal("3.5")
    )
    case = submit(now=ct(2026, 4, 10, 16))
    assert case.first_response_due_at == ct(2026, 4, 13, 9)
    assert case.resolution_due_at == ct(2026, 4, 13, 10, 30)


@pytest.mark.django_db
def test_a_category_without_targets_uses_the_defaults(submit, registration):
    SlaTarget.objects.filter(category=registration).delete()
    case = submit(priority="urgent", now=ct(2026, 4, 10, 16))
    assert case.first_response_due_at == ct(2026, 4, 13, 9)


@pytest.mark.django_db
def test_changing_priority_or_category_reschedules(urgent, categories, am_user):
    case = urgent(ct(2026, 4, 10, 16))
    case_update(actor=am_user, case=case, priority="low", reason="Not urgent after all")
    case.refresh_from_db()
    # Low: 18 h / 90 h.
    assert case.first_response_due_at == ct(2026, 4, 14, 16)  # 1 h Fri + 9 h Mon + 8 h Tue
    assert case.resolution_due_at == add_business_seconds(BusinessCalendar(), ct(2026, 4, 10, 16), 90 * HOUR)
    [event] = AuditEvent.objects.for_object(case).filter(verb="case.updated")
    assert event.changes == {"priority": ["urgent", "low"]}
    assert event.reason == "Not urgent after all"

    case_update(actor=am_user, case=case, category=categories["credit-financial"], priority="normal")
    case.refresh_from_db()
    # Credit/Financial Normal: 4.5 h / 22.5 h.
    assert case.first_response_due_at == ct(2026, 4, 13, 11, 30)
    assert case.resolution_due_at == ct(2026, 4, 15, 11, 30)
    event = AuditEvent.objects.for_object(case).filter(verb="case.updated").order_by("-id").first()
    assert event.changes["category"] == ["Registration", "Credit/Financial"]


# --- pause while Waiting on Participant -------------------------------------------------------------------


@pytest.fixture
def monday_case(submit):
    """Opened Monday Apr 13, 2026 09:00; Registration / Normal: 9 h first response, 45 h resolution."""
    case = submit(now=ct(2026, 4, 13, 9))
    assert case.first_response_due_at == ct(2026, 4, 14, 9)
    assert case.resolution_due_at == ct(2026, 4, 20, 9)
    return case


@pytest.mark.django_db
def test_waiting_on_participant_stops_the_clock(monday_case, am_user):
    calendar = BusinessCalendar()
    case = case_wait_on_participant(actor=am_user, case=monday_case, now=ct(2026, 4, 13, 10))
    assert case.paused_at == ct(2026, 4, 13, 10)
    # Long after both due moments, a paused case is still on track: only 1 h of 9 h ran.
    for later in (ct(2026, 4, 14, 9, 0, 1), ct(2026, 4, 21, 12), ct(2026, 6, 1, 12)):
        assert sla.evaluate(case, calendar, now=later, at_risk_percent=75) == SlaState.ON_TRACK
        assert sla.elapsed_seconds(case, calendar, later) == HOUR

    # Resumed Tuesday 12:00: paused Mon 10-17 (7 h) + Tue 8-12 (4 h) = 11 business hours.
    case = case_start_work(actor=am_user, case=case, now=ct(2026, 4, 14, 12))
    case.refresh_from_db()
    assert case.paused_at is None
    assert case.paused_business_seconds == 11 * HOUR
    assert case.first_response_due_at == ct(2026, 4, 15, 11)
    assert case.resolution_due_at == ct(2026, 4, 21, 11)

    # The clock runs again: 8 of 9 hours used on Wednesday 10:00, and breached just after 11:00.
    assert sla.evaluate(case, calendar, now=ct(2026, 4, 15, 10), at_risk_percent=75) == SlaState.AT_RISK
    assert sla.evaluate(case, calendar, now=ct(2026, 4, 15, 11, 0, 1), at_risk_percent=75) == SlaState.BREACHED


@pytest.mark.django_db
def test_pauses_add_up_and_skip_the_weekend(monday_case, am_user):
    case = case_wait_on_participant(actor=am_user, case=monday_case, now=ct(2026, 4, 13, 16))
    case = case_start_work(actor=am_user, case=case, now=ct(2026, 4, 13, 18))
    assert case.paused_business_seconds == HOUR
    case = case_wait_on_participant(actor=am_user, case=case, now=ct(2026, 4, 17, 16))
    case = case_start_work(actor=am_user, case=case, now=ct(2026, 4, 20, 9))
    case.refresh_from_db()
    assert case.paused_business_seconds == 3 * HOUR  # + Fri 16-17 and Mon 8-9
    assert case.resolution_due_at == ct(2026, 4, 20, 12)


@pytest.mark.django_db
def test_resolving_while_waiting_closes_the_pause(monday_case, am_user):
    case = case_wait_on_participant(actor=am_user, case=monday_case, now=ct(2026, 4, 13, 10))
    case = case_resolve(actor=am_user, case=case, resolution_summary="Done", now=ct(2026, 4, 13, 12))
    case.refresh_from_db()
    assert case.paused_at is None
    assert case.paused_business_seconds == 2 * HOUR
    assert case.sla_state == SlaState.ON_TRACK


@pytest.mark.django_db
def test_reopening_does_not_count_the_time_it_was_resolved(monday_case, am_user, mp_user):
    calendar = BusinessCalendar()
    case = case_resolve(actor=am_user, case=monday_case, resolution_summary="Done", now=ct(2026, 4, 13, 12))
    case = case_reopen(actor=mp_user, case=case, reason="Not done", now=ct(2026, 4, 15, 12))
    case.refresh_from_db()
    # Resolved Mon 12:00 to Wed 12:00 = 5 + 9 + 4 = 18 business hours, not counted.
    assert case.paused_business_seconds == 18 * HOUR
    assert sla.elapsed_seconds(case, calendar, ct(2026, 4, 15, 13)) == 4 * HOUR
    assert case.resolution_due_at == ct(2026, 4, 22, 9)


# --- on track, at risk, breached -------------------------------------------------------------------------


@pytest.fixture
def early_case(submit):
    """Opened Monday Apr 13, 2026 08:00; 9 h to respond: due 17:00 the same day."""
    case = submit(now=ct(2026, 4, 13, 8))
    assert case.first_response_due_at == ct(2026, 4, 13, 17)
    return case


@pytest.mark.django_db
@pytest.mark.parametrize(
    "now, state",
    [
        (ct(2026, 4, 13, 8), SlaState.ON_TRACK),
        (ct(2026, 4, 13, 14, 44, 59), SlaState.ON_TRACK),
        (ct(2026, 4, 13, 14, 45), SlaState.AT_RISK),  # 75 % of 9 h = 6 h 45 min
        (ct(2026, 4, 13, 16, 59, 59), SlaState.AT_RISK),
        (ct(2026, 4, 13, 22), SlaState.BREACHED),  # the full 9 h are used
        (ct(2026, 4, 14, 8, 0, 1), SlaState.BREACHED),
        (ct(2026, 5, 1, 12), SlaState.BREACHED),
    ],
)
def test_first_response_thresholds(early_case, now, state):
    calendar = BusinessCalendar()
    assert sla.evaluate(early_case, calendar, now=now) == state  # threshold read from CaseSettings
    assert sla.evaluate(early_case, calendar, now=now, at_risk_percent=75) == state


@pytest.mark.django_db
def test_the_threshold_is_administrator_editable(early_case):
    calendar = BusinessCalendar()
    row = CaseSettings.load()
    row.at_risk_percent = 50
    row.save()
    assert sla.evaluate(early_case, calendar, now=ct(2026, 4, 13, 12, 29, 59)) == SlaState.ON_TRACK
    assert sla.evaluate(early_case, calendar, now=ct(2026, 4, 13, 12, 30)) == SlaState.AT_RISK


@pytest.mark.django_db
def test_after_the_first_response_the_resolution_target_governs(early_case):
    calendar = BusinessCalendar()
    Case.objects.filter(pk=early_case.pk).update(first_response_at=ct(2026, 4, 13, 9))
    early_case.refresh_from_db()
    assert sla.evaluate(early_case, calendar, now=ct(2026, 4, 13, 22), at_risk_percent=75) == SlaState.ON_TRACK
    # 75 % of 45 h = 33 h 45 min: Mon 9 + Tue 9 + Wed 9 + Thu 6 h 45 min.
    assert sla.evaluate(early_case, calendar, now=ct(2026, 4, 16, 14, 44, 59), at_risk_percent=75) == SlaState.ON_TRACK
    assert sla.evaluate(early_case, calendar, now=ct(2026, 4, 16, 14, 45), at_risk_percent=75) == SlaState.AT_RISK
    assert sla.evaluate(early_case, calendar, now=ct(2026, 4, 20, 8, 0, 1), at_risk_percent=75) == SlaState.BREACHED


@pytest.mark.django_db
def test_a_late_first_response_stays_breached(early_case):
    calendar = BusinessCalendar()
    Case.objects.filter(pk=early_case.pk).update(first_response_at=ct(2026, 4, 14, 8, 30))
    early_case.refresh_from_db()
    assert sla.evaluate(early_case, calendar, now=ct(2026, 4, 14, 9), at_risk_percent=75) == SlaState.BREACHED


@pytest.mark.django_db
def test_a_resolved_case_is_judged_at_its_resolution(early_case, am_user):
    case = case_resolve(actor=am_user, case=early_case, resolution_summary="Done", now=ct(2026, 4, 13, 15))
    calendar = BusinessCalendar()
    assert case.sla_state == SlaState.ON_TRACK  # 7 of 9 h used, but nothing is at risk once resolved
    assert sla.evaluate(case, calendar, now=ct(2026, 6, 1, 12), at_risk_percent=75) == SlaState.ON_TRACK


@pytest.mark.django_db
def test_the_transition_stores_the_sla_state(early_case, am_user):
    case = case_acknowledge(actor=am_user, case=early_case, now=ct(2026, 4, 13, 15))
    case.refresh_from_db()
    assert case.sla_state == SlaState.AT_RISK
    case = case_start_work(actor=am_user, case=case, now=ct(2026, 4, 14, 9))
    case.refresh_from_db()
    assert case.sla_state == SlaState.BREACHED


def test_ct_helper_is_chicago():
    assert ct(2026, 7, 1, 12).utcoffset() == datetime.timedelta(hours=-5)
    assert ct(2026, 1, 5, 12).tzinfo is CT
