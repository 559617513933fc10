"""Calling the API in tests: the key's header, a GET, a bare or JSON POST, and the shape of a problem-details
answer."""

from api.models import ApiKey

PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}


def auth(key) -> dict:
    """The Authorization header of ``key`` (an :class:`ApiKey` from the factory, or a raw string)."""
    return {"Authorization": f"Bearer {key.raw if isinstance(key, ApiKey) else key}"}


def api_get(client, url, key=None, **params):
    """GET ``url`` with ``key`` (an ``ApiKeyFactory`` key or a raw string; none: no Authorization header)."""
    return client.get(url, params, headers=auth(key) if key else {})


def api_post(client, url, key=None):
    return client.post(url, headers=auth(key) if key else {})


def post_json(client, url, key, data, **headers):
    return client.post(url, data, content_type="application/json", headers={**auth(key), **headers})


def assert_problem(response, status, code):
    """The response is RFC 9457 problem details with this status and stable code; returns its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert PROBLEM_KEYS <= body.keys()
    assert (body["status"], body["code"]) == (status, code)
    assert body["type"].endswith("/" + code)
    return body
