"""What the API tests share: calling an endpoint with a key, the problem-details check, and the fixtures of
``tests/notices/conftest.py`` and ``tests/registration/conftest.py`` that build notices and applications through the
services (a notice's thread and ID, an application's reference and checklist only come from them)."""

from __future__ import annotations

from api.models import ApiKey
from tests.notices.conftest import (  # noqa: F401  (fixtures, shared with the notice tests)
    approver,
    credit,
    draft_factory,
    publish,
    publisher,
    types,
)
from tests.registration.conftest import (  # noqa: F401  (fixtures, shared with the registration tests)
    ar,
    kit,
    prospect,
    prospect_ar,
    reviewer,
)

from .webhook_fixtures import receiver, usa  # noqa: F401  (fixtures of the webhook tests)

PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}


def _auth(key) -> dict:
    return {"Authorization": f"Bearer {key.raw if isinstance(key, ApiKey) else key}"} if key else {}


def api_get(client, url, key=None, **params):
    """GET ``url`` with ``key`` (an ``ApiKeyFactory`` key or a raw string; none: no Authorization header)."""
    return client.get(url, params, headers=_auth(key))


def api_post(client, url, key=None):
    return client.post(url, headers=_auth(key))


def assert_problem(response, status, code):
    """The response is RFC 9457 problem details with this status and stable code; returns its body."""
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert PROBLEM_KEYS <= body.keys()
    assert (body["status"], body["code"]) == (status, code)
    assert body["type"].endswith("/" + code)
    return body
