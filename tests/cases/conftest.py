"""Fixtures for the case (inquiry/dispute) tests: categories, people, and cases opened through the services
(``submit``, ``inquiry``, ``dispute``: ``SubmittedCaseFactory``, tests/cases/factories.py)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group

from accounts.roles import StaffGroup
from cases.models import CaseCategory, CaseKind
from tests.accounts.factories import StaffFactory
from tests.cases.factories import SubmittedCaseFactory, dispute_fields

CT = ZoneInfo("America/Chicago")


def ct(*args) -> datetime.datetime:
    """An aware datetime in the operator's time zone (America/Chicago)."""
    return datetime.datetime(*args, tzinfo=CT)


@pytest.fixture
def reference_data(db):
    """Re-run the seed migrations (idempotent).

    Transactional tests flush the database when they finish, which removes the
    rows data migrations seeded; a transactional test that needs them asks for
    this fixture.
    """
    from tests.reference_data import reseed_reference_data

    reseed_reference_data()


@pytest.fixture
def categories(db):
    return {category.code: category for category in CaseCategory.objects.all()}


@pytest.fixture
def registration(categories):
    return categories["registration"]


@pytest.fixture
def settlements(categories):
    return categories["settlements"]


@pytest.fixture
def am_user(account_manager):
    """The staff user behind the participant's current Account Manager."""
    return account_manager.user


@pytest.fixture
def service_desk(db):
    return Group.objects.get(name=StaffGroup.SERVICE_DESK)


@pytest.fixture
def sme(db):
    """A subject-matter expert (staff) to escalate to."""
    return StaffFactory(full_name="Sam Settlements", groups=[StaffGroup.RETAIL_OPERATIONS])


@pytest.fixture
def submit(participant, mp_user, registration):
    """``submit(**overrides)``: open an inquiry through the services as the participant user
    (``SubmittedCaseFactory``; the overrides are ``submit_case``'s arguments)."""

    def _submit(**overrides):
        overrides.setdefault("actor", mp_user)
        overrides.setdefault("category", registration)
        overrides.setdefault("participant", participant)
        return SubmittedCaseFactory(**overrides)

    return _submit


@pytest.fixture
def inquiry(submit):
    """A submitted inquiry (status New, assigned to the MP's AM)."""
    return submit()


@pytest.fixture
def dispute(submit, settlements):
    """A submitted, on-time DAM dispute."""
    return submit(
        kind=CaseKind.DISPUTE,
        category=settlements,
        subject="DAM charge looks wrong",
        description="The DA energy imbalance charge doubles our award.",
        dispute=dispute_fields(),
    )
