"""The schema is the contract: schemathesis calls every operation of /api/schema/ through the WSGI app, with data
that fits the schema and data that does not, and finds no 5xx and no response the schema does not describe."""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.specs.openapi import checks

from api.models import ApiScope
from notices.models import Notice
from notices.services import notice_follow_up
from registration.models import ApplicationRequirement, RequirementType
from tests.cases.factories import CaseFactory, CaseMessageFactory
from tests.qualification.factories import FlightResultFactory, QualificationLetterFactory
from tests.registration.factories import ApplicationFactory

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
def full_key(participant, monkeypatch, publish, publisher):
    """A key with every scope (created by the MP's USA, so it acknowledges), rates no run reaches, and the MP with
    something behind every operation: a case and a reply; a notice requiring action, updated (a thread); an
    enrollment with its result and a letter (with its PDF); an application with its checklist."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"api_key": "100000/min", "api_address": "100000/min"})
    cache.clear()
    case = CaseFactory(participant=participant)
    CaseMessageFactory(case=case, body="A reply.")
    notice = publish(action_required="Confirm your contacts.")
    update = publish(notice_follow_up(actor=publisher, previous=notice, kind=Notice.Kind.UPDATE))
    letter = QualificationLetterFactory(enrollment=FlightResultFactory(enrollment__participant=participant).enrollment)
    letter.pdf.save("letter.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    application = ApplicationFactory(participant=participant)
    ApplicationRequirement.objects.create(application=application, requirement=RequirementType.objects.first())
    key = ApiKeyFactory(participant=participant, scopes=list(ApiScope.values), by_usa=True)
    key.real_path_parameters = {
        "/api/v1/cases/{reference}": {"reference": case.reference},
        "/api/v1/notices/{identifier}": {"identifier": notice.notice_id},
        "/api/v1/notices/{identifier}/acknowledge": {"identifier": str(update.pk)},
        "/api/v1/qualification/letters/{id}": {"id": letter.pk},
        "/api/v1/qualification/letters/{id}/pdf": {"id": letter.pk},
        "/api/v1/registration/applications/{reference}": {"reference": application.reference},
    }
    return key


def with_real_path_parameters(case, key):
    """Half the generated path parameters (those of even length) become the MP's real ones, so the positive runs
    read (and acknowledge) real objects too, not only 404s."""
    for name, real in key.real_path_parameters.get(case.path, {}).items():
        if len(str(case.path_parameters[name])) % 2 == 0:
            case.path_parameters[name] = real
    return case


# No example database on disk: every run starts fresh (and xdist workers share nothing).
EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@schema.parametrize(data_generation_methods=[schemathesis.DataGenerationMethod.positive])
@EXAMPLES
def test_every_operation_answers_valid_requests_as_its_schema_says(case, full_key):
    with_real_path_parameters(case, full_key).call_and_validate(headers={"Authorization": f"Bearer {full_key.raw}"})


# Invalid data for the operations whose input the schema constrains: the lists' filters and a letter's id (the MP's
# endpoint takes none, and a reference or a notice's identifier is any string, so they have no invalid data to make).
# The contract is no 5xx and every answer as documented; schemathesis' own "negative data rejected" check is left out,
# as its mutations sometimes produce a valid request (``?kind=dispute``) and call it invalid. That bad filters are
# refused with a 400 problem is asserted case by case in the endpoints' tests.
CONSTRAINED_INPUT = (
    "^/api/v1/(cases|notices|notices/action-required|qualification/enrollments|qualification/letters"
    "|qualification/letters/{id}|qualification/letters/{id}/pdf|registration/applications)$"
)


@schema.parametrize(data_generation_methods=[schemathesis.DataGenerationMethod.negative], endpoint=CONSTRAINED_INPUT)
@EXAMPLES
def test_invalid_input_never_breaks_the_server_or_the_contract(case, full_key):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {full_key.raw}"}, excluded_checks=(checks.negative_data_rejection,)
    )
