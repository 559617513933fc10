"""Fixtures for the metrics tests: two Account Managers with one MP each, a case category with known SLA targets.

Time is controlled by passing ``now=`` to the case services (as tests/cases do):
every duration below is hand-computed on the 08:00-17:00 business-hours
calendar of October 2026, which has no operator holiday.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from cases.models import CaseKind, CaseStatus, Priority, StatementType
from cases.services import case_reply, transition_service
from ercot_services.core.metrics import MetricsFilter
from tests.accounts.factories import AccountManagerFactory, MembershipFactory, ParticipantFactory
from tests.case_inputs import submit_case
from tests.cases.factories import CaseCategoryFactory, SlaTargetFactory

CT = ZoneInfo("America/Chicago")
OCTOBER = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
AFTER_OCTOBER = datetime.datetime(2026, 11, 23, 12, tzinfo=CT)


def ct(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=CT)


def october(manager=None) -> MetricsFilter:
    """October 2026, measured from late November (so the backlog is taken at the range end)."""
    return MetricsFilter(
        start=OCTOBER[0], end=OCTOBER[1], manager_id=manager.user_id if manager else None, now=AFTER_OCTOBER
    )


@pytest.fixture
def category(db):
    """First response within 4 business hours, resolution within 10, for Normal priority."""
    return SlaTargetFactory(
        category=CaseCategoryFactory(code="metrics-test", name="Metrics test"),
        priority=Priority.NORMAL,
        first_response_hours=Decimal("4"),
        resolution_hours=Decimal("10"),
    ).category


@pytest.fixture
def am1(db):
    return AccountManagerFactory(user__full_name="Alice Adams")


@pytest.fixture
def am2(db):
    return AccountManagerFactory(user__full_name="Bob Brown")


@pytest.fixture
def mp1(am1):
    return ParticipantFactory(role_codes=["REP"], account_manager=am1)


@pytest.fixture
def mp2(am2):
    return ParticipantFactory(role_codes=["QSE"], account_manager=am2)


@pytest.fixture
def mp1_user(mp1):
    return MembershipFactory(participant=mp1).user


@pytest.fixture
def mp2_user(mp2):
    return MembershipFactory(participant=mp2).user


class CaseKit:
    """Open and move cases through the real services at chosen moments."""

    def __init__(self, category):
        self.category = category

    def open(self, participant, requester, at, **extra):
        values = {
            "actor": requester,
            "kind": CaseKind.INQUIRY,
            "category": self.category,
            "subject": "Question about our registration",
            "description": "Details of the question.",
            "participant": participant,
            "now": at,
        }
        values.update(extra)
        return submit_case(**values)

    def reply(self, case, at, *, wait=False):
        return case_reply(actor=case.assignee, case=case, body="Here is our answer.", wait_on_participant=wait, now=at)

    def participant_reply(self, case, requester, at):
        return case_reply(actor=requester, case=case, body="Here is what you asked for.", now=at)

    def resolve(self, case, at, **extra):
        values = {"resolution_summary": "Answered."}
        values.update(extra)
        service = transition_service(case, CaseStatus.RESOLVED)  # a dispute is resolved with its outcome
        return service(actor=case.assignee, case=case, now=at, **values)

    def dispute(self, participant, requester, at, amount: str):
        return self.open(
            participant,
            requester,
            at,
            kind=CaseKind.DISPUTE,
            subject="DAM charge looks wrong",
            dispute={
                "operating_day": datetime.date(2026, 9, 28),
                "statement_type": StatementType.DAM,
                "statement_date": at.date(),
                "charge_type": "DA Energy Imbalance",
                "disputed_amount": Decimal(amount),
                "statement_reference": "DAM-STMT-0001",
            },
        )


@pytest.fixture
def kit(category):
    return CaseKit(category)


@pytest.fixture
def october_cases(kit, mp1, mp2, mp1_user, mp2_user):
    """Eight cases with hand-computed business-hour durations (H = business hours).

    ===  ====  =========================  ==========  =========  ==============================
    id   MP    opened                     first resp  resolved   notes
    ===  ====  =========================  ==========  =========  ==============================
    A    mp1   Mon Oct 5 09:00            1 H         6 H
    B    mp1   Mon Oct 5 09:00            9 H         18 H
    C    mp2   Tue Oct 6 08:00            2 H         6 H        7 H Waiting on Participant
    D    mp2   Thu Oct 8 09:00            16 H        —          open, 16 BD old at Oct 31
    E    mp2   Fri Oct 9 16:00            —           —          open, 15 BD
    F    mp1   Thu Oct 29 10:00           —           —          open, 1 BD
    G    mp2   Tue Sep 1 10:00            —           —          open, opened before the range
    H    mp2   Fri Oct 23 10:00           —           —          open, 5 BD
    ===  ====  =========================  ==========  =========  ==============================
    """
    cases = {}
    a = kit.open(mp1, mp1_user, ct(2026, 10, 5, 9))
    kit.reply(a, ct(2026, 10, 5, 10))
    cases["A"] = kit.resolve(a, ct(2026, 10, 5, 15))

    b = kit.open(mp1, mp1_user, ct(2026, 10, 5, 9))
    kit.reply(b, ct(2026, 10, 6, 9))
    cases["B"] = kit.resolve(b, ct(2026, 10, 7, 9))

    c = kit.open(mp2, mp2_user, ct(2026, 10, 6, 8))
    kit.reply(c, ct(2026, 10, 6, 10), wait=True)
    kit.participant_reply(c, mp2_user, ct(2026, 10, 7, 8))
    cases["C"] = kit.resolve(c, ct(2026, 10, 7, 12))

    d = kit.open(mp2, mp2_user, ct(2026, 10, 8, 9))
    kit.reply(d, ct(2026, 10, 9, 16))
    cases["D"] = d
    cases["E"] = kit.open(mp2, mp2_user, ct(2026, 10, 9, 16))
    cases["F"] = kit.open(mp1, mp1_user, ct(2026, 10, 29, 10))
    cases["G"] = kit.open(mp2, mp2_user, ct(2026, 9, 1, 10))
    cases["H"] = kit.open(mp2, mp2_user, ct(2026, 10, 23, 10))
    for case in cases.values():
        case.refresh_from_db()
    return cases
