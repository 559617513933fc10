"""The case workflow: every (from, to) pair of statuses, for staff and for participants, and what each move records."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest

from cases.error_codes import CaseErrorCode
from cases.models import (
    CASE_TRANSITIONS,
    OPEN_STATUSES,
    Case,
    CaseKind,
    CaseSettings,
    CaseStatus,
    DisputeOutcome,
    NextAction,
)
from cases.services import (
    case_acknowledge,
    case_bulk_assign,
    case_bulk_close,
    case_close,
    case_reopen,
    case_reply,
    case_resolve,
    case_start_work,
    case_wait_on_participant,
    case_withdraw,
    dispute_resolve,
    transition_service,
)
from ercot_services.core.models import AuditEvent, DomainError
from tests.accounts.factories import StaffFactory

from .conftest import ct

pytestmark = pytest.mark.django_db

STATUSES = list(CaseStatus)
ALL_PAIRS = list(itertools.product(STATUSES, STATUSES))
STAFF_ALLOWED = {(old, new) for old, targets in CASE_TRANSITIONS.items() for new in targets}
# A participant withdraws an open case, reopens a resolved one (within the window), and a case
# Waiting on Participant goes back In Progress when they answer (case_reply does that as them).
PARTICIPANT_ALLOWED = {(old, CaseStatus.WITHDRAWN) for old in OPEN_STATUSES} | {
    (CaseStatus.RESOLVED, CaseStatus.IN_PROGRESS),
    (CaseStatus.WAITING, CaseStatus.IN_PROGRESS),
}

# How staff bring a fresh (New) case to each status.
PATH = {
    CaseStatus.NEW: [],
    CaseStatus.ACKNOWLEDGED: [CaseStatus.ACKNOWLEDGED],
    CaseStatus.IN_PROGRESS: [CaseStatus.IN_PROGRESS],
    CaseStatus.WAITING: [CaseStatus.WAITING],
    CaseStatus.RESOLVED: [CaseStatus.RESOLVED],
    CaseStatus.CLOSED: [CaseStatus.RESOLVED, CaseStatus.CLOSED],
    CaseStatus.WITHDRAWN: [CaseStatus.WITHDRAWN],
}


def extra_args(case: Case, to_status: str) -> dict:
    """What a person must give for this move (and nothing else)."""
    args = {}
    if to_status == CaseStatus.RESOLVED:
        if case.kind == CaseKind.DISPUTE:
            args.update(outcome=DisputeOutcome.GRANTED, outcome_explanation="Recalculated with the corrected award.")
        else:
            args.update(resolution_summary="Form B was approved on Monday.")
    if case.status == CaseStatus.RESOLVED and to_status == CaseStatus.IN_PROGRESS:
        args.update(reason="The answer does not cover our second question.")
    if to_status == CaseStatus.WITHDRAWN:
        args.update(reason="Sorted out on our side.")
    return args


def move(case: Case, to_status: str, actor, **kwargs) -> Case:
    case.refresh_from_db()
    service = transition_service(case, to_status)
    return service(actor=actor, case=case, **{**extra_args(case, to_status), **kwargs})


def bring_to(case: Case, status: str, staff) -> Case:
    for step in PATH[status]:
        case = move(case, step, staff)
    assert case.status == status
    return case


def status_events(case: Case) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_object(case).filter(verb="case.status_changed").order_by("created_at", "id"))


def allowed_labels(status: str) -> list[str]:
    return [CaseStatus(s).label for s in CASE_TRANSITIONS[status]]


@pytest.fixture(params=[CaseKind.INQUIRY, CaseKind.DISPUTE])
def any_case(request, inquiry, dispute):
    return inquiry if request.param == CaseKind.INQUIRY else dispute


def _pair_id(pair):
    return f"{pair[0].value}->{pair[1].value}"


@pytest.mark.parametrize("pair", ALL_PAIRS, ids=_pair_id)
def test_staff_transition(pair, any_case, am_user):
    old, new = pair
    case = bring_to(any_case, old, am_user)
    before = len(status_events(case))

    if pair in STAFF_ALLOWED:
        moved = move(case, new, am_user)
        case.refresh_from_db()
        assert moved.status == case.status == new
        events = status_events(case)
        assert len(events) == before + 1
        assert events[-1].changes["status"] == [old, new]
        assert events[-1].actor == am_user
    else:
        with pytest.raises(DomainError) as refused:
            move(case, new, am_user)
        message = str(refused.value)
        assert case.reference in message
        if old == new:
            assert f"already {CaseStatus(old).label}" in message
        else:
            assert CaseStatus(new).label in message
            for label in allowed_labels(old):
                assert label in message, f"{label!r} missing from {message!r}"
            if not CASE_TRANSITIONS[old]:
                assert "none (final)" in message
        case.refresh_from_db()
        assert case.status == old
        assert len(status_events(case)) == before


@pytest.mark.parametrize("pair", ALL_PAIRS, ids=_pair_id)
def test_participant_transition(pair, inquiry, am_user, mp_user):
    old, new = pair
    case = bring_to(inquiry, old, am_user)
    before = len(status_events(case))

    if pair in PARTICIPANT_ALLOWED:
        move(case, new, mp_user)
        case.refresh_from_db()
        assert case.status == new
        assert status_events(case)[-1].changes["status"] == [old, new]
        assert status_events(case)[-1].actor == mp_user
    else:
        with pytest.raises(DomainError) as refused:
            move(case, new, mp_user)
        message = str(refused.value)
        if pair in STAFF_ALLOWED:
            assert message == "Only Client Services can make that change."
        elif old != new:
            assert "Allowed next" in message
        case.refresh_from_db()
        assert case.status == old
        assert len(status_events(case)) == before


def test_every_status_is_in_the_map():
    assert set(CASE_TRANSITIONS) == set(CaseStatus)
    assert not CASE_TRANSITIONS[CaseStatus.CLOSED]
    assert not CASE_TRANSITIONS[CaseStatus.WITHDRAWN]


# --- timestamps and who acts next ------------------------------------------------------------------


def test_a_new_case_waits_on_client_services(inquiry):
    assert inquiry.status == CaseStatus.NEW
    assert inquiry.next_action_by == NextAction.CLIENT_SERVICES
    assert inquiry.acknowledged_at is inquiry.first_response_at is inquiry.resolved_at is inquiry.closed_at is None


def test_acknowledge_records_when(inquiry, am_user):
    moment = ct(2026, 11, 23, 9, 15)
    case = case_acknowledge(actor=am_user, case=inquiry, now=moment)
    case.refresh_from_db()
    assert case.acknowledged_at == moment
    assert case.next_action_by == NextAction.CLIENT_SERVICES
    assert case.first_response_at is None  # acknowledging is not an answer


def test_waiting_on_participant_hands_the_next_action_to_them_and_back(inquiry, am_user, mp_user):
    case = case_wait_on_participant(actor=am_user, case=inquiry, now=ct(2026, 11, 23, 10))
    case.refresh_from_db()
    assert case.next_action_by == NextAction.PARTICIPANT
    assert case.paused_at == ct(2026, 11, 23, 10)

    case_reply(actor=mp_user, case=case, body="Here is the Form B confirmation number: 55-1234.")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.next_action_by == NextAction.CLIENT_SERVICES
    assert case.paused_at is None


def test_resolve_sets_resolved_at_and_first_response_when_none_came_before(inquiry, am_user):
    moment = ct(2026, 11, 23, 11, 30)
    case_resolve(actor=am_user, case=inquiry, resolution_summary="  Approved.  ", now=moment)
    inquiry.refresh_from_db()
    assert inquiry.resolved_at == moment
    assert inquiry.first_response_at == moment
    assert inquiry.resolution_summary == "Approved."
    assert inquiry.next_action_by == NextAction.NOBODY
    assert inquiry.closed_at is None


def test_resolve_keeps_an_earlier_first_response(inquiry, am_user):
    case_reply(actor=am_user, case=inquiry, body="We are checking with Legal.")
    inquiry.refresh_from_db()
    first = inquiry.first_response_at
    assert first is not None
    case_resolve(actor=am_user, case=inquiry, resolution_summary="Approved.", now=first + datetime.timedelta(days=2))
    inquiry.refresh_from_db()
    assert inquiry.first_response_at == first
    assert inquiry.resolved_at == first + datetime.timedelta(days=2)


def test_close_sets_closed_at(inquiry, am_user):
    case_resolve(actor=am_user, case=inquiry, resolution_summary="Done.", now=ct(2026, 11, 23, 12))
    case_close(actor=am_user, case=inquiry, now=ct(2026, 11, 30, 12))
    inquiry.refresh_from_db()
    assert inquiry.closed_at == ct(2026, 11, 30, 12)
    assert inquiry.resolved_at == ct(2026, 11, 23, 12)
    assert inquiry.next_action_by == NextAction.NOBODY


def test_withdrawing_a_dispute_records_the_withdrawn_outcome(dispute, mp_user):
    case_withdraw(actor=mp_user, case=dispute, reason="Paid after all.", now=ct(2026, 11, 24, 8))
    dispute.refresh_from_db()
    assert dispute.status == CaseStatus.WITHDRAWN
    assert dispute.closed_at == ct(2026, 11, 24, 8)
    assert dispute.next_action_by == NextAction.NOBODY
    assert dispute.dispute.outcome == DisputeOutcome.WITHDRAWN
    assert dispute.dispute.outcome_explanation == "Paid after all."


def test_audit_event_records_the_reason(inquiry, am_user):
    case_withdraw(actor=am_user, case=inquiry, reason="Duplicate phone call")
    event = status_events(inquiry)[-1]
    assert event.reason == "Duplicate phone call"
    assert event.participant == inquiry.participant


# --- reopen ------------------------------------------------------------------------------------------


def _resolve(case, staff, when):
    return case_resolve(actor=staff, case=case, resolution_summary="Done.", now=when)


def test_participant_reopens_within_the_window(inquiry, am_user, mp_user):
    resolved = ct(2026, 11, 2, 10)
    _resolve(inquiry, am_user, resolved)
    case = case_reopen(
        actor=mp_user,
        case=inquiry,
        reason="Still wrong on our statement.",
        now=resolved + datetime.timedelta(days=CaseSettings.load().reopen_window_days) - datetime.timedelta(minutes=1),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.resolved_at is None
    assert case.next_action_by == NextAction.CLIENT_SERVICES
    event = status_events(case)[-1]
    assert event.changes["status"] == [CaseStatus.RESOLVED, CaseStatus.IN_PROGRESS]
    assert event.reason == "Still wrong on our statement."


@pytest.mark.parametrize("actor_name", ["mp_user", "am_user"])
def test_reopen_after_the_window_is_refused_with_the_date(actor_name, request, inquiry, am_user):
    settings_row = CaseSettings.load()
    settings_row.reopen_window_days = 5
    settings_row.save()
    _resolve(inquiry, am_user, ct(2026, 11, 2, 10))
    actor = request.getfixturevalue(actor_name)

    with pytest.raises(DomainError) as refused:
        case_reopen(actor=actor, case=inquiry, reason="Please look again", now=ct(2026, 11, 7, 10, 1))
    message = str(refused.value)
    assert "Nov 02, 2026" in message  # resolved
    assert "Nov 07, 2026" in message  # reopenable until
    inquiry.refresh_from_db()
    assert inquiry.status == CaseStatus.RESOLVED
    # Inside the (edited) window it works.
    case_reopen(actor=actor, case=inquiry, reason="Please look again", now=ct(2026, 11, 7, 9, 59))
    inquiry.refresh_from_db()
    assert inquiry.status == CaseStatus.IN_PROGRESS


def test_reopen_needs_a_reason(inquiry, am_user, mp_user):
    _resolve(inquiry, am_user, ct(2026, 11, 2, 10))
    with pytest.raises(DomainError, match="why"):
        case_reopen(actor=mp_user, case=inquiry, reason="  ", now=ct(2026, 11, 3, 10))
    inquiry.refresh_from_db()
    assert inquiry.status == CaseStatus.RESOLVED


def test_participant_cannot_close_or_resolve(inquiry, am_user, mp_user):
    with pytest.raises(DomainError, match="Only Client Services"):
        case_resolve(actor=mp_user, case=inquiry, resolution_summary="Mine")
    _resolve(inquiry, am_user, ct(2026, 11, 2, 10))
    with pytest.raises(DomainError, match="Only Client Services"):
        case_close(actor=mp_user, case=inquiry)
    inquiry.refresh_from_db()
    assert inquiry.status == CaseStatus.RESOLVED


# --- resolution requirements ------------------------------------------------------------------------


def test_resolving_an_inquiry_needs_a_summary(inquiry, am_user):
    with pytest.raises(DomainError, match="Summarize the resolution"):
        case_resolve(actor=am_user, case=inquiry, resolution_summary="   ")
    inquiry.refresh_from_db()
    assert inquiry.status == CaseStatus.NEW
    assert inquiry.resolved_at is None


@pytest.mark.parametrize(
    "outcome, explanation, error",
    [
        ("", "Recalculated.", "Choose the dispute outcome"),
        ("partly", "Recalculated.", "Choose the dispute outcome"),
        (DisputeOutcome.DENIED, "", "Explain the dispute outcome"),
        (DisputeOutcome.DENIED, "   ", "Explain the dispute outcome"),
    ],
)
def test_resolving_a_dispute_needs_an_outcome_and_an_explanation(dispute, am_user, outcome, explanation, error):
    with pytest.raises(DomainError, match=error):
        dispute_resolve(
            actor=am_user,
            case=dispute,
            outcome=outcome,
            outcome_explanation=explanation,
            resolution_summary="A summary does not replace the outcome.",
        )
    dispute.refresh_from_db()
    assert dispute.status == CaseStatus.NEW
    assert dispute.dispute.outcome == ""


def test_resolving_a_dispute_records_the_outcome(dispute, am_user):
    dispute_resolve(
        actor=am_user,
        case=dispute,
        outcome=DisputeOutcome.GRANTED_WITH_EXCEPTIONS,
        outcome_explanation="Granted for HE 14-16 only.",
        granted_amount=Decimal("800.00"),
    )
    dispute.refresh_from_db()
    assert dispute.status == CaseStatus.RESOLVED
    assert dispute.dispute.outcome == DisputeOutcome.GRANTED_WITH_EXCEPTIONS
    assert dispute.dispute.outcome_explanation == "Granted for HE 14-16 only."
    assert dispute.dispute.granted_amount == Decimal("800.00")
    assert dispute.resolution_summary == "Granted for HE 14-16 only."
    assert status_events(dispute)[-1].changes["outcome"] == ["", DisputeOutcome.GRANTED_WITH_EXCEPTIONS]


# --- bulk actions ---------------------------------------------------------------------------------------------


def test_bulk_close_closes_resolved_cases_and_explains_the_rest(submit, am_user, lead):
    resolved = [submit(), submit()]
    for case in resolved:
        case_resolve(actor=am_user, case=case, resolution_summary="Done.")
    still_open = submit()

    result = case_bulk_close(actor=lead, cases=[*resolved, still_open], reason="Quarter-end clean-up")

    assert result.done == [c.reference for c in resolved]
    assert list(result.refused) == [still_open.reference]
    assert "cannot move to Closed" in result.refused[still_open.reference]
    for case in resolved:
        case.refresh_from_db()
        assert case.status == CaseStatus.CLOSED
        assert status_events(case)[-1].reason == "Quarter-end clean-up"
    still_open.refresh_from_db()
    assert still_open.status == CaseStatus.NEW


def test_bulk_assign_reports_refusals(submit, lead, mp_user):
    colleague = StaffFactory()
    cases = [submit(), submit()]
    result = case_bulk_assign(actor=lead, cases=cases, assignee=colleague, reason="Rebalancing")
    assert result.done == [c.reference for c in cases]
    assert result.refused == {}
    assert {c.assignee for c in Case.objects.filter(pk__in=[c.pk for c in cases])} == {colleague}

    refused = case_bulk_assign(actor=lead, cases=cases, assignee=mp_user)
    assert refused.done == []
    assert set(refused.refused) == {c.reference for c in cases}


# --- one service per action --------------------------------------------------------------------------------------


def test_each_status_but_new_is_reached_by_its_own_service(inquiry, dispute):
    assert transition_service(inquiry, CaseStatus.ACKNOWLEDGED) is case_acknowledge
    assert transition_service(inquiry, CaseStatus.IN_PROGRESS) is case_start_work
    assert transition_service(inquiry, CaseStatus.WAITING) is case_wait_on_participant
    assert transition_service(inquiry, CaseStatus.RESOLVED) is case_resolve
    assert transition_service(dispute, CaseStatus.RESOLVED) is dispute_resolve
    assert transition_service(inquiry, CaseStatus.CLOSED) is case_close
    assert transition_service(inquiry, CaseStatus.WITHDRAWN) is case_withdraw
    with pytest.raises(DomainError, match="already New") as refused:
        transition_service(inquiry, CaseStatus.NEW)
    assert refused.value.code == CaseErrorCode.ALREADY_IN_STATUS


def test_a_resolved_case_goes_back_in_progress_only_by_reopening(inquiry, am_user):
    _resolve(inquiry, am_user, ct(2026, 11, 2, 10))
    inquiry.refresh_from_db()
    assert transition_service(inquiry, CaseStatus.IN_PROGRESS) is case_reopen
    with pytest.raises(DomainError, match="reopen it") as refused:
        case_start_work(actor=am_user, case=inquiry, now=ct(2026, 11, 3, 10))
    assert refused.value.code == CaseErrorCode.INVALID_TRANSITION
    inquiry.refresh_from_db()
    assert inquiry.status == CaseStatus.RESOLVED and len(status_events(inquiry)) == 1


def test_only_a_resolved_case_can_be_reopened(inquiry, am_user):
    with pytest.raises(DomainError, match="only a resolved case can be reopened") as refused:
        case_reopen(actor=am_user, case=inquiry, reason="Again")
    assert refused.value.code == CaseErrorCode.INVALID_TRANSITION
    inquiry.refresh_from_db()
    assert inquiry.status == CaseStatus.NEW and status_events(inquiry) == []


def test_a_dispute_outcome_is_for_disputes_only(inquiry, am_user):
    with pytest.raises(DomainError, match="not a dispute") as refused:
        dispute_resolve(actor=am_user, case=inquiry, outcome=DisputeOutcome.DENIED, outcome_explanation="No.")
    assert refused.value.code == CaseErrorCode.INVALID
    inquiry.refresh_from_db()
    assert inquiry.status == CaseStatus.NEW


def test_a_dispute_resolved_without_its_outcome_is_refused(dispute, am_user):
    with pytest.raises(DomainError, match="Choose the dispute outcome") as refused:
        case_resolve(actor=am_user, case=dispute, resolution_summary="Looked at it.")
    assert refused.value.code == CaseErrorCode.OUTCOME_REQUIRED
