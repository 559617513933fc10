"""The dispute decision loop through the API: the decision in the case, accept and reject (with the Idempotency-Key
every POST takes), and the 409 problems with the service's code when there is nothing to answer."""

from decimal import Decimal

import pytest

from api.models import ApiScope
from cases.models import CaseStatus, DecisionState, DisputeOutcome
from cases.services import dispute_resolve
from tests.cases.factories import SubmittedCaseFactory

from .calls import api_get, assert_problem, post_json
from .factories import ApiKeyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(participant):
    return ApiKeyFactory(participant=participant, scopes=[ApiScope.READ_CASES, ApiScope.WRITE_CASES])


@pytest.fixture
def denied(key, participant, account_manager):
    case = SubmittedCaseFactory(actor=key.created_by, participant=participant, disputed=True)
    dispute_resolve(
        actor=account_manager.user, case=case, outcome=DisputeOutcome.DENIED, outcome_explanation="Settled as bid."
    )
    return case


def test_the_case_shows_its_decision_and_accepting_closes_it(client, key, denied):
    read = api_get(client, f"/api/v1/cases/{denied.reference}", key).json()
    assert read["decision"]["state"] == DecisionState.AWAITING_ANSWER
    assert read["decision"]["respond_by"]

    url = f"/api/v1/cases/{denied.reference}/decision/accept"
    response = post_json(client, url, key, {}, **{"Idempotency-Key": "accept-1"})
    replay = post_json(client, url, key, {}, **{"Idempotency-Key": "accept-1"})

    assert response.status_code == 200
    assert response.json()["status"] == CaseStatus.CLOSED
    assert response.json()["decision"]["state"] == DecisionState.ACCEPTED
    assert replay.status_code == 200  # the same answer again, not a second acceptance
    body = assert_problem(post_json(client, url, key, {}), 409, "no_decision_to_answer")
    assert denied.reference in body["detail"]


def test_rejecting_twice_takes_the_dispute_to_adr(client, key, denied, account_manager):
    url = f"/api/v1/cases/{denied.reference}/decision/reject"
    assert_problem(post_json(client, url, key, {}), 400, "invalid")

    first = post_json(client, url, key, {"reason": "Not as bid."}, **{"Idempotency-Key": "reject-1"})
    assert first.status_code == 200
    assert (first.json()["status"], first.json()["decision"]["state"]) == (
        CaseStatus.IN_PROGRESS,
        DecisionState.UNDER_REVIEW,
    )
    assert_problem(post_json(client, url, key, {"reason": "Again"}), 409, "no_decision_to_answer")

    dispute_resolve(
        actor=account_manager.user,
        case=denied,
        outcome=DisputeOutcome.GRANTED_WITH_EXCEPTIONS,
        outcome_explanation="Part of it.",
        granted_amount=Decimal("10.00"),
    )
    second = post_json(client, url, key, {"reason": "Still not."}, **{"Idempotency-Key": "reject-2"})

    assert second.status_code == 200
    assert second.json()["decision"]["state"] == DecisionState.ADR_REQUESTED
    assert second.json()["decision"]["adr_requested_on"]
