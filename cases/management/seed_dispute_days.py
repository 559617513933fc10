"""Demo data of multi-day disputes (seed_demo's cases section): for the first registered MP with contacts, one open
5-day Real-Time dispute (for staff to decide day by day) and one decided 3-day dispute with an outcome per day."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from accounts.roles import StaffGroup

from ..models import CaseCategory, Channel, DayOutcome, StatementType
from ..services import DisputeDayInput, DisputeInput, case_acknowledge, case_start_work, dispute_submit
from ..services.dispute_day_outcomes import DayDecision, dispute_days_resolve


def _dispute(participant, requester, category, *, charge, reference, days, now):
    return dispute_submit(
        actor=requester,
        dispute=DisputeInput(
            category=category,
            subject=f"Dispute – {charge} – {len(days)} Operating Days (Initial statements)",
            description=f"The {charge} charge is doubled on each of these Operating Days; the meter data shows the "
            "correct volumes.",
            participant=participant,
            requester=requester,
            channel=Channel.PORTAL,
            statement_type=StatementType.INITIAL,
            charge_type=charge,
            statement_reference=reference,
            days=days,
        ),
        now=now,
    )


def seed_dispute_days(*, participants, contacts, today: datetime.date, now: datetime.datetime) -> int:
    participant = next((p for p in participants if p.is_registered and contacts.get(p.pk)), None)
    category = CaseCategory.objects.filter(code="settlements").first()
    if participant is None or category is None:
        return 0
    requester = contacts[participant.pk][0]
    opened = now - datetime.timedelta(hours=3)
    start = today - datetime.timedelta(days=20)
    _dispute(
        participant,
        requester,
        category,
        charge="Real-Time Energy Imbalance",
        reference=f"RTM-INIT-{start:%Y%m}",
        days=[
            DisputeDayInput(operating_day=start + datetime.timedelta(days=n), disputed_amount=Decimal(1200 + 150 * n))
            for n in range(5)
        ],
        now=opened,
    )
    decided = _dispute(
        participant,
        requester,
        category,
        charge="Base Point Deviation",
        reference=f"BPD-INIT-{start:%Y%m}",
        days=[
            DisputeDayInput(operating_day=start + datetime.timedelta(days=n), disputed_amount=Decimal("800.00"))
            for n in range(3)
        ],
        now=opened,
    )
    staff = decided.assignee or get_user_model().objects.filter(groups__name=StaffGroup.CLIENT_SERVICES_LEAD).first()
    if staff is None:
        return 1
    case_acknowledge(actor=staff, case=decided, now=opened + datetime.timedelta(minutes=30))
    case_start_work(actor=staff, case=decided, now=opened + datetime.timedelta(minutes=40))
    outcomes = [(DayOutcome.GRANTED, None), (DayOutcome.GRANTED, Decimal("400.00")), (DayOutcome.DENIED, None)]
    dispute_days_resolve(
        actor=staff,
        case=decided,
        decisions=[
            DayDecision(operating_day=start + datetime.timedelta(days=n), outcome=outcome, granted_amount=amount)
            for n, (outcome, amount) in enumerate(outcomes)
        ],
        outcome_explanation="The first day is corrected in full and the second in part; the third day's base "
        "points were followed as instructed.",
        now=opened + datetime.timedelta(hours=2),
    )
    return 2
