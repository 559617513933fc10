"""The deadline radar: which statements' dispute windows are open today, when each closes, and which of them an MP
should look at because it disputed the same charge type recently.

A window is open from the day its statement is issued (``SettlementStatement.statement_date``) through its filing
deadline, which comes from :func:`cases.services.disputes.dispute_deadline` (the rule the dispute form uses, so the
dates match it exactly). Only the statements whose window can still be open are read (a range of dates per
statement type, from the windows' lengths), so the radar costs the same few queries whatever the calendar's size:
the windows, the candidate statements and the MP's disputes (the holidays are cached).
"""

from __future__ import annotations

import dataclasses
import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.selectors.participants import scope_to_user
from ercot_services.core.calendar import BusinessCalendar, business_calendar

from ..models import DisputeDetail, DisputeWindow, SettlementStatement, StatementType
from ..services.disputes import dispute_deadline

# Days of slack on each side of a candidate range (a run of holidays and a weekend); the exact test is in Python.
RANGE_SLACK = datetime.timedelta(days=10)


@dataclasses.dataclass(frozen=True)
class RadarWindow:
    """One statement whose dispute window is open today."""

    statement: SettlementStatement
    deadline: datetime.date
    business_days_left: int
    # Charge types the MP disputed recently on this statement type and not yet for this Operating Day.
    recent_charge_types: tuple[str, ...] = ()
    # Charge types the MP has disputed for this very statement.
    disputed_charge_types: tuple[str, ...] = ()

    @property
    def operating_day(self) -> datetime.date:
        return self.statement.operating_day

    @property
    def statement_type(self) -> str:
        return self.statement.statement_type

    @property
    def closes_today(self) -> bool:
        return self.business_days_left == 0

    @property
    def closes_label(self) -> str:
        if self.closes_today:
            return "closes today"
        unit = "Business Day" if self.business_days_left == 1 else "Business Days"
        return f"closes in {self.business_days_left} {unit}"

    @property
    def marked(self) -> bool:
        return bool(self.recent_charge_types)


@dataclasses.dataclass(frozen=True)
class RadarOffer:
    """File the same dispute (statement type and charge type) for the open days not disputed yet."""

    statement_type: str
    charge_type: str
    operating_days: tuple[datetime.date, ...]
    first_deadline: datetime.date

    @property
    def statement_type_label(self) -> str:
        return StatementType(self.statement_type).label

    @property
    def query(self) -> str:
        params = [("statement_type", self.statement_type), ("charge_type", self.charge_type)]
        params += [("operating_day", day.isoformat()) for day in self.operating_days]
        return urlencode(params)

    @property
    def url(self) -> str:
        """The portal dispute form, prefilled with the statement type, the charge type and the days."""
        return f"{reverse('portal:case-new-dispute')}?{self.query}"


@dataclasses.dataclass(frozen=True)
class Radar:
    today: datetime.date
    windows: list[RadarWindow]
    offers: list[RadarOffer]
    recent_days: int

    @property
    def marked(self) -> list[RadarWindow]:
        return [window for window in self.windows if window.marked]

    def closing_within(self, business_days: int) -> list[RadarWindow]:
        return [window for window in self.windows if window.business_days_left <= business_days]


def _candidate_filter(windows: list[DisputeWindow], today: datetime.date, calendar: BusinessCalendar) -> Q:
    """Statements issued by today whose window may still be open: a bounded range of dates per statement type."""
    condition = Q(pk__in=[])
    for window in windows:
        if window.anchor == DisputeWindow.Anchor.BEFORE_TRUE_UP:
            # The deadline falls before the True-Up (Operating Day + true_up_after_days): older days are closed.
            earliest = today - datetime.timedelta(days=window.true_up_after_days) - RANGE_SLACK
            condition |= Q(statement_type=window.statement_type, operating_day__gte=earliest)
        else:
            earliest = calendar.add_business_days(today, -window.business_days) - RANGE_SLACK
            condition |= Q(statement_type=window.statement_type, statement_date__gte=earliest)
    return condition & Q(statement_date__lte=today)


