"""The exception handler: a service's refusal (``DomainError``) is a problem with the service's own code and field
errors; a refusal for the actor's role is a 403."""

import json

from rest_framework.renderers import JSONRenderer

from api.problems import PROBLEM_CONTENT_TYPE, exception_handler
from cases.error_codes import CaseErrorCode
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import ActionNotAllowed


def _body(response):
    response.accepted_renderer = JSONRenderer()
    response.accepted_media_type = PROBLEM_CONTENT_TYPE
    response.renderer_context = {}
    return json.loads(response.render().content)


def test_a_domain_error_keeps_its_code_and_its_field_errors():
    code = next(iter(CaseErrorCode))
    error = DomainError("The dispute window has closed.", code=code, fields={"operating_day": ["Too old."]})
    response = exception_handler(error, {})
    body = _body(response)
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert (body["code"], body["detail"], body["errors"]) == (
        str(code),
        "The dispute window has closed.",
        {"operating_day": ["Too old."]},
    )


def test_a_refusal_for_the_actors_role_is_a_403():
    response = exception_handler(ActionNotAllowed("Only the USA."), {})
    assert response.status_code == 403
    assert _body(response)["code"] == "permission_denied"
