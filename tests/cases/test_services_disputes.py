"""Dispute filing windows in Business Days (from administrator-editable rows), on time and late."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from cases.models import Case, CaseKind, CaseSequence, DisputeDetail, DisputeWindow, StatementType
from cases.services import dispute_deadline
from ercot_services.core.calendar import BusinessCalendar
from ercot_services.core.models import AuditEvent, DomainError, Holiday
from tests.cases.factories import dispute_fields

from .conftest import ct

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize("statement_type", [StatementType.DAM, StatementType.INVOICE, StatementType.TRUE_UP])
def test_statement_windows_count_ten_business_days_over_thanksgiving(statement_type):
    # Friday Nov 20, 2026: Mon 23, Tue 24, Wed 25, (Thanksgiving Thu 26 + Fri 27), Mon 30, Dec 1-4, Dec 7, Dec 8.
    result = dispute_deadline(
        statement_type=statement_type, operating_day=D(2026, 11, 18), statement_date=D(2026, 11, 20)
    )
    assert result.deadline == D(2026, 11, 30) + datetime.timedelta(days=8)
    assert result.window.statement_type == statement_type
    assert "10 Business Days after the statement dated Nov 20, 2026" == result.explanation


def test_statement_window_over_christmas_and_new_year():
    # Fri Dec 18: Dec 21-23 (3), Dec 24/25 holidays, Dec 28-31 (7), Jan 1 holiday, Jan 4-6 (10).
    result = dispute_deadline(
        statement_type=StatementType.INVOICE, operating_day=D(2026, 12, 15), statement_date=D(2026, 12, 18)
    )
    assert result.deadline == D(2027, 1, 6)


def test_statement_dated_on_a_weekend_counts_from_the_next_business_day():
    assert dispute_deadline(
        statement_type=StatementType.DAM, operating_day=D(2026, 11, 19), statement_date=D(2026, 11, 21)
    ).deadline == D(2026, 12, 8)


@pytest.mark.parametrize("statement_type", [StatementType.INITIAL, StatementType.FINAL])
@pytest.mark.parametrize(
    "operating_day, true_up, deadline",
    [
        # +180 days is Mon Nov 16; 20 Business Days earlier is Mon Oct 19.
        (D(2026, 5, 20), D(2026, 11, 16), D(2026, 10, 19)),
        # +180 days is Thanksgiving (Nov 26), so the True-Up is Mon Nov 30; 20 BD earlier is Thu Oct 29.
        (D(2026, 5, 30), D(2026, 11, 30), D(2026, 10, 29)),
    ],
)
def test_real_time_windows_count_back_from_the_true_up(statement_type, operating_day, true_up, deadline):
    result = dispute_deadline(statement_type=statement_type, operating_day=operating_day, statement_date=None)
    assert result.deadline == deadline
    assert "20 Business Days before the True-Up" in result.explanation
    assert f"{true_up:%b %d, %Y}" in result.explanation


def test_real_time_window_matches_the_calendar_rule():
    calendar = BusinessCalendar()
    window = DisputeWindow.objects.get(statement_type=StatementType.INITIAL)
    operating_day = D(2026, 5, 30)
    true_up = calendar.next_business_day(operating_day + datetime.timedelta(days=window.true_up_after_days))
    expected = calendar.add_business_days(true_up, -window.business_days)
    assert calendar.business_days_between(expected, true_up) == 20
    assert (
        dispute_deadline(
            statement_type=StatementType.INITIAL, operating_day=operating_day, statement_date=None
        ).deadline
        == expected
    )


def test_editing_a_window_changes_the_deadline():
    dam = DisputeWindow.objects.get(statement_type=StatementType.DAM)
    dam.business_days = 5
    dam.save()
    assert dispute_deadline(
        statement_type=StatementType.DAM, operating_day=D(2026, 11, 18), statement_date=D(2026, 11, 20)
    ).deadline == D(2026, 12, 1)

    initial = DisputeWindow.objects.get(statement_type=StatementType.INITIAL)
    initial.business_days = 10
    initial.true_up_after_days = 60
    initial.save()
    # May 4 + 60 days is Fri Jul 3 (Independence Day observed), so the True-Up is Mon Jul 6.
    result = dispute_deadline(statement_type=StatementType.INITIAL, operating_day=D(2026, 5, 4), statement_date=None)
    assert result.deadline == D(2026, 6, 19)

    dam.anchor = DisputeWindow.Anchor.BEFORE_TRUE_UP
    dam.business_days = 20
    dam.save()
    assert dispute_deadline(
        statement_type=StatementType.DAM, operating_day=D(2026, 5, 30), statement_date=None
    ).deadline == D(2026, 10, 29)


def test_editing_a_holiday_changes_the_deadline():
    Holiday.objects.create(date=D(2026, 12, 1), name="Storm day")
    assert dispute_deadline(
        statement_type=StatementType.DAM, operating_day=D(2026, 11, 18), statement_date=D(2026, 11, 20)
    ).deadline == D(2026, 12, 9)


def test_a_statement_type_without_a_window_is_refused():
    DisputeWindow.objects.filter(statement_type=StatementType.INVOICE).delete()
    with pytest.raises(DomainError, match="No dispute window is configured for Invoice"):
        dispute_deadline(
            statement_type=StatementType.INVOICE, operating_day=D(2026, 11, 18), statement_date=D(2026, 11, 20)
        )


@pytest.mark.parametrize("statement_type", [StatementType.DAM, StatementType.INVOICE, StatementType.TRUE_UP])
def test_statement_windows_need_the_statement_date(statement_type):
    with pytest.raises(DomainError, match="Give the date of the"):
        dispute_deadline(statement_type=statement_type, operating_day=D(2026, 11, 18), statement_date=None)


# --- filing through dispute_submit ---------------------------------------------------------------------

STATEMENT = D(2026, 11, 20)
DEADLINE = D(2026, 12, 8)


@pytest.fixture
def file_dispute(submit, settlements):
    def _file(now, **kwargs):
        fields = kwargs.pop("fields", {})
        return submit(
            kind=CaseKind.DISPUTE,
            category=settlements,
            subject="DAM charge looks wrong",
            dispute=dispute_fields(**{"operating_day": D(2026, 11, 18), "statement_date": STATEMENT, **fields}),
            now=now,
            **kwargs,
        )

    return _file


def _counts():
    return Case.objects.count(), DisputeDetail.objects.count(), list(CaseSequence.objects.values_list("last_value"))


def test_a_dispute_on_the_last_day_is_accepted(file_dispute, mp_user):
    case = file_dispute(ct(2026, 12, 8, 23, 59))
    detail = case.dispute
    assert case.reference.startswith("DSP-2026-")
    assert detail.filing_deadline == DEADLINE
    assert not detail.filed_late
    assert detail.late_acceptance_reason == ""
    assert detail.accepted_late_by is None
    assert detail.disputed_amount == Decimal("1250.75")
    assert detail.statement_type == StatementType.DAM


@pytest.mark.parametrize("reason", ["", "Our AM said it was fine"])
def test_a_late_dispute_is_refused_for_a_participant_with_the_deadline(file_dispute, reason):
    before = _counts()
    with pytest.raises(DomainError) as refused:
        file_dispute(ct(2026, 12, 9, 0, 1), late_acceptance_reason=reason)
    message = str(refused.value)
    assert "Tuesday, December 08, 2026" in message
    assert "10 Business Days after the statement dated Nov 20, 2026" in message
    assert _counts() == before
    assert not AuditEvent.objects.filter(verb="case.submitted").exists()


def test_staff_may_accept_a_late_dispute_with_a_reason(file_dispute, am_user, mp_user):
    case = file_dispute(
        ct(2026, 12, 15, 10),
        actor=am_user,
        requester=mp_user,
        channel="email",
        late_acceptance_reason="  Statement was re-issued on Dec 3.  ",
    )
    detail = case.dispute
    assert detail.filed_late
    assert detail.filing_deadline == DEADLINE
    assert detail.late_acceptance_reason == "Statement was re-issued on Dec 3."
    assert detail.accepted_late_by == am_user
    assert case.submitted_by == mp_user
    [event] = AuditEvent.objects.for_object(case).filter(verb="case.submitted")
    assert "Statement was re-issued on Dec 3." in event.reason
    assert event.actor == am_user


def test_staff_without_a_reason_are_refused_too(file_dispute, am_user, mp_user):
    before = _counts()
    with pytest.raises(DomainError, match="December 08, 2026"):
        file_dispute(ct(2026, 12, 15, 10), actor=am_user, requester=mp_user, late_acceptance_reason="   ")
    assert _counts() == before


def test_a_reason_on_an_on_time_dispute_does_not_mark_it_late(file_dispute, am_user, mp_user):
    case = file_dispute(ct(2026, 12, 1, 10), actor=am_user, requester=mp_user, late_acceptance_reason="Just in case")
    assert not case.dispute.filed_late
    assert case.dispute.late_acceptance_reason == ""
    assert case.dispute.accepted_late_by is None


def test_a_dam_dispute_without_a_statement_date_is_refused(file_dispute):
    before = _counts()
    with pytest.raises(DomainError, match="Day-Ahead Market statement"):
        file_dispute(ct(2026, 11, 23, 10), fields={"statement_date": None})
    assert _counts() == before


def test_a_real_time_dispute_needs_no_statement_date(file_dispute):
    case = file_dispute(
        ct(2026, 10, 29, 16),
        fields={"statement_type": StatementType.INITIAL, "statement_date": None, "operating_day": D(2026, 5, 30)},
    )
    assert case.dispute.filing_deadline == D(2026, 10, 29)
    assert not case.dispute.filed_late
    with pytest.raises(DomainError, match="Thursday, October 29, 2026"):
        file_dispute(
            ct(2026, 10, 30, 8),
            fields={"statement_type": StatementType.FINAL, "statement_date": None, "operating_day": D(2026, 5, 30)},
        )


def test_a_dispute_needs_its_fields(submit, settlements):
    with pytest.raises(DomainError, match="Operating Day"):
        submit(kind=CaseKind.DISPUTE, category=settlements, dispute=None)
    assert not Case.objects.exists()


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5.00")])
def test_a_dispute_amount_must_be_positive(file_dispute, amount):
    before = _counts()
    with pytest.raises(DomainError, match="greater than or equal to 0.01"):
        file_dispute(ct(2026, 11, 23, 10), fields={"disputed_amount": amount})
    assert _counts() == before
