"""The demo's dispute decision loop (``seed_cases`` runs it last): a few disputes that show each step.

BLUEBONNET's Authorized Representative rejected two decisions on one dispute, which is now in ADR; LSRE has a decision
awaiting its answer; BLUEBONNET has a dispute granted with a market-wide financial effect, from which a Notice
Publisher may draft a market notice. Deterministic: fixed offsets from now, no random draws.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from accounts.models import MarketParticipant, Membership
from accounts.services.participants import _current_manager_user

from ..models import Case, CaseCategory, Channel, DecisionState, DisputeOutcome, StatementType
from ..services import DisputeInput, dispute_resolve, dispute_submit
from ..services.adr import AdrInput, adr_record, decision_market_effect_set
from ..services.decisions import decision_reject


def seed_decisions(*, calendar, now: datetime.datetime) -> int:
    participants = {p.short_name: p for p in MarketParticipant.objects.filter(short_name__in=["BLUEBONNET", "LSRE"])}
    made = 0
    if "BLUEBONNET" in participants:
        made += _in_adr(participants["BLUEBONNET"], calendar, now)
        made += _market_wide(participants["BLUEBONNET"], calendar, now)
    if "LSRE" in participants:
        made += _awaiting(participants["LSRE"], calendar, now)
    return made


def _moment(calendar, now: datetime.datetime, business_days_ago: int, hour: int = 10) -> datetime.datetime:
    day = calendar.add_business_days(now.date(), -business_days_ago)
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=now.tzinfo)


def _file(participant, calendar, now, *, days_ago: int, charge: str, amount: str) -> tuple[Case, object, object]:
    """A DAM dispute filed ``days_ago`` Business Days ago by the MP's first contact; with its Account Manager."""
    requester = Membership.objects.active().filter(participant=participant).order_by("pk").first().user
    manager = _current_manager_user(participant)
    opened = _moment(calendar, now, days_ago)
    operating_day = opened.date() - datetime.timedelta(days=6)
    dispute = DisputeInput(
        category=CaseCategory.objects.get(code="settlements"),
        subject=f"Day-Ahead Market dispute, Operating Day {operating_day:%b %d, %Y}",
        description=f"The {charge} on the DAM statement does not match our awards.",
        participant=participant,
        requester=requester,
        channel=Channel.PORTAL,
        operating_day=operating_day,
        statement_type=StatementType.DAM,
        statement_date=opened.date() - datetime.timedelta(days=1),
        charge_type=charge,
        disputed_amount=Decimal(amount),
        statement_reference=f"DAM-{operating_day:%Y%m%d}-417",
    )
    return dispute_submit(actor=requester, dispute=dispute, now=opened), requester, manager


def _in_adr(participant, calendar, now) -> int:
    case, requester, manager = _file(
        participant, calendar, now, days_ago=30, charge="Day-Ahead Energy Purchase", amount="48210.25"
    )
    explanation = "The awards were settled at the cleared Day-Ahead price; the statement is correct."
    dispute_resolve(
        actor=manager,
        case=case,
        outcome=DisputeOutcome.DENIED,
        outcome_explanation=explanation,
        now=_moment(calendar, now, 25),
    )
    decision_reject(
        actor=requester,
        case=case,
        reason="Our awards for hours 14 to 16 were cleared at a price above our bid.",
        now=_moment(calendar, now, 24),
    )
    dispute_resolve(
        actor=manager,
        case=case,
        outcome=DisputeOutcome.GRANTED_WITH_EXCEPTIONS,
        outcome_explanation="Hour 14 is corrected; hours 15 and 16 cleared as bid.",
        granted_amount=Decimal("9120.00"),
        now=_moment(calendar, now, 20),
    )
    decision_reject(
        actor=requester,
        case=case,
        reason="Hours 15 and 16 are wrong for the same reason as hour 14.",
        now=_moment(calendar, now, 18),
    )
    adr_record(
        actor=manager,
        case=case,
        adr=AdrInput(state=DecisionState.ADR_IN_PROGRESS, started_on=_moment(calendar, now, 10).date()),
        now=_moment(calendar, now, 10),
    )
    return 1


def _awaiting(participant, calendar, now) -> int:
    case, _, manager = _file(
        participant, calendar, now, days_ago=6, charge="Real-Time Energy Imbalance", amount="7350.00"
    )
    dispute_resolve(
        actor=manager,
        case=case,
        outcome=DisputeOutcome.DENIED,
        outcome_explanation="The imbalance was settled on the metered load your QSE submitted.",
        now=_moment(calendar, now, 2),
    )
    return 1


def _market_wide(participant, calendar, now) -> int:
    case, _, manager = _file(
        participant, calendar, now, days_ago=8, charge="Ancillary Service Obligation", amount="15400.00"
    )
    dispute_resolve(
        actor=manager,
        case=case,
        outcome=DisputeOutcome.GRANTED,
        outcome_explanation="The Ancillary Service Obligation used a wrong load ratio share for every QSE that day.",
        granted_amount=Decimal("15400.00"),
        now=_moment(calendar, now, 3),
    )
    decision_market_effect_set(actor=manager, case=case, market_wide_effect=True, now=_moment(calendar, now, 3))
    return 1
