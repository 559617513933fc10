"""What every v1 endpoint shares: the base view (the MP a call acts for, the scope check, a staff key's refusal to
write, the audit context, ``Idempotency-Key`` on every POST, deprecation headers, the call log), the lists'
pagination and the documented error responses."""

from __future__ import annotations

import datetime
from contextlib import ExitStack

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import http_date
from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import SAFE_METHODS

from accounts.selectors.participants import participants_for_user
from ercot_services.core.audit import audit_context
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import ActionNotAllowed
from ercot_services.core.ratelimit import client_ip

from .. import idempotency
from ..error_codes import ApiErrorCode
from ..models import ApiCallLog, ApiKey
from ..permissions import HasScope
from ..serializers.common import ProblemSerializer

PROBLEM_MEDIA_TYPE = "application/problem+json"
# A staff key names, on every call, the MP it reads (its short name); an MP's key always acts for its own MP.
PARTICIPANT_HEADER = "X-Participant"
API_VERSION = "1"


def problem_responses(*status_codes: int) -> dict:
    """The error responses of an operation: problem details (RFC 9457)."""
    return {
        (code, PROBLEM_MEDIA_TYPE): OpenApiResponse(ProblemSerializer, description="Problem details")
        for code in status_codes
    }


ERRORS = problem_responses(401, 403, 429)


class ApiCursorPagination(CursorPagination):
    """Every list's pagination: an opaque cursor, 50 a page unless ``page_size`` (up to 200) says otherwise. A
    subclass names its ``ordering`` (ending with a unique field)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request):
        """A cursor we did not hand out is invalid input (400 with the field), not a missing page (DRF's 404)."""
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({"cursor": ["The cursor is not one this API gave out."]}) from None


class ApiView(GenericAPIView):
    """Every authenticated call leaves one :class:`ApiCallLog` row with the key's name; every audit event it causes
    names the key (``api_key`` in the event's changes). A POST with an ``Idempotency-Key`` runs at most once
    (:mod:`api.idempotency`): its work and its stored answer commit in one transaction.

    Deprecation (README "Versioning and deprecation"): a view to be removed sets ``deprecated_at`` (when it was
    announced), ``sunset_at`` (when it goes, at least six months later) and ``deprecation_link`` (the notice; the API
    documentation unless told). Its responses then carry ``Deprecation`` (RFC 9745), ``Sunset`` (RFC 8594) and
    ``Link: <…>; rel="deprecation"``, and the schema marks its operations deprecated (``api.schema``).
    """

    permission_classes = [HasScope]
    required_scope = ""
    deprecated_at: datetime.datetime | None = None
    sunset_at: datetime.datetime | None = None
    deprecation_link = ""

    _named_participant = None
    idempotency_record = None

    def dispatch(self, request, *args, **kwargs):
        try:
            with ExitStack() as self.call_context:
                return super().dispatch(request, *args, **kwargs)
        except BaseException:
            # Not answered at all (a 500 is coming): the work was rolled back; free the key for a retry.
            if self.idempotency_record is not None:
                idempotency.idempotency_abandon(self.idempotency_record)
            raise

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, scope, rate limits
        self.call_context.enter_context(audit_context(api_key=request.auth.name))
        if request.method == "POST" and (key := idempotency.idempotency_key(request)) is not None:
            self.idempotency_record = idempotency.idempotency_begin(request=request, api_key=request.auth, key=key)
            self.call_context.enter_context(transaction.atomic())

    def handle_exception(self, exc):
        if isinstance(exc, idempotency.IdempotentReplay):
            return exc.response
        return super().handle_exception(exc)

    @property
    def participant(self):
        """The MP the call acts for: every selector and service an endpoint calls is scoped to it. An MP's key: its
        MP. A staff key: the MP the ``X-Participant`` header names, among those its user may see (400 when none is
        named, 404 when no such MP)."""
        key = self.request.auth
        if not key.is_staff_key:
            return key.participant
        if self._named_participant is None:
            short_name = self.request.headers.get(PARTICIPANT_HEADER, "").strip()
            if not short_name:
                message = f"A staff key names the Market Participant of each call: {PARTICIPANT_HEADER}: <short name>."
                raise DomainError(
                    message, code=ApiErrorCode.PARTICIPANT_REQUIRED, fields={PARTICIPANT_HEADER: [message]}
                )
            self._named_participant = get_object_or_404(participants_for_user(key.user), short_name=short_name)
        return self._named_participant

    @property
    def actor(self):
        """Who a write is recorded as (services take a person): an MP key's creator, the MP's USA (authentication
        refuses the key once they are not); a staff key's user (who writes nothing). The audit event also names the
        key (``api_key`` in its data)."""
        key = self.request.auth
        return key.user if key.is_staff_key else key.created_by

    def check_permissions(self, request):
        """A staff key reads: a write the view would handle is refused before the scope check, with the reason."""
        key = request.auth
        method = request.method.lower()
        if (
            isinstance(key, ApiKey)
            and key.is_staff_key
            and request.method not in SAFE_METHODS
            and method in self.http_method_names
            and hasattr(self, method)
        ):
            raise ActionNotAllowed(
                "A staff API key only reads; changes are made by the Market Participant's own key or in the workspace.",
                code=ApiErrorCode.STAFF_KEY_READ_ONLY,
            )
        super().check_permissions(request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["API-Version"] = API_VERSION
        if self.deprecated_at is not None:
            self._deprecation_headers(request, response)
        key = getattr(request, "auth", None)
        if isinstance(key, ApiKey):
            participant = key.participant or self._named_participant
            ApiCallLog.objects.create(
                api_key=key,
                key_name=key.name,
                participant=participant,
                method=request.method[:10],
                path=request.path[:255],
                status_code=response.status_code,
                ip_address=address if (address := client_ip(request)) != "unknown" else None,
            )
        if self.idempotency_record is not None:
            idempotency.idempotency_complete(self.idempotency_record, response)
        return response

    def _deprecation_headers(self, request, response) -> None:
        response["Deprecation"] = f"@{int(self.deprecated_at.timestamp())}"
        if self.sunset_at is not None:
            response["Sunset"] = http_date(self.sunset_at.timestamp())
        link = self.deprecation_link or request.build_absolute_uri(reverse("api:docs"))
        response["Link"] = f'<{link}>; rel="deprecation"; type="text/html"'
