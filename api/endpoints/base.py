"""What every v1 endpoint shares: the base view (scope check, call log, audit context, ``Idempotency-Key`` on
every POST) and the documented error responses."""

from __future__ import annotations

from contextlib import ExitStack

from django.db import transaction
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_doc
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions
from rest_framework.generics import GenericAPIView

from ercot_services.core.audit import audit_context
from ercot_services.core.ratelimit import client_ip

from .. import idempotency
from ..error_codes import ApiErrorCode
from ..models import ApiCallLog, ApiKey
from ..permissions import HasScope
from ..serializers.common import ProblemSerializer

PROBLEM_MEDIA_TYPE = "application/problem+json"


def problem_responses(*status_codes: int) -> dict:
    """The error responses of an operation: problem details (RFC 9457)."""
    return {
        (code, PROBLEM_MEDIA_TYPE): OpenApiResponse(ProblemSerializer, description="Problem details")
        for code in status_codes
    }


ERRORS = problem_responses(401, 403, 429)

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    idempotency.HEADER,
    {"type": "string", "minLength": 1, "maxLength": 255, "pattern": f"^{idempotency.KEY_PATTERN.pattern}$"},
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Recommended. A key of your choice (a UUID) that makes the POST safe to retry: a retry with the same key and "
        "body within 24 hours gets the first answer (with `Idempotent-Replayed: true`) and does nothing again. The "
        "same key with a different request is a 422 problem; while the first request still runs, a 409 problem."
    ),
)


class ApiSchema(AutoSchema):
    """Every POST documents the ``Idempotency-Key`` header and its two refusals, without each endpoint saying so.
    An operation is described by its own view's docstring, never one inherited from these base classes."""

    def get_description(self):
        if type(self.view).__dict__.get("__doc__"):
            return super().get_description()
        handler = getattr(self.view, self.method.lower(), None)
        return get_doc(handler) if handler else ""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method == "POST":
            parameters = [*parameters, IDEMPOTENCY_KEY_PARAMETER]
        return parameters

    def get_response_serializers(self):
        responses = super().get_response_serializers()
        if self.method == "POST" and isinstance(responses, dict):
            responses = {**problem_responses(409, 422), **responses}
        return responses


class ApiView(GenericAPIView):
    """Every authenticated call leaves one :class:`ApiCallLog` row with the key's name; every audit event it causes
    names the key (``api_key`` in the event's changes). A POST with an ``Idempotency-Key`` runs at most once
    (:mod:`api.idempotency`): its work and its stored answer commit in one transaction."""

    permission_classes = [HasScope]
    required_scope = ""
    schema = ApiSchema()
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
        """The MP the call acts for: every selector and service an endpoint calls is scoped to it."""
        return self.request.auth.participant

    @property
    def actor(self):
        """Who a write is recorded as (services take a person): the key's creator, the MP's User Security
        Administrator, who answers for what the key does (the portal's rules for a participant apply to the call).
        The audit event also names the key (``api_key`` in its changes). A key whose creator's account is gone or
        deactivated writes nothing: 403 ``key_creator_gone``."""
        creator = self.request.auth.created_by
        if creator is None or not creator.is_active:
            raise KeyCreatorGone()
        return creator

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        key = getattr(request, "auth", None)
        if isinstance(key, ApiKey):
            ApiCallLog.objects.create(
                api_key=key,
                key_name=key.name,
                participant_id=key.participant_id,
                method=request.method[:10],
                path=request.path[:255],
                status_code=response.status_code,
                ip_address=address if (address := client_ip(request)) != "unknown" else None,
            )
        if self.idempotency_record is not None:
            idempotency.idempotency_complete(self.idempotency_record, response)
        return response


class KeyCreatorGone(exceptions.PermissionDenied):
    default_detail = "The person who created this API key no longer has an active account; create a new key."
    problem_code = ApiErrorCode.KEY_CREATOR_GONE
