"""Rows for the non-case sections, created directly with explicit timestamps (the metrics only read them)."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from cases.models import DisputeOutcome
from cases.services import case_withdraw
from plans.models import PerformanceFeedback

from .conftest import ct

_numbers = itertools.count(1)


def feedback(participant, rating, channel, at):
    row = PerformanceFeedback.objects.create(participant=participant, rating=rating, channel=channel)
    PerformanceFeedback.objects.filter(pk=row.pk).update(created_at=at)
    return row


def application(participant, kind, status, submitted_at, decided_at=None):
    from registration.models import Application

    return Application.objects.create(
        reference=f"MT-{next(_numbers):05d}",
        participant=participant,
        kind=kind,
        status=status,
        submitted_at=submitted_at,
        decided_at=decided_at,
    )


def flight(start=datetime.date(2026, 10, 1)):
    from qualification.models import Flight

    return Flight.objects.create(
        start_date=start,
        end_date=start + datetime.timedelta(days=60),
        application_deadline=start - datetime.timedelta(days=30),
        registration_deadline=start - datetime.timedelta(days=15),
    )


def enrollment(
    flight, participant, created_at, *, change_kind="new_entity", tested_on=None, completed=None, letter_on=None
):
    from qualification.models import Enrollment, FlightResult, QualificationLetter

    row = Enrollment.objects.create(
        flight=flight, participant=participant, participant_kind="new", change_kind=change_kind
    )
    Enrollment.objects.filter(pk=row.pk).update(created_at=created_at)
    if tested_on:
        FlightResult.objects.create(enrollment=row, completed=completed, tested_on=tested_on)
    if letter_on:
        QualificationLetter.objects.create(
            enrollment=row,
            number=f"QL-MT-{next(_numbers):05d}",
            issued_on=letter_on,
            effective_date=letter_on,
            pdf="letters/test.pdf",
        )
    return row


def notice(notice_type, published_at, *, deliveries=(), status="published"):
    """``deliveries``: (email, status, sent_at) triples."""
    from notices.models import Notice, NoticeDelivery

    number = next(_numbers)
    row = Notice.objects.create(
        notice_id=f"M-T{number:05d}-01",
        notice_type=notice_type,
        short_description="Metrics test notice",
        long_description="Body.",
        status=status,
        published_at=published_at,
    )
    for email, delivery_status, sent_at in deliveries:
        NoticeDelivery.objects.create(notice=row, email=email, status=delivery_status, sent_at=sent_at)
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
