"""The violation report endpoint: logs each report as a structured warning, counts it, never answers a 500."""

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from ercot_services.core import csp_reports

URL = reverse("csp-report")

REPORT = {
    "csp-report": {
        "document-uri": "https://clientservices.example.com/workspace/",
        "referrer": "",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'; script-src 'self'",
        "disposition": "enforce",
        "blocked-uri": "inline",
        "line-number": 12,
        "source-file": "https://clientservices.example.com/workspace/",
        "status-code": 200,
        "script-sample": "alert(1)",
    }
}
REPORTING_API = [
    {
        "type": "csp-violation",
        "url": "https://clientservices.example.com/portal/",
        "body": {
            "documentURL": "https://clientservices.example.com/portal/",
            "effectiveDirective": "style-src-attr",
            "blockedURL": "inline",
            "disposition": "report",
            "lineNumber": 3,
            "sample": "color: red",
        },
    }
]


def post(client, body, content_type="application/csp-report"):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(URL, data=data, content_type=content_type)


def violations(directive: str) -> float:
    return csp_reports.VIOLATIONS.labels(directive=directive)._value.get()


@pytest.fixture
def csrf_client():
    """Browsers send reports without a CSRF token."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    from django.core.cache import cache

    cache.clear()


def test_the_policy_reports_to_this_endpoint(settings):
    assert settings.CONTENT_SECURITY_POLICY_DIRECTIVES["report-uri"] == [URL]


def test_a_report_is_logged_as_a_structured_warning_and_counted(csrf_client, caplog):
    before = violations("script-src-elem")
    with caplog.at_level(logging.WARNING, logger="ercot_services.csp"):
        response = post(csrf_client, REPORT)

    assert response.status_code == 204
    [record] = [r for r in caplog.records if r.name == "ercot_services.csp"]
    assert record.levelno == logging.WARNING
    assert record.getMessage() == (
        "CSP violation: script-src-elem blocked inline on https://clientservices.example.com/workspace/"
    )
    assert record.csp_directive == "script-src-elem"
    assert record.csp_blocked == "inline"
    assert record.csp_line == "12"
    assert record.csp_disposition == "enforce"
    assert record.csp_sample == "alert(1)"
    assert violations("script-src-elem") == before + 1


def test_the_reporting_api_format_is_read_too(csrf_client, caplog):
    with caplog.at_level(logging.WARNING, logger="ercot_services.csp"):
        response = post(csrf_client, REPORTING_API, content_type="application/reports+json")

    assert response.status_code == 204
    [record] = [r for r in caplog.records if r.name == "ercot_services.csp"]
    assert (record.csp_directive, record.csp_disposition, record.csp_sample) == (
        "style-src-attr",
        "report",
        "color: red",
    )


def test_what_a_report_says_is_cut_short_and_never_becomes_a_metric_label(csrf_client, caplog):
    report = {
        "csp-report": {**REPORT["csp-report"], "effective-directive": "made-up\nlabel", "blocked-uri": "x" * 5000}
    }
    report["csp-report"]["document-uri"] = "https://a.example/\nFAKE LOG LINE"
    before = violations("other")
    with caplog.at_level(logging.WARNING, logger="ercot_services.csp"):
        assert post(csrf_client, report).status_code == 204

    [record] = [r for r in caplog.records if r.name == "ercot_services.csp"]
    assert record.csp_directive == "other" and violations("other") == before + 1
    assert len(record.csp_blocked) == csp_reports.FIELD_LENGTH
    assert "\n" not in record.getMessage()


@pytest.mark.parametrize(
    "body",
    [b"not json", b"\xff\xfe", b"[1, 2", json.dumps({"something": "else"}).encode(), json.dumps("text").encode()],
)
def test_a_body_that_is_no_report_is_a_400(csrf_client, body):
    assert post(csrf_client, body).status_code == 400


def test_a_report_over_the_size_limit_is_refused_unread(csrf_client, settings):
    settings.CSP_REPORT_MAX_BYTES = 200
    assert post(csrf_client, REPORT).status_code == 400


def test_only_post_is_answered(client):
    assert client.get(URL).status_code == 405


def test_past_the_per_address_limit_reports_are_counted_but_not_logged(csrf_client, caplog):
    before = violations("script-src-elem")
    with caplog.at_level(logging.WARNING, logger="ercot_services.csp"):
        for _ in range(csp_reports.REPORTS_LOGGED_PER_MINUTE + 5):
            assert post(csrf_client, REPORT).status_code == 204

    logged = [r for r in caplog.records if r.name == "ercot_services.csp"]
    assert len(logged) == csp_reports.REPORTS_LOGGED_PER_MINUTE
    assert violations("script-src-elem") == before + csp_reports.REPORTS_LOGGED_PER_MINUTE + 5


def test_a_cache_that_is_down_still_logs_the_report(csrf_client, caplog, monkeypatch):
    def cache_down(*args, **kwargs):
        raise ConnectionError("cache is down")

    monkeypatch.setattr(csp_reports, "rate_limited", cache_down)
    with caplog.at_level(logging.WARNING, logger="ercot_services.csp"):
        assert post(csrf_client, REPORT).status_code == 204
    assert [r for r in caplog.records if r.name == "ercot_services.csp"]
