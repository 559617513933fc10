"""Where browsers report what the Content Security Policy blocked (or, report-only, would have blocked).

``report-uri`` in the policy (settings ``CONTENT_SECURITY_POLICY_DIRECTIVES``) points here. Each report is logged as
one warning on the ``ercot_services.csp`` logger, its fields as structured ``csp_*`` keys (one JSON object per line in
production), and counted in ``ercot_csp_violations_total{directive}``. Browsers send reports without a CSRF token
and anyone can POST here, so the endpoint reads at most ``CSP_REPORT_MAX_BYTES``, logs at most
``REPORTS_LOGGED_PER_MINUTE`` per address (the counter still counts), and answers 204 or 400: never a 500.
"""

import json
import logging
import re

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from prometheus_client import Counter

from .ratelimit import client_ip, rate_limited

logger = logging.getLogger("ercot_services.csp")

VIOLATIONS = Counter(
    "ercot_csp_violations", "Content Security Policy violations browsers reported, by directive.", ["directive"]
)
REPORTS_LOGGED_PER_MINUTE = 30
FIELD_LENGTH = 300
# The directives a label may name (a report's own text never becomes a label: the series stay few).
KNOWN_DIRECTIVES = frozenset(settings.CONTENT_SECURITY_POLICY_DIRECTIVES) | {
    "script-src-elem",
    "script-src-attr",
    "style-src-elem",
    "style-src-attr",
    "frame-src",
    "worker-src",
    "manifest-src",
    "media-src",
}
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")

# report-uri's application/csp-report names → the Reporting API's (application/reports+json) names.
FIELDS = {
    "document": ("document-uri", "documentURL"),
    "directive": ("effective-directive", "effectiveDirective"),
    "blocked": ("blocked-uri", "blockedURL"),
    "source_file": ("source-file", "sourceFile"),
    "line": ("line-number", "lineNumber"),
    "disposition": ("disposition", "disposition"),
    "sample": ("script-sample", "sample"),
}


def _clean(value) -> str:
    return CONTROL_CHARACTERS.sub(" ", str(value if value is not None else ""))[:FIELD_LENGTH]


def violations_from_body(body: bytes) -> list[dict[str, str]]:
    """The violations in a report body of either format; ValueError when it is not one."""
    data = json.loads(body.decode("utf-8"))
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        raw, names = [data["csp-report"]], 0
    elif isinstance(data, list):
        raw = [r["body"] for r in data if isinstance(r, dict) and isinstance(r.get("body"), dict)]
        names = 1
    else:
        raise ValueError("not a CSP report")
    violations = [{field: _clean(report.get(keys[names])) for field, keys in FIELDS.items()} for report in raw]
    for violation in violations:
        directive = violation["directive"].split(" ")[0]
        violation["directive"] = directive if directive in KNOWN_DIRECTIVES else "other"
    return violations


@csrf_exempt
@require_POST
def csp_report(request):
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > settings.CSP_REPORT_MAX_BYTES:
        return HttpResponseBadRequest("Report too large.")
    try:
        violations = violations_from_body(request.read(settings.CSP_REPORT_MAX_BYTES))
    except (ValueError, UnicodeDecodeError, KeyError, TypeError):
        return HttpResponseBadRequest("Not a CSP violation report.")
    for violation in violations:
        VIOLATIONS.labels(directive=violation["directive"]).inc()
    if violations and not _too_many(request):
        for violation in violations:
            logger.warning(
                "CSP violation: %s blocked %s on %s",
                violation["directive"],
                violation["blocked"] or "inline",
                violation["document"],
                extra={f"csp_{field}": value for field, value in violation.items()},
            )
    return HttpResponse(status=204)


def _too_many(request) -> bool:
    """Whether this address sent more reports than are logged a minute; a cache that is down limits nothing."""
    try:
        return rate_limited(f"csp-report:{client_ip(request)}", limit=REPORTS_LOGGED_PER_MINUTE, window_seconds=60)
    except Exception:  # noqa: BLE001 - the report is still counted; a broken cache must not turn it into a 500
        return False