def open_windows(*, today: datetime.date | None = None, calendar: BusinessCalendar | None = None) -> list[RadarWindow]:
    """Every statement whose dispute window is open today (the window closing today included), closing first."""
    today = today or timezone.localdate()
    calendar = calendar or business_calendar()
    windows = list(DisputeWindow.objects.all())
    by_type = {window.statement_type: window for window in windows}
    statements = SettlementStatement.objects.filter(_candidate_filter(windows, today, calendar))
    result = []
    for statement in statements:
        due = dispute_deadline(
            statement_type=statement.statement_type,
            operating_day=statement.operating_day,
            statement_date=statement.statement_date,
            calendar=calendar,
            window=by_type[statement.statement_type],
        )
        if due.deadline >= today:
            result.append(RadarWindow(statement, due.deadline, calendar.business_days_between(today, due.deadline)))
    result.sort(key=lambda w: (w.deadline, w.statement.operating_day, w.statement.statement_type))
    return result


def recent_operating_days() -> int:
    return settings.DISPUTE_RADAR_RECENT_OPERATING_DAYS


def participant_radar(
    *,
    participant,
    user=None,
    today: datetime.date | None = None,
    calendar: BusinessCalendar | None = None,
    windows: list[RadarWindow] | None = None,
) -> Radar:
    """The radar of one MP: the open windows (``windows`` when read already, for many MPs) marked with the charge
    types it disputed recently, and the "file the same dispute for these days" offers. ``user``: a portal user
    whose MPs the disputes are scoped to (staff and tasks see the MP's)."""
    today = today or timezone.localdate()
    if windows is None:
        windows = open_windows(today=today, calendar=calendar)
    recent_days = recent_operating_days()
    recent_since = today - datetime.timedelta(days=recent_days)
    since = min([recent_since, *(w.operating_day for w in windows)])
    disputes = DisputeDetail.objects.filter(case__participant=participant, operating_day__gte=since)
    if user is not None:
        disputes = scope_to_user(disputes, user, path="case__participant")
    recent: dict[str, set[str]] = {}
    disputed: dict[tuple[datetime.date, str], set[str]] = {}
    for operating_day, statement_type, charge_type in disputes.values_list(
        "operating_day", "statement_type", "charge_type"
    ).distinct():
        disputed.setdefault((operating_day, statement_type), set()).add(charge_type)
        if recent_since <= operating_day <= today:
            recent.setdefault(statement_type, set()).add(charge_type)
    marked = []
    for window in windows:
        done = disputed.get((window.operating_day, window.statement_type), set())
        marked.append(
            dataclasses.replace(
                window,
                recent_charge_types=tuple(sorted(recent.get(window.statement_type, set()) - done)),
                disputed_charge_types=tuple(sorted(done)),
            )
        )
    return Radar(today=today, windows=marked, offers=radar_offers(marked), recent_days=recent_days)


def radar_offers(windows: list[RadarWindow]) -> list[RadarOffer]:
    """One offer per statement type and recently disputed charge type, with its open days closing first."""
    days: dict[tuple[str, str], list[RadarWindow]] = {}
    for window in windows:  # closing first
        for charge_type in window.recent_charge_types:
            days.setdefault((window.statement_type, charge_type), []).append(window)
    limit = settings.DISPUTE_RADAR_MAX_LINK_DAYS
    offers = [
        RadarOffer(
            statement_type=statement_type,
            charge_type=charge_type,
            operating_days=tuple(sorted(w.operating_day for w in chosen[:limit])),
            first_deadline=chosen[0].deadline,
        )
        for (statement_type, charge_type), chosen in days.items()
    ]
    return sorted(offers, key=lambda o: (o.first_deadline, o.statement_type, o.charge_type))
