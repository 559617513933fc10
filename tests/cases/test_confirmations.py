"""Consequential case actions are confirmed with their consequence spelled out (``cases.confirmations``, shown by
``core.actions.ActionView``'s confirmation step), and Resolve is in the action area at the top of the case page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import StaffGroup
from cases.confirmations import dispute_low_grant_consequence
from cases.models import CaseKind, CaseStatus, DisputeOutcome
from cases.services import case_start_work
from tests.accounts.factories import StaffFactory
from tests.cases.factories import dispute_fields

pytestmark = pytest.mark.django_db

LOW_GRANT = "You are granting $100.00 of $208,866.00 claimed (0.05 %)"


@pytest.fixture
def big_dispute(submit, settlements, am_user):
    case = submit(
        kind=CaseKind.DISPUTE,
        category=settlements,
        subject="RT charge doubled",
        description="The RT energy imbalance charge doubles our award.",
        dispute=dispute_fields(disputed_amount=Decimal("208866.00")),
    )
    case_start_work(actor=am_user, case=case)
    return case


def _transition(client, case, data):
    return client.post(reverse("workspace:case-transition", args=[case.reference]), data)


def _grant(amount: str, **extra) -> dict:
    return {
        "to_status": CaseStatus.RESOLVED,
        "outcome": DisputeOutcome.GRANTED,
        "outcome_explanation": "The charge was recalculated.",
        "granted_amount": amount,
        **extra,
    }


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize(
    ("outcome", "granted", "expected"),
    [
        (DisputeOutcome.GRANTED, "100.00", LOW_GRANT),
        (DisputeOutcome.GRANTED, "104432.99", "You are granting $104,432.99 of $208,866.00 claimed (50.00 %)"),
        (DisputeOutcome.GRANTED, "104433.00", ""),  # half or more: no question
        (DisputeOutcome.GRANTED, None, ""),
        (DisputeOutcome.GRANTED_WITH_EXCEPTIONS, "100.00", ""),  # exceptions explain a small grant
        (DisputeOutcome.DENIED, None, ""),
    ],
)
def test_a_dispute_granted_for_under_half_of_the_claim_is_confirmed(big_dispute, outcome, granted, expected):
    message = dispute_low_grant_consequence(
        big_dispute, outcome=outcome, granted_amount=Decimal(granted) if granted else None
    )
    assert message.startswith(expected) if expected else message == ""


def test_an_inquiry_has_no_grant_to_confirm(inquiry):
    assert dispute_low_grant_consequence(inquiry, outcome=DisputeOutcome.GRANTED, granted_amount=Decimal("1")) == ""


def test_resolving_for_much_less_than_claimed_asks_first_and_resolves_once_confirmed(client, big_dispute, am_user):
    client.force_login(am_user)
    response = _transition(client, big_dispute, _grant("100.00"))
    assert response.status_code == 200
    text = _text(response)
    assert LOW_GRANT in text and 'name="confirmed" value="yes"' in text and "Yes, grant $100.00" in text
    assert "That change was not saved" not in text  # a question, not an error
    big_dispute.refresh_from_db()
    assert big_dispute.status == CaseStatus.IN_PROGRESS  # nothing happened yet

    # The confirming form posts the same values again.
    confirmation = response.context["confirmation"]
    assert dict(confirmation.data)["granted_amount"] == "100.00"
    response = _transition(client, big_dispute, {**dict(confirmation.data), "confirmed": "yes"})
    assert response.status_code == 302
    big_dispute.refresh_from_db()
    assert big_dispute.status == CaseStatus.RESOLVED
    assert big_dispute.dispute.granted_amount == Decimal("100.00")


def test_a_grant_of_most_of_the_claim_resolves_without_a_question(client, big_dispute, am_user):
    client.force_login(am_user)
    assert _transition(client, big_dispute, _grant("200000.00")).status_code == 302
    big_dispute.refresh_from_db()
    assert big_dispute.status == CaseStatus.RESOLVED


def test_withdrawing_is_confirmed_with_its_consequence(client, big_dispute, am_user):
    client.force_login(am_user)
    response = _transition(client, big_dispute, {"to_status": CaseStatus.WITHDRAWN})
    assert response.status_code == 200
    assert f"Withdrawing {big_dispute.reference} ends this dispute without a resolution" in _text(response)
    big_dispute.refresh_from_db()
    assert big_dispute.status == CaseStatus.IN_PROGRESS
    response = _transition(client, big_dispute, {"to_status": CaseStatus.WITHDRAWN, "confirmed": "yes"})
    assert response.status_code == 302
    big_dispute.refresh_from_db()
    assert big_dispute.status == CaseStatus.WITHDRAWN


def test_a_confirmation_does_not_let_the_wrong_people_act(client, big_dispute, mp_user):
    desk = StaffFactory(groups=[StaffGroup.SERVICE_DESK])
    client.force_login(desk)  # the Service Desk works cases but does not resolve disputes
    assert _transition(client, big_dispute, _grant("100.00", confirmed="yes")).status_code == 403
    client.force_login(mp_user)  # a participant's user never reaches the workspace
    assert _transition(client, big_dispute, _grant("100.00", confirmed="yes")).status_code in (302, 403, 404)
    big_dispute.refresh_from_db()
    assert big_dispute.status == CaseStatus.IN_PROGRESS


def test_resolve_is_in_the_action_area_at_the_top_and_withdraw_is_no_red_button(
    client, big_dispute, am_user, django_assert_max_num_queries
):
    client.force_login(am_user)
    url = reverse("workspace:case-detail", args=[big_dispute.reference])
    client.get(url)
    with django_assert_max_num_queries(60):
        text = _text(client.get(url))
    assert text.index('id="status-heading"') < text.index('id="details-heading"') < text.index('id="dispute-heading"')
    resolve = text[text.index('id="resolve"') :]
    assert "<details" not in text[text.index('id="status-heading"') : text.index('id="resolve"')]
    assert f"Resolve {big_dispute.reference}" in resolve and 'name="outcome"' in resolve
    withdraw = re.search(r'<button class="btn btn-sm ([^"]*)" type="submit" name="to_status" value="withdrawn">', text)
    assert withdraw is not None and "danger" not in withdraw.group(1) and "btn-link" in withdraw.group(1)
