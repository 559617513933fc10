"""Security headers: the Content Security Policy, Permissions-Policy, Referrer-Policy, COOP, nosniff, framing, HSTS.

Test settings enforce the policy (as production does); development only reports it. Production's headers are read
from a fresh interpreter with the production settings, like tests/core/test_settings.py reads its settings.
"""

import json

import pytest
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from ercot_services.core.headers import permissions_policy_header

from .test_settings import _SHARED_CACHE, _clean_env, _production_key, _run

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
    "report-uri": "/csp-report/",
}
PERMISSIONS_OFF = ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()")
PASSKEYS_ALLOWED = ("publickey-credentials-get=(self)", "publickey-credentials-create=(self)")


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def assert_the_common_headers(headers) -> None:
    assert directives(headers["Content-Security-Policy"]) == POLICY
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    permissions = headers["Permissions-Policy"].split(", ")
    assert set(PERMISSIONS_OFF + PASSKEYS_ALLOWED) <= set(permissions)


@pytest.mark.django_db
def test_a_public_page_carries_the_enforced_policy_and_the_security_headers(client):
    response = client.get(reverse("landing"))

    assert response.status_code == 200
    assert_the_common_headers(response.headers)
    assert "Content-Security-Policy-Report-Only" not in response.headers
    assert "Strict-Transport-Security" not in response.headers  # production's, over HTTPS


@pytest.mark.django_db
def test_signed_in_pages_and_error_pages_carry_them_too(client, staff_user, mp_user):
    client.force_login(staff_user)
    assert_the_common_headers(client.get(reverse("workspace:home")).headers)
    assert_the_common_headers(client.get("/no-such-page/").headers)
    client.force_login(mp_user)
    assert_the_common_headers(client.get(reverse("portal:home")).headers)


def test_an_inline_script_that_uses_the_nonce_puts_it_in_the_policy():
    """``{{ request.csp_nonce }}`` in a template adds that request's nonce to script-src (and only then)."""

    nonces = []

    def page(request):
        nonces.append(str(request.csp_nonce))
        return HttpResponse(f'<script nonce="{request.csp_nonce}">go()</script>')

    middleware = CSPMiddleware(page)
    response = middleware(RequestFactory().get("/"))
    nonce = nonces[0]

    assert f'nonce="{nonce}"' in response.content.decode()
    assert directives(response.headers["Content-Security-Policy"])["script-src"] == f"'self' 'nonce-{nonce}'"
    other = middleware(RequestFactory().get("/"))
    assert nonces[1] != nonce and nonce not in other.headers["Content-Security-Policy"]


def test_the_permissions_policy_header_quotes_origins_and_keeps_keywords():
    header = permissions_policy_header({"camera": [], "usb": ["self", "https://partner.example"], "autoplay": ["*"]})
    assert header == 'camera=(), usb=(self "https://partner.example"), autoplay=(*)'


_HEADER_PROBE = """
import json
import django
django.setup()
from django.test import Client
from django.test.utils import override_settings
# No collectstatic here: the page's static URLs come from the finders instead of the manifest.
storages = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=storages):
    response = Client().get("/accounts/login/", secure=True, HTTP_HOST="clientservices.example.com")
print(json.dumps({"status": response.status_code, "headers": dict(response.headers)}))
"""


def _production_headers(tmp_path, **extra: str) -> dict:
    env = _clean_env(
        DJANGO_SETTINGS_MODULE="ercot_services.settings.production",
        ERCOT_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SECRET_KEY=_production_key(),
        DJANGO_ALLOWED_HOSTS="clientservices.example.com",
        CACHE_URL=_SHARED_CACHE,
        **extra,
    )
    env.pop("CSP_ENFORCE", None)
    result = _run(["-c", _HEADER_PROBE], env)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 200, answer
    return answer["headers"]


@pytest.mark.subprocess
def test_production_enforces_the_policy_and_adds_hsts(tmp_path):
    headers = _production_headers(tmp_path)

    assert_the_common_headers(headers)
    assert "Content-Security-Policy-Report-Only" not in headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


_POLICY_PROBE = """
import json
import django
django.setup()
from django.conf import settings
print(json.dumps([bool(settings.CONTENT_SECURITY_POLICY), bool(settings.CONTENT_SECURITY_POLICY_REPORT_ONLY)]))
"""


@pytest.mark.subprocess
@pytest.mark.parametrize(
    ("settings_module", "csp_enforce", "enforced"),
    [
        ("ercot_services.settings.local", None, False),
        ("ercot_services.settings.local", "true", True),
        ("ercot_services.settings.production", None, True),
        ("ercot_services.settings.production", "false", False),
        ("ercot_services.settings.test", "false", True),
    ],
)
def test_csp_enforce_switches_between_the_enforced_and_the_report_only_header(
    tmp_path, settings_module, csp_enforce, enforced
):
    """Development reports by default, production enforces by default, the tests always enforce."""
    env = _clean_env(
        DJANGO_SETTINGS_MODULE=settings_module,
        ERCOT_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SECRET_KEY=_production_key(),
        DJANGO_ALLOWED_HOSTS="clientservices.example.com",
        CACHE_URL=_SHARED_CACHE,
    )
    env.pop("CSP_ENFORCE", None)
    if csp_enforce is not None:
        env["CSP_ENFORCE"] = csp_enforce
    result = _run(["-c", _POLICY_PROBE], env)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [enforced, not enforced]
