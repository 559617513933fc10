"""The operator's Business-Day calendar."""

import datetime

import pytest

from ercot_services.core.calendar import BusinessCalendar, business_calendar, operator_holidays
from ercot_services.core.models import Holiday

D = datetime.date

# A week in July 2026 around a holiday on Friday July 3 (Independence Day observed):
#   Mon 29 Jun, Tue 30 Jun, Wed 1 Jul, Thu 2 Jul, Fri 3 Jul (holiday), Sat 4, Sun 5, Mon 6 Jul, Tue 7 Jul
HOLIDAY = D(2026, 7, 3)


@pytest.fixture
def calendar():
    return BusinessCalendar(holidays={HOLIDAY})


@pytest.fixture
def plain():
    """No holidays at all: only weekends are skipped."""
    return BusinessCalendar(holidays=set())


def test_weekdays_are_business_days_and_weekends_are_not(plain):
    monday = D(2026, 6, 29)
    days = [monday + datetime.timedelta(days=i) for i in range(7)]
    assert [plain.is_business_day(d) for d in days] == [True, True, True, True, True, False, False]


def test_a_holiday_is_not_a_business_day(calendar, plain):
    assert plain.is_business_day(HOLIDAY) is True
    assert calendar.is_business_day(HOLIDAY) is False


def test_add_business_days_skips_weekends(plain):
    thursday = D(2026, 6, 25)
    assert plain.add_business_days(thursday, 1) == D(2026, 6, 26)  # Friday
    assert plain.add_business_days(thursday, 2) == D(2026, 6, 29)  # over the weekend to Monday
    assert plain.add_business_days(thursday, 10) == D(2026, 7, 9)


def test_add_business_days_skips_holidays(calendar):
    thursday = D(2026, 7, 2)
    # Friday the 3rd is a holiday, then the weekend: the next Business Day is Monday the 6th.
    assert calendar.add_business_days(thursday, 1) == D(2026, 7, 6)
    assert calendar.add_business_days(thursday, 2) == D(2026, 7, 7)


def test_add_zero_business_days_is_the_same_day(calendar):
    assert calendar.add_business_days(D(2026, 7, 4), 0) == D(2026, 7, 4)


def test_add_negative_business_days_goes_back(calendar):
    monday = D(2026, 7, 6)
    # Back over the weekend and the Friday holiday to Thursday.
    assert calendar.add_business_days(monday, -1) == D(2026, 7, 2)
    assert calendar.add_business_days(monday, -2) == D(2026, 7, 1)
    assert calendar.add_business_days(monday, -5) == D(2026, 6, 26)  # the Friday before


def test_add_then_subtract_returns_to_a_business_day(calendar):
    start = D(2026, 6, 30)
    for n in range(0, 15):
        assert calendar.add_business_days(calendar.add_business_days(start, n), -n) == start


def test_business_days_between(calendar, plain):
    thursday, tuesday = D(2026, 7, 2), D(2026, 7, 7)
    # After Thursday up to and including Tuesday: Fri (holiday), Mon, Tue.
    assert calendar.business_days_between(thursday, tuesday) == 2
    assert plain.business_days_between(thursday, tuesday) == 3
    assert calendar.business_days_between(tuesday, thursday) == -2
    assert calendar.business_days_between(thursday, thursday) == 0


def test_business_days_between_is_the_inverse_of_add(calendar):
    start = D(2026, 6, 29)
    for n in range(-12, 13):
        assert calendar.business_days_between(start, calendar.add_business_days(start, n)) == n


def test_next_business_day(calendar):
    assert calendar.next_business_day(D(2026, 7, 2)) == D(2026, 7, 2)  # already one
    assert calendar.next_business_day(HOLIDAY) == D(2026, 7, 6)
    assert calendar.next_business_day(D(2026, 7, 4)) == D(2026, 7, 6)  # Saturday
    assert calendar.next_business_day(D(2026, 7, 5)) == D(2026, 7, 6)  # Sunday


# --- The operator's holiday rules --------------------------------------------


def test_operator_holidays_2026():
    holidays = dict(operator_holidays(2026))
    assert holidays[D(2026, 11, 26)] == "Thanksgiving Day"
    assert holidays[D(2026, 11, 27)] == "Day after Thanksgiving"
    # July 4th 2026 is a Saturday: observed on Friday the 3rd.
    assert D(2026, 7, 4).weekday() == 5
    assert holidays[D(2026, 7, 3)] == "Independence Day"
    assert D(2026, 7, 4) not in holidays
    assert holidays[D(2026, 1, 1)] == "New Year's Day"
    assert holidays[D(2026, 5, 25)] == "Memorial Day"
    assert holidays[D(2026, 9, 7)] == "Labor Day"
    assert holidays[D(2026, 12, 24)] == "Christmas Eve"
    assert holidays[D(2026, 12, 25)] == "Christmas Day"
    assert len(holidays) == 8


def test_a_sunday_holiday_is_observed_on_monday():
    # Christmas 2022 was a Sunday; Christmas Eve a Saturday.
    holidays = dict(operator_holidays(2022))
    assert holidays[D(2022, 12, 26)] == "Christmas Day"
    assert holidays[D(2022, 12, 23)] == "Christmas Eve"


@pytest.mark.parametrize("year", range(2020, 2036))
def test_operator_holidays_are_weekdays_in_their_year(year):
    days = [day for day, _ in operator_holidays(year)]
    assert len(days) == len(set(days))
    assert all(day.year == year and day.weekday() < 5 for day in days)


# --- Loaded from the database --------------------------------------------------


@pytest.mark.django_db
def test_migration_seeded_the_holidays():
    assert Holiday.objects.filter(date=D(2026, 12, 25)).exists()
    assert Holiday.objects.filter(date=D(2026, 11, 26), name="Thanksgiving Day").exists()
    for year in (2020, 2035):
        assert set(Holiday.objects.filter(date__year=year).values_list("date", flat=True)) == {
            day for day, _ in operator_holidays(year)
        }


@pytest.mark.django_db
def test_business_calendar_loads_holidays_from_the_database(django_assert_num_queries):
    with django_assert_num_queries(1):
        calendar = business_calendar()
    assert calendar.is_business_day(D(2026, 12, 25)) is False  # a Friday, but Christmas
    assert calendar.is_business_day(D(2026, 12, 28)) is True
    assert calendar.add_business_days(D(2026, 12, 23), 1) == D(2026, 12, 28)


@pytest.mark.django_db
def test_an_administrator_added_holiday_takes_effect():
    day = D(2026, 8, 14)  # an ordinary Friday
    assert business_calendar().is_business_day(day) is True
    Holiday.objects.create(date=day, name="Operator closure")
    assert business_calendar().is_business_day(day) is False


def test_the_calendar_reads_the_holidays_once_and_again_after_an_edit(django_assert_num_queries):
    new_day = D(2031, 3, 4)
    business_calendar()  # fills the cache
    with django_assert_num_queries(0):
        assert business_calendar().is_business_day(new_day) is True
    holiday = Holiday.objects.create(date=new_day, name="Special closure")
    with django_assert_num_queries(1):
        assert business_calendar().is_business_day(new_day) is False
    holiday.name = "Special closure (moved)"
    holiday.date = D(2031, 3, 5)
    holiday.save()
    assert business_calendar().is_business_day(new_day) is True
    assert business_calendar().is_business_day(D(2031, 3, 5)) is False
    holiday.delete()
    assert business_calendar().is_business_day(D(2031, 3, 5)) is True
