"""Fixtures of the webhook tests (imported by each ``test_webhooks*`` module): a running receiver, and the MP's
User Security Administrator who manages its endpoints."""

import pytest

from tests.accounts.factories import MembershipFactory

from .webhook_receiver import receiver_running


@pytest.fixture
def receiver():
    with receiver_running() as running:
        yield running


@pytest.fixture
def usa(participant):
    return MembershipFactory(participant=participant, usa=True).user
