"""Rows for the non-case sections, with explicit timestamps (the metrics only read them): the factories, composed."""

from __future__ import annotations

import datetime
from decimal import Decimal

from cases.models import DisputeOutcome
from cases.services import case_withdraw
from tests.notices.factories import NoticeDeliveryFactory, NoticeFactory
from tests.plans.factories import FeedbackFactory
from tests.qualification.factories import (
    EnrollmentFactory,
    FlightFactory,
    FlightResultFactory,
    QualificationLetterFactory,
)
from tests.registration.factories import ApplicationFactory

from .conftest import ct


def feedback(participant, rating, channel, at):
    return FeedbackFactory(participant=participant, rating=rating, channel=channel, created_at=at)


def application(participant, kind, status, submitted_at, decided_at=None):
    return ApplicationFactory(
        participant=participant, kind=kind, status=status, submitted_at=submitted_at, decided_at=decided_at
    )


def flight(start=datetime.date(2026, 10, 1)):
    return FlightFactory(start_date=start, days=60, application_days=30, registration_days=15)


def enrollment(
    flight, participant, created_at, *, change_kind="new_entity", tested_on=None, completed=None, letter_on=None
):
    """An enrollment made at ``created_at``, with its result (``tested_on``) and letter (``letter_on``) if given."""
    row = EnrollmentFactory(flight=flight, participant=participant, change_kind=change_kind, created_at=created_at)
    if tested_on:
        FlightResultFactory(enrollment=row, completed=completed, tested_on=tested_on)
    if letter_on:
        QualificationLetterFactory(enrollment=row, issued_on=letter_on)
    return row


def notice(notice_type, published_at, *, deliveries=(), status="published"):
    """``deliveries``: (email, status, sent_at) triples."""
    row = NoticeFactory(published=True, notice_type=notice_type, status=status, published_at=published_at)
    for email, delivery_status, sent_at in deliveries:
        NoticeDeliveryFactory(notice=row, email=email, status=delivery_status, sent_at=sent_at)
    return row


def october_disputes(kit, mp1, mp2, mp1_user, mp2_user):
    """Granted $1,000 ($800 granted), denied $500, withdrawn $300 (all mp1), open $250 (mp2)."""
    granted = kit.dispute(mp1, mp1_user, ct(2026, 10, 5, 9), "1000.00")
    kit.resolve(
        granted,
        ct(2026, 10, 6, 9),
        outcome=DisputeOutcome.GRANTED,
        outcome_explanation="Resettled.",
        granted_amount=Decimal("800.00"),
    )
    denied = kit.dispute(mp1, mp1_user, ct(2026, 10, 5, 10), "500.00")
    kit.resolve(denied, ct(2026, 10, 7, 9), outcome=DisputeOutcome.DENIED, outcome_explanation="Charge is right.")
    withdrawn = kit.dispute(mp1, mp1_user, ct(2026, 10, 5, 11), "300.00")
    case_withdraw(actor=withdrawn.assignee, case=withdrawn, reason="MP withdrew", now=ct(2026, 10, 8, 9))
    kit.dispute(mp2, mp2_user, ct(2026, 10, 12, 9), "250.00")
