"""Fixtures for the plan management service tests: an MP with its AM and contacts, and meeting times."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.models import ContactRole
from ercot_services.core.models import OutboundEmail
from tests.accounts.factories import MembershipFactory, StaffFactory

CT = ZoneInfo("America/Chicago")


def ct(*args) -> datetime.datetime:
    """An aware datetime in the operator's time zone."""
    return datetime.datetime(*args, tzinfo=CT)


def outbox_rows(**filters):
    return list(OutboundEmail.objects.filter(**filters).order_by("pk"))


@pytest.fixture
def am(account_manager):
    """The MP's Account Manager as a user (the actor of most plan services)."""
    return account_manager.user


@pytest.fixture
def contact(participant):
    return MembershipFactory(
        participant=participant,
        contact_role=ContactRole.SETTLEMENT,
        user__full_name="Casey Contact",
        user__email="casey@bluebonnet.example",
    ).user


@pytest.fixture
def second_contact(participant):
    return MembershipFactory(
        participant=participant,
        contact_role=ContactRole.TECHNICAL,
        user__full_name="Dana Delgado",
        user__email="dana@bluebonnet.example",
    ).user


@pytest.fixture
def colleague(db):
    return StaffFactory(groups=["Client Services Lead"], full_name="Lee Lead", email="lee.lead@ercot.example")
