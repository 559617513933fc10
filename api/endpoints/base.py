"""What every v1 endpoint shares: the base view (scope check, call log) and the documented error responses."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination

from ercot_services.core.ratelimit import client_ip

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
    """Every authenticated call leaves one :class:`ApiCallLog` row with the key's name."""

    permission_classes = [HasScope]
    required_scope = ""

    @property
    def participant(self):
        """The MP the call acts for: every selector and service an endpoint calls is scoped to it."""
        return self.request.auth.participant

    @property
    def actor(self):
        """Who a write is recorded as (services take a person): the key's creator, the MP's USA. The audit event
        also names the key (``api_key`` in its data)."""
        return self.request.auth.created_by

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
        return response
