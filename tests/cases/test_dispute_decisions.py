"""The dispute decision loop: the participant accepts or rejects a decision within a Business-Day window (holidays
excluded), a first rejection sends the dispute back for a new decision, a second one takes it to ADR; an unanswered
decision stands (the periodic task, idempotent); who may do what (another MP's case is a 404, another staff group a
403)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import StaffGroup
from cases.error_codes import CaseErrorCode
from cases.events import CaseEvent
from cases.models import (
    Case,
    CaseKind,
    CaseMessage,
    CaseNotification,
    CaseSettings,
    CaseStatus,
    DecisionState,
    DecisionWindow,
    DisputeDecision,
    DisputeOutcome,
    NextAction,
)
from cases.services import case_close, dispute_resolve
from cases.services.adr import AdrInput, adr_record
from cases.services.decisions import (
    decision_accept,
    decision_accept_lapsed,
    decision_reject,
)
from cases.tasks import accept_lapsed_decisions
from ercot_services.core.home_cards import card_specs_for
from ercot_services.core.models import AuditEvent, DomainError, Holiday
from tests.accounts.factories import StaffFactory
from tests.cases.conftest import ct
from tests.cases.factories import dispute_fields

pytestmark = pytest.mark.django_db

# Decided on Wednesday 18 Nov 2026: ten Business Days, skipping Thanksgiving and the day after (26 and 27 Nov), end
# on Friday 4 Dec 2026 (without the holidays it would be Wednesday 2 Dec).
DECIDED = ct(2026, 11, 18, 10, 0)
LAST_DAY = datetime.date(2026, 12, 4)


@pytest.fixture(autouse=True)
def thanksgiving(db):
    for day, name in ((datetime.date(2026, 11, 26), "Thanksgiving Day"), (datetime.date(2026, 11, 27), "Day after")):
        Holiday.objects.get_or_create(date=day, defaults={"name": name})


@pytest.fixture
def filed(submit, settlements):
    """A DAM dispute filed on the decision day (its filing window open then)."""
    with time_machine.travel(DECIDED - datetime.timedelta(hours=1), tick=False):
        return submit(
            kind=CaseKind.DISPUTE,
            category=settlements,
            subject="DAM charge looks wrong",
            description="The DA energy imbalance charge doubles our award.",
            dispute=dispute_fields(),
        )


def decide(case, actor, *, outcome=DisputeOutcome.DENIED, at=DECIDED, amount=None) -> Case:
    return dispute_resolve(
        actor=actor,
        case=case,
        outcome=outcome,
        outcome_explanation="The statement is correct: the award was settled as bid.",
        granted_amount=amount,
        now=at,
    )


def decision_of(case) -> DisputeDecision:
    return DisputeDecision.objects.get(case=case)


def verbs(case) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_object_id=str(case.pk), verb__startswith="dispute.")
        .order_by("pk")
        .values_list("verb", flat=True)
    )


# --- the window -------------------------------------------------------------------------------------------------


def test_a_denied_dispute_awaits_the_participants_answer_for_ten_business_days_skipping_thanksgiving(
    filed, am_user, mp_user
):
    decide(filed, am_user)

    decision = decision_of(filed)
    assert decision.state == DecisionState.AWAITING_ANSWER
    assert decision.respond_by == LAST_DAY
    assert Case.objects.get(pk=filed.pk).status == CaseStatus.RESOLVED
    assert verbs(filed) == [CaseEvent.DECISION_OFFERED]
    [email] = CaseNotification.objects.filter(
        case=filed, recipient=mp_user.email.lower(), event=CaseNotification.Event.STATUS
    )
    assert "accept or reject this decision in the portal until the end of Friday, 4 Dec 2026" in email.body


def test_the_window_is_administrator_data(filed, am_user):
    window = DecisionWindow.load()
    window.business_days = 3
    window.save()

    decide(filed, am_user)

    assert decision_of(filed).respond_by == datetime.date(2026, 11, 23)  # Thu 19, Fri 20, Mon 23


def test_a_dispute_granted_in_full_leaves_nothing_to_answer(filed, am_user, mp_user):
    decide(filed, am_user, outcome=DisputeOutcome.GRANTED, amount=Decimal("1250.75"))

    decision = decision_of(filed)
    assert (decision.state, decision.respond_by) == (DecisionState.FINAL, None)
    with pytest.raises(DomainError) as refused:
        decision_accept(actor=mp_user, case=filed, now=DECIDED)
    assert refused.value.code == CaseErrorCode.NO_DECISION_TO_ANSWER


def test_accepting_on_the_last_day_closes_the_dispute_and_tells_the_account_manager(filed, am_user, mp_user):
    decide(filed, am_user)

    decision_accept(actor=mp_user, case=filed, now=ct(2026, 12, 4, 16, 59))

    case = Case.objects.get(pk=filed.pk)
    decision = decision_of(filed)
    assert (case.status, case.next_action_by) == (CaseStatus.CLOSED, NextAction.NOBODY)
    assert (decision.state, decision.answered_by) == (DecisionState.ACCEPTED, mp_user)
    assert verbs(filed)[-1] == CaseEvent.DECISION_ACCEPTED
    recipients = set(
        CaseNotification.objects.filter(case=filed, event=CaseNotification.Event.DECISION).values_list(
            "recipient", flat=True
        )
    )
    assert am_user.email.lower() in recipients


def test_answering_one_day_late_is_refused_with_the_last_day(filed, am_user, mp_user):
    decide(filed, am_user)

    with pytest.raises(DomainError) as refused:
        decision_accept(actor=mp_user, case=filed, now=ct(2026, 12, 5, 9, 0))

    assert refused.value.code == CaseErrorCode.DECISION_WINDOW_PASSED
    assert "Friday, 4 Dec 2026" in str(refused.value)
    assert decision_of(filed).state == DecisionState.AWAITING_ANSWER


def test_staff_cannot_close_a_dispute_whose_decision_awaits_an_answer(filed, am_user):
    decide(filed, am_user)

    with pytest.raises(DomainError) as refused:
        case_close(actor=am_user, case=filed, now=DECIDED + datetime.timedelta(days=1))

    assert refused.value.code == CaseErrorCode.DECISION_PENDING
    assert "Friday, 4 Dec 2026" in str(refused.value)


# --- reject, decide again, reject again: ADR ---------------------------------------------------------------------------


def test_reject_reopens_decide_again_reject_goes_to_adr_and_adr_closes_it(filed, am_user, mp_user):
    settings = CaseSettings.load()
    settings.reopen_window_days = 1  # the ordinary reopen would be refused on the days below: this is its own path
    settings.save()
    decide(filed, am_user)

    first = decision_reject(actor=mp_user, case=filed, reason="The award was not as bid.", now=ct(2026, 12, 1, 9))

    case = Case.objects.get(pk=filed.pk)
    assert first.state == DecisionState.UNDER_REVIEW
    assert (case.status, case.next_action_by, case.resolved_at) == (
        CaseStatus.IN_PROGRESS,
        NextAction.CLIENT_SERVICES,
        None,
    )
    assert CaseMessage.objects.filter(case=filed, body__contains="The award was not as bid.").exists()

    decide(case, am_user, outcome=DisputeOutcome.GRANTED_WITH_EXCEPTIONS, amount=Decimal("100"), at=ct(2026, 12, 2, 9))
    second = decision_of(filed)
    assert (second.state, second.round, second.respond_by) == (
        DecisionState.AWAITING_ANSWER,
        2,
        datetime.date(2026, 12, 16),
    )

    adr = decision_reject(actor=mp_user, case=filed, reason="Still wrong.", now=ct(2026, 12, 3, 9))

    case = Case.objects.get(pk=filed.pk)
    assert (adr.state, adr.adr_requested_on, adr.rejections) == (
        DecisionState.ADR_REQUESTED,
        datetime.date(2026, 12, 3),
        2,
    )
    assert case.status == CaseStatus.RESOLVED  # off the SLA clock while ADR runs
    with pytest.raises(DomainError) as refused:
        case_close(actor=am_user, case=filed, now=ct(2026, 12, 3, 10))
    assert refused.value.code == CaseErrorCode.DECISION_PENDING

    adr_record(
        actor=am_user,
        case=filed,
        adr=AdrInput(state=DecisionState.ADR_IN_PROGRESS, started_on=datetime.date(2026, 12, 7)),
        now=ct(2026, 12, 7, 9),
    )
    concluded = adr_record(
        actor=am_user,
        case=filed,
        adr=AdrInput(
            state=DecisionState.ADR_CONCLUDED,
            outcome="settled",
            amount=Decimal("600.00"),
            explanation="Settled at half of the disputed amount.",
        ),
        now=ct(2026, 12, 18, 9),
    )

    case = Case.objects.get(pk=filed.pk)
    assert (concluded.state, concluded.adr_outcome, concluded.adr_amount) == (
        DecisionState.ADR_CONCLUDED,
        "settled",
        Decimal("600.00"),
    )
    assert (concluded.adr_started_on, concluded.adr_concluded_on) == (
        datetime.date(2026, 12, 7),
        datetime.date(2026, 12, 18),
    )
    assert case.status == CaseStatus.CLOSED
    assert verbs(filed) == [
        CaseEvent.DECISION_OFFERED,
        CaseEvent.DECISION_REJECTED,
        CaseEvent.DECISION_OFFERED,
        CaseEvent.ADR_REQUESTED,
        CaseEvent.ADR_RECORDED,
        CaseEvent.ADR_RECORDED,
    ]


def test_a_rejection_needs_a_reason(filed, am_user, mp_user):
    decide(filed, am_user)

    with pytest.raises(DomainError) as refused:
        decision_reject(actor=mp_user, case=filed, reason="  ", now=DECIDED)

    assert refused.value.code == CaseErrorCode.REASON_REQUIRED


def test_concluding_adr_needs_an_outcome_and_an_explanation(filed, am_user, mp_user):
    decide(filed, am_user)
    decision_reject(actor=mp_user, case=filed, reason="No.", now=ct(2026, 11, 19, 9))
    decide(Case.objects.get(pk=filed.pk), am_user, at=ct(2026, 11, 20, 9))
    decision_reject(actor=mp_user, case=filed, reason="Still no.", now=ct(2026, 11, 23, 9))

    with pytest.raises(DomainError) as refused:
        adr_record(actor=am_user, case=filed, adr=AdrInput(state=DecisionState.ADR_CONCLUDED), now=ct(2026, 12, 1, 9))

    assert refused.value.code == CaseErrorCode.OUTCOME_REQUIRED
    assert decision_of(filed).state == DecisionState.ADR_REQUESTED


# --- the decision stands when nobody answers ------------------------------------------------------------------------


def test_an_unanswered_decision_stands_once_its_last_day_has_passed_and_the_task_is_idempotent(filed, am_user, mp_user):
    decide(filed, am_user)

    assert decision_accept_lapsed(now=ct(2026, 12, 4, 23, 30)) == 0  # the last day is not over
    with time_machine.travel(ct(2026, 12, 5, 0, 10), tick=False):
        assert accept_lapsed_decisions() == 1
        assert accept_lapsed_decisions() == 0

    case = Case.objects.get(pk=filed.pk)
    assert case.status == CaseStatus.CLOSED
    assert decision_of(filed).state == DecisionState.ACCEPTED_BY_DEFAULT
    assert verbs(filed).count(CaseEvent.DECISION_ACCEPTED_BY_DEFAULT) == 1


# --- who may -------------------------------------------------------------------------------------------------------------


def test_another_mps_user_cannot_answer_the_decision(filed, am_user, other_mp_user):
    decide(filed, am_user)

    with pytest.raises(DomainError) as refused:
        decision_accept(actor=other_mp_user, case=filed, now=DECIDED)

    assert refused.value.code == CaseErrorCode.PERMISSION_DENIED


def test_another_mps_user_gets_404_on_the_decision_pages(client, filed, am_user, other_mp_user):
    decide(filed, am_user)
    client.force_login(other_mp_user)

    with time_machine.travel(DECIDED, tick=False):
        assert client.get(reverse("portal:decision-accept", args=[filed.reference])).status_code == 404
        response = client.post(reverse("portal:decision-reject", args=[filed.reference]), {"reason": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize("url_name", ["workspace:case-adr", "workspace:case-market-effect"])
def test_staff_who_do_not_resolve_disputes_get_403_on_the_decision_actions(client, filed, url_name):
    client.force_login(StaffFactory(groups=[StaffGroup.SERVICE_DESK]))

    response = client.post(reverse(url_name, args=[filed.reference]), {"state": "adr_in_progress"})

    assert response.status_code == 403


# --- the pages -------------------------------------------------------------------------------------------------


def test_the_portal_case_page_offers_accept_and_reject_with_the_last_day(client, filed, am_user, mp_user):
    decide(filed, am_user)
    client.force_login(mp_user)

    with time_machine.travel(ct(2026, 11, 20, 9), tick=False):
        page = client.get(filed.get_portal_url()).content.decode()

    assert "Accept or reject by" in page and "Friday, 4 Dec 2026" in page
    assert reverse("portal:decision-accept", args=[filed.reference]) in page
    assert reverse("portal:decision-reject", args=[filed.reference]) in page


def test_rejecting_in_the_portal_asks_for_confirmation_and_the_second_time_says_it_goes_to_adr(
    client, filed, am_user, mp_user
):
    decide(filed, am_user)
    client.force_login(mp_user)
    url = reverse("portal:decision-reject", args=[filed.reference])

    with time_machine.travel(ct(2026, 11, 19, 9), tick=False):
        asked = client.post(url, {"reason": "The award was not as bid."})
        assert asked.status_code == 200 and "back to Client Services for a new decision" in asked.content.decode()
        assert decision_of(filed).state == DecisionState.AWAITING_ANSWER
        done = client.post(url, {"reason": "The award was not as bid.", "confirmed": "yes"})
    assert done.status_code == 302
    assert decision_of(filed).state == DecisionState.UNDER_REVIEW

    decide(Case.objects.get(pk=filed.pk), am_user, at=ct(2026, 11, 20, 9))
    with time_machine.travel(ct(2026, 11, 23, 9), tick=False):
        asked = client.post(url, {"reason": "Still wrong."})
        assert "alternative dispute resolution (ADR)" in asked.content.decode()
        client.post(url, {"reason": "Still wrong.", "confirmed": "yes"})
        page = client.get(filed.get_portal_url()).content.decode()
    assert decision_of(filed).state == DecisionState.ADR_REQUESTED
    assert "Alternative dispute resolution (ADR)" in page and "ADR requested" in page


def test_answering_late_in_the_portal_shows_the_last_day_on_the_form(client, filed, am_user, mp_user):
    decide(filed, am_user)
    client.force_login(mp_user)

    with time_machine.travel(ct(2026, 12, 5, 9), tick=False):
        response = client.post(reverse("portal:decision-accept", args=[filed.reference]))

    assert response.status_code == 400
    assert "Friday, 4 Dec 2026" in response.content.decode()


def test_the_lead_records_adr_on_its_page_and_the_staff_case_page_shows_it(client, filed, am_user, mp_user, lead):
    decide(filed, am_user)
    decision_reject(actor=mp_user, case=filed, reason="No.", now=ct(2026, 11, 19, 9))
    decide(Case.objects.get(pk=filed.pk), am_user, at=ct(2026, 11, 20, 9))
    decision_reject(actor=mp_user, case=filed, reason="Still no.", now=ct(2026, 11, 23, 9))
    client.force_login(lead)

    response = client.post(
        reverse("workspace:case-adr", args=[filed.reference]), {"state": "adr_in_progress", "started_on": "2026-11-30"}
    )

    assert response.status_code == 302
    assert decision_of(filed).adr_started_on == datetime.date(2026, 11, 30)
    page = client.get(filed.get_absolute_url()).content.decode()
    assert "ADR in progress" in page and "Decision and ADR" in page


def test_the_home_card_lists_rejected_decisions_and_disputes_in_adr(filed, am_user, mp_user, lead):
    decide(filed, am_user)
    decision_reject(actor=mp_user, case=filed, reason="No.", now=ct(2026, 11, 19, 9))
    spec = {spec.key: spec for spec in card_specs_for([StaffGroup.CLIENT_SERVICES_LEAD])}["dispute-decisions"]

    card = spec.selector(lead, today=datetime.date(2026, 11, 19))
    assert card.count == 1
    assert filed.reference in card.rows[0].label and card.rows[0].detail == "Decision rejected: under further review"
    assert (
        spec.selector(StaffFactory(groups=[StaffGroup.ACCOUNT_MANAGER]), today=datetime.date(2026, 11, 19)).count == 0
    )


def test_the_demo_seeds_a_dispute_in_adr_one_awaiting_an_answer_and_one_with_a_market_wide_effect(account_manager):
    from cases.management.seed_decisions import seed_decisions
    from ercot_services.core.calendar import business_calendar
    from tests.accounts.factories import MembershipFactory, ParticipantFactory

    for name in ("BLUEBONNET", "LSRE"):
        MembershipFactory(participant=ParticipantFactory(short_name=name, account_manager=account_manager))

    with time_machine.travel(ct(2026, 10, 14, 10), tick=False):
        assert seed_decisions(calendar=business_calendar(), now=ct(2026, 10, 14, 10)) == 3

    states = dict(DisputeDecision.objects.values_list("case__participant__short_name", "state").order_by("state"))
    assert sorted(DisputeDecision.objects.values_list("state", flat=True)) == [
        DecisionState.ADR_IN_PROGRESS,
        DecisionState.AWAITING_ANSWER,
        DecisionState.FINAL,
    ]
    assert states["LSRE"] == DecisionState.AWAITING_ANSWER
    assert DisputeDecision.objects.filter(market_wide_effect=True).count() == 1


def test_a_participant_answers_a_decision_by_rejecting_it_not_by_reopening(client, filed, am_user, mp_user):
    from cases.services import case_reopen

    decide(filed, am_user)

    with pytest.raises(DomainError) as refused:
        case_reopen(actor=mp_user, case=filed, reason="Wrong", now=DECIDED + datetime.timedelta(hours=1))
    assert refused.value.code == CaseErrorCode.DECISION_PENDING

    client.force_login(mp_user)
    with time_machine.travel(DECIDED + datetime.timedelta(hours=1), tick=False):
        page = client.get(filed.get_portal_url()).content.decode()
    assert reverse("portal:case-reopen", args=[filed.reference]) not in page


def test_each_step_reads_in_words_on_the_case_timeline(filed, am_user, mp_user):
    from ercot_services.core.timeline import timeline_entries

    decide(filed, am_user)
    decision_reject(actor=mp_user, case=filed, reason="Not as bid.", now=ct(2026, 11, 19, 9))

    events = AuditEvent.objects.for_object(filed).select_related("actor", "target_content_type").order_by("-pk")
    items = [item for entry in timeline_entries(events) for item in entry.items]
    labels = [item.label for item in items]
    assert "Decision rejected: back for further review" in labels
    assert "Decision offered to the participant" in labels
    lines = [(line.label, line.old, line.new) for item in items for line in item.changes]
    assert ("Dispute decision", "Awaiting the participant's answer", "Decision rejected: under further review") in lines
