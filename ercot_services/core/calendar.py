"""The operator's Business-Day calendar.

A Business Day is a weekday that is not in the administrator-editable
:class:`~ercot_services.core.models.Holiday` table. Deadlines (dispute windows,
review clocks) count Business Days; SLAs count business hours.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import MO, TH, relativedelta
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Holiday

ONE_DAY = datetime.timedelta(days=1)

# The holiday dates, kept in the shared cache: nearly every request that counts Business Days (the metrics page, SLA
# clocks, review clocks) would otherwise read the whole table. Saving or deleting a holiday drops the entry (again
# once the transaction commits, so a reader in between cannot keep the old dates), and it expires after a day in
# any case. A bulk write to the table bypasses the signals: call ``forget_holidays()`` after one.
HOLIDAYS_CACHE_KEY = "core:calendar:holidays:v1"
HOLIDAYS_CACHE_SECONDS = 24 * 60 * 60


def holiday_dates() -> set[datetime.date]:
    """The dates of every holiday: from the cache, or from the table (one query) and then cached."""
    dates = cache.get(HOLIDAYS_CACHE_KEY)
    if dates is None:
        dates = set(Holiday.objects.values_list("date", flat=True))
        cache.set(HOLIDAYS_CACHE_KEY, dates, HOLIDAYS_CACHE_SECONDS)
    return set(dates)


def forget_holidays() -> None:
    """Drop the cached holiday dates now and again when the current transaction commits."""
    cache.delete(HOLIDAYS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(HOLIDAYS_CACHE_KEY))


@receiver(post_save, sender=Holiday, dispatch_uid="core.calendar.holiday_saved")
@receiver(post_delete, sender=Holiday, dispatch_uid="core.calendar.holiday_deleted")
def _holiday_changed(**kwargs) -> None:
    forget_holidays()


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
            holidays = holiday_dates()
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
    """A calendar of the holidays in the Holiday table (cached: see :func:`holiday_dates`)."""
    return BusinessCalendar()


def _business_window(day: datetime.date, tz) -> tuple[datetime.datetime, datetime.datetime]:
    from django.conf import settings

    start_hour, end_hour = settings.BUSINESS_HOURS
    return (
        datetime.datetime.combine(day, datetime.time(start_hour), tzinfo=tz),
        datetime.datetime.combine(day, datetime.time(end_hour), tzinfo=tz),
    )


def _operator_tz():
    from django.utils import timezone

    return timezone.get_default_timezone()


def business_seconds_between(calendar: BusinessCalendar, start: datetime.datetime, end: datetime.datetime) -> int:
    """Seconds of business hours (``settings.BUSINESS_HOURS`` on Business Days, operator time) in ``[start, end)``."""
    if end <= start:
        return 0
    tz = _operator_tz()
    start, end = start.astimezone(tz), end.astimezone(tz)
    total = 0
    day = start.date()
    while day <= end.date():
        if calendar.is_business_day(day):
            open_at, close_at = _business_window(day, tz)
            lo, hi = max(start, open_at), min(end, close_at)
            if hi > lo:
                total += int((hi - lo).total_seconds())
        day += ONE_DAY
    return total


def add_business_seconds(calendar: BusinessCalendar, start: datetime.datetime, seconds: int) -> datetime.datetime:
    """The moment ``seconds`` of business hours after ``start``."""
    tz = _operator_tz()
    moment = start.astimezone(tz)
    remaining = max(int(seconds), 0)
    day = moment.date()
    while True:
        if calendar.is_business_day(day):
            open_at, close_at = _business_window(day, tz)
            lo = max(moment, open_at)
            if lo < close_at:
                available = int((close_at - lo).total_seconds())
                if remaining <= available:
                    return lo + datetime.timedelta(seconds=remaining)
                remaining -= available
        day += ONE_DAY
        moment = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight of ``day`` in the operator's time zone: a bound an index on a timestamp can use (``__date`` cannot)."""
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
