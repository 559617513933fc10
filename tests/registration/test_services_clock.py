"""The review clock: 10 Business Days from submission, paused while information is requested."""

import datetime

import pytest

from ercot_services.core.calendar import business_calendar
from ercot_services.core.models import Holiday
from registration.models import ApplicationKind, ApplicationStatus
from registration.services import business_days_left

from .conftest import ct

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def draft(kit, participant, ar):
    return kit.build(participant, ar, ApplicationStatus.DRAFT, kind=ApplicationKind.REVISION)


def test_ten_business_days_skip_weekends(kit, draft, ar):
    application = kit.submit(draft, ar, now=ct(2026, 3, 2, 10))  # a Monday

    assert application.clock_started_on == D(2026, 3, 2)
    assert application.due_on == D(2026, 3, 16)
    assert application.paused_on is None and application.paused_business_days == 0


def test_thanksgiving_is_skipped(kit, draft, ar):
    assert set(Holiday.objects.filter(date__in=[D(2026, 11, 26), D(2026, 11, 27)]).values_list("name", flat=True)) == {
        "Thanksgiving Day",
        "Day after Thanksgiving",
    }

    application = kit.submit(draft, ar, now=ct(2026, 11, 20, 16))  # Friday before Thanksgiving

    assert application.due_on == D(2026, 12, 8)


def test_christmas_and_new_year_are_skipped(kit, draft, ar):
    application = kit.submit(draft, ar, now=ct(2026, 12, 18, 9))

    # Dec 21-23, 28-31, Jan 4-6: Dec 24, 25 and Jan 1 are holidays.
    assert application.due_on == D(2027, 1, 6)
    assert application.due_on == business_calendar().add_business_days(D(2026, 12, 18), 10)


def test_an_administrator_added_holiday_moves_the_due_date(kit, draft, ar):
    Holiday.objects.create(date=D(2026, 3, 10), name="Operator closure")

    application = kit.submit(draft, ar, now=ct(2026, 3, 2, 10))

    assert application.due_on == D(2026, 3, 17)


def test_the_submission_day_is_the_operators_local_day(kit, draft, ar):
    # 23:30 in Austin on Friday is already Saturday in UTC.
    application = kit.submit(draft, ar, now=ct(2026, 3, 6, 23, 30))

    assert application.clock_started_on == D(2026, 3, 6)
    assert application.due_on == D(2026, 3, 20)


def test_a_weekend_submission_counts_from_the_next_business_day(kit, draft, ar):
    application = kit.submit(draft, ar, now=ct(2026, 3, 7, 11))  # Saturday

    assert application.due_on == D(2026, 3, 20)  # as if submitted on the Friday before (day 1 is Monday)


def test_an_information_request_pauses_and_the_resubmission_extends_by_the_pause(kit, draft, ar):
    calendar = business_calendar()
    kit.submit(draft, ar, now=ct(2026, 3, 2, 10))
    kit.review(draft)

    paused = kit.request_info(draft, now=ct(2026, 3, 4, 14))
    assert paused.paused_on == D(2026, 3, 4)
    assert paused.due_on == D(2026, 3, 16)  # unchanged while paused
    assert business_days_left(paused, D(2026, 3, 5), calendar) is None

    resumed = kit.submit(draft, ar, now=ct(2026, 3, 11, 9))  # 5 Business Days later

    assert resumed.status == ApplicationStatus.RESUBMITTED
    assert resumed.paused_on is None
    assert resumed.paused_business_days == 5
    assert resumed.due_on == calendar.add_business_days(D(2026, 3, 16), 5) == D(2026, 3, 23)
    assert resumed.clock_started_on == D(2026, 3, 2)
    assert business_days_left(resumed, D(2026, 3, 20), calendar) == 1


def test_a_pause_over_a_holiday_counts_business_days_only(kit, draft, ar):
    calendar = business_calendar()
    submitted = kit.submit(draft, ar, now=ct(2026, 11, 16, 9))
    first_due = submitted.due_on
    kit.review(draft)
    kit.request_info(draft, now=ct(2026, 11, 25, 10))  # Wednesday before Thanksgiving

    resumed = kit.submit(draft, ar, now=ct(2026, 11, 30, 10))  # the Monday after: one Business Day

    assert resumed.paused_business_days == 1
    assert resumed.due_on == calendar.add_business_days(first_due, 1)


def test_pauses_add_up(kit, draft, ar):
    calendar = business_calendar()
    kit.submit(draft, ar, now=ct(2026, 3, 2, 10))
    for asked, answered in [((2026, 3, 3, 9), (2026, 3, 5, 9)), ((2026, 3, 9, 9), (2026, 3, 12, 9))]:
        kit.review(draft)
        kit.request_info(draft, now=ct(*asked))
        resumed = kit.submit(draft, ar, now=ct(*answered))

    assert resumed.paused_business_days == 2 + 3
    assert resumed.due_on == calendar.add_business_days(D(2026, 3, 2), 10 + 5) == D(2026, 3, 23)


def test_answering_the_same_day_does_not_move_the_due_date(kit, draft, ar):
    kit.submit(draft, ar, now=ct(2026, 3, 2, 10))
    kit.review(draft)
    kit.request_info(draft, now=ct(2026, 3, 4, 9))

    resumed = kit.submit(draft, ar, now=ct(2026, 3, 4, 15))

    assert (resumed.paused_business_days, resumed.due_on) == (0, D(2026, 3, 16))


def test_business_days_left(kit, draft, ar):
    calendar = business_calendar()
    application = kit.submit(draft, ar, now=ct(2026, 3, 2, 10))

    assert business_days_left(application, D(2026, 3, 2), calendar) == 10
    assert business_days_left(application, D(2026, 3, 13), calendar) == 1
    assert business_days_left(application, D(2026, 3, 16), calendar) == 0
    assert business_days_left(application, D(2026, 3, 18), calendar) == -2
