"""The operator's Business-Day calendar.

A Business Day is a weekday that is not in the administrator-editable
:class:`~ercot_services.core.models.Holiday` table. Deadlines (dispute windows,
review clocks) count Business Days; SLAs count business hours.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import MO, TH, relativedelta

from .models import Holiday

ONE_DAY = datetime.timedelta(days=1)


def _observed(day: datetime.date) -> datetime.date:
    """A holiday on Saturday is observed on Friday, on Sunday on Monday."""
    if day.weekday() == 5:
        return day - ONE_DAY
    if day.weekday() == 6:
        return day + ONE_DAY
    return day


def operator_holidays(year: int) -> list[tuple[datetime.date, str]]:
    """The operator's usual holidays for ``year``, as observed dates."""
    thanksgiving = datetime.date(year, 11, 1) + relativedelta(weekday=TH(4))
    rules = [
        (_observed(datetime.date(year, 1, 1)), "New Year's Day"),
        (datetime.date(year, 5, 31) + relativedelta(weekday=MO(-1)), "Memorial Day"),
        (_observed(datetime.date(year, 7, 4)), "Independence Day"),
        (datetime.date(year, 9, 1) + relativedelta(weekday=MO(1)), "Labor Day"),
        (thanksgiving, "Thanksgiving Day"),
        (thanksgiving + ONE_DAY, "Day after Thanksgiving"),
        (_observed(datetime.date(year, 12, 24)), "Christmas Eve"),
        (_observed(datetime.date(year, 12, 25)), "Christmas Day"),
    ]
    seen: set[datetime.date] = set()
    result = []
    for day, name in rules:
        if day.year == year and day not in seen:
            seen.add(day)
            result.append((day, name))
    return result


class BusinessCalendar:
    """Business-Day arithmetic over the holidays loaded once, for a span of years."""

    def __init__(self, holidays: set[datetime.date] | None = None):
        if holidays is None:
            holidays = set(Holiday.objects.values_list("date", flat=True))
        self.holidays = holidays

    def is_business_day(self, day: datetime.date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def add_business_days(self, start: datetime.date, days: int) -> datetime.date:
        """The Business Day ``days`` Business Days after ``start`` (before it when negative)."""
        step = ONE_DAY if days >= 0 else -ONE_DAY
        remaining = abs(days)
        day = start
        while remaining:
            day += step
            if self.is_business_day(day):
                remaining -= 1
        return day

    def business_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Business Days after ``start`` up to and including ``end`` (negative if ``end`` is earlier)."""
        if end < start:
            return -self.business_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += ONE_DAY
            if self.is_business_day(day):
                count += 1
        return count

    def next_business_day(self, day: datetime.date) -> datetime.date:
        """``day`` itself if it is a Business Day, otherwise the next one."""
        while not self.is_business_day(day):
            day += ONE_DAY
        return day


def business_calendar() -> BusinessCalendar:
    """A calendar loaded from the Holiday table (one query)."""
    return BusinessCalendar()
