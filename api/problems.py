"""RFC 9457 problem details (``application/problem+json``) for every error the API answers.

``{"type", "title", "status", "detail", "code"}``, plus ``errors`` (``{field: [messages]}``) for invalid input.
``code`` is stable: a service's ``DomainError`` code, or one of :class:`ApiErrorCode` for the API's own refusals.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from cases.error_codes import CaseErrorCode
from ercot_services.core import views as core_views
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import ActionNotAllowed

from .error_codes import ApiErrorCode

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://ercot-services.example/api/problems/"

_CODES = {
    exceptions.NotAuthenticated: ApiErrorCode.NOT_AUTHENTICATED,
    exceptions.AuthenticationFailed: ApiErrorCode.NOT_AUTHENTICATED,
    exceptions.PermissionDenied: ApiErrorCode.SCOPE_MISSING,
    exceptions.NotFound: ApiErrorCode.NOT_FOUND,
    exceptions.ValidationError: ApiErrorCode.INVALID,
    exceptions.ParseError: ApiErrorCode.INVALID,
    exceptions.Throttled: ApiErrorCode.THROTTLED,
    exceptions.MethodNotAllowed: ApiErrorCode.METHOD_NOT_ALLOWED,
    exceptions.NotAcceptable: ApiErrorCode.NOT_ACCEPTABLE,
    exceptions.UnsupportedMediaType: ApiErrorCode.UNSUPPORTED_MEDIA_TYPE,
}


# A service's refusal is a 400 unless its code says more: the object's state forbids it now (409), or the request is
# well formed but cannot be accepted (422), or the person may not (403).
_DOMAIN_STATUS = {
    CaseErrorCode.ALREADY_IN_STATUS: status.HTTP_409_CONFLICT,
    CaseErrorCode.INVALID_TRANSITION: status.HTTP_409_CONFLICT,
    CaseErrorCode.CASE_CLOSED: status.HTTP_409_CONFLICT,
    CaseErrorCode.REOPEN_WINDOW_PASSED: status.HTTP_409_CONFLICT,
    CaseErrorCode.FILING_DEADLINE_PASSED: status.HTTP_422_UNPROCESSABLE_ENTITY,
    CaseErrorCode.INVALID_CSV: status.HTTP_422_UNPROCESSABLE_ENTITY,
    CaseErrorCode.TOO_MANY_DAYS: status.HTTP_422_UNPROCESSABLE_ENTITY,
    CaseErrorCode.DUPLICATE_DAY: status.HTTP_422_UNPROCESSABLE_ENTITY,
    CaseErrorCode.PARTICIPANT_NOT_REGISTERED: status.HTTP_409_CONFLICT,
    CaseErrorCode.PERMISSION_DENIED: status.HTTP_403_FORBIDDEN,
    CaseErrorCode.NO_DECISION_TO_ANSWER: status.HTTP_409_CONFLICT,
    CaseErrorCode.DECISION_WINDOW_PASSED: status.HTTP_409_CONFLICT,
    CaseErrorCode.INVALID_DECISION_TRANSITION: status.HTTP_409_CONFLICT,
    CaseErrorCode.DECISION_PENDING: status.HTTP_409_CONFLICT,
}


def problem(*, status_code: int, code: str, detail: str, errors: dict | None = None) -> dict:
    body = {
        "type": PROBLEM_TYPE_BASE + str(code),
        "title": _title(status_code),
        "status": status_code,
        "detail": detail,
        "code": str(code),
    }
    if errors:
        body["errors"] = errors
    return body


def _title(status_code: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return "Error"


def _field_errors(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            field: [str(m) for m in (messages if isinstance(messages, list) else [messages])]
            for field, messages in detail.items()
        }
    return {"non_field_errors": [str(m) for m in (detail if isinstance(detail, list) else [detail])]}


def exception_handler(exc, context):
    """DRF's handler (its headers: ``WWW-Authenticate``, ``Retry-After``) with a problem-details body."""
    if isinstance(exc, DomainError):
        refused = isinstance(exc, ActionNotAllowed)
        status_code = 403 if refused else _DOMAIN_STATUS.get(exc.code, 400)
        code = exc.code or (ApiErrorCode.PERMISSION_DENIED if refused else ApiErrorCode.INVALID)
        body = problem(status_code=status_code, code=code, detail=str(exc), errors=exc.fields)
        return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    code = getattr(exc, "problem_code", None) or next(
        (c for cls, c in _CODES.items() if isinstance(exc, cls)), ApiErrorCode.ERROR
    )
    if isinstance(exc, exceptions.ValidationError):
        body = problem(
            status_code=response.status_code,
            code=code,
            detail="The request is not valid.",
            errors=_field_errors(exc.detail),
        )
    else:
        body = problem(status_code=response.status_code, code=code, detail=str(getattr(exc, "detail", exc)))
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def error_400(request, exception=None):
    """The site's 400 handler: a problem under /api/ (a control character in the path, a bad host), else the page."""
    if request.path.startswith("/api/"):
        body = problem(status_code=400, code=ApiErrorCode.INVALID, detail="The request is not valid.")
        return JsonResponse(body, status=400, content_type=PROBLEM_CONTENT_TYPE)
    return core_views.error_400(request, exception)


def not_found(request, *args, **kwargs):
    """An address under /api/ that names nothing: a 404 problem, not the HTML page."""
    body = problem(status_code=status.HTTP_404_NOT_FOUND, code=ApiErrorCode.NOT_FOUND, detail="No such endpoint.")
    return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE)
