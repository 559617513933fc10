"""The schema is the contract: schemathesis calls every operation of /api/schema/ through the WSGI app, with data
that fits the schema and data that does not, and finds no 5xx and no response the schema does not describe."""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, assume, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.specs.openapi import checks

from api.models import ApiScope
from tests.cases.factories import CaseFactory, CaseMessageFactory

from .factories import ApiKeyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(db):
    """The schema, read through the WSGI app. As Django's test client does, requests leave the test's database
    connection open (it holds the test's transaction)."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield schemathesis.from_wsgi("/api/schema/", get_wsgi_application())
    for signal in signals:
        signal.connect(close_old_connections)


schema = schemathesis.from_pytest_fixture("api_schema")


@pytest.fixture
def full_key(participant, monkeypatch):
    """A key with every scope (its writes act as the MP's USA who made it), the MP with a case and a reply, and rates
    no run reaches."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"api_key": "100000/min", "api_address": "100000/min"})
    cache.clear()
    CaseMessageFactory(case=CaseFactory(participant=participant), body="A reply.")
    return ApiKeyFactory(participant=participant, scopes=list(ApiScope.values))


# No example database on disk: every run starts fresh (and xdist workers share nothing).
EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@schema.parametrize(data_generation_methods=[schemathesis.DataGenerationMethod.positive])
@EXAMPLES
def test_every_operation_answers_valid_requests_as_its_schema_says(case, full_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {full_key.raw}"})


# Invalid data for the operations whose input the schema constrains: the list's filters, the filings' bodies and
# every POST's Idempotency-Key. Operations with a case's reference in the path are left out: the reference is any
# string, and schemathesis makes no negative example for an operation with a path parameter it cannot make invalid
# (their bodies are checked case by case in test_case_writes.py). The contract is no 5xx and every answer as
# documented; schemathesis' own "negative data rejected" check is left out, as its mutations sometimes produce a
# valid request (``?kind=dispute``) and call it invalid. That bad input is refused with a 400 problem is asserted
# case by case in test_endpoints.py and test_case_writes.py.
@schema.parametrize(
    data_generation_methods=[schemathesis.DataGenerationMethod.negative],
    endpoint="^/api/v1/cases(/inquiries|/disputes)?$",
)
@EXAMPLES
def test_invalid_input_never_breaks_the_server_or_the_contract(case, full_key):
    # A multipart body is a set of named parts: a mutation into a bare value cannot be sent at all.
    assume(not (case.media_type or "").startswith("multipart/") or isinstance(case.body, dict))
    case.call_and_validate(
        headers={"Authorization": f"Bearer {full_key.raw}"}, excluded_checks=(checks.negative_data_rejection,)
    )
