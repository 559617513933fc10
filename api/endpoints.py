"""The v1 endpoints. Thin: the key's MP, a scope check, a selector, a serializer. Every authenticated call leaves
one :class:`ApiCallLog` row with the key's name."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from . import selectors
from .models import ApiCallLog, ApiKey, ApiScope
from .permissions import HasScope
from .serializers import (
    CaseDetailSerializer,
    CaseFilterSerializer,
    CaseSerializer,
    ParticipantSerializer,
    ProblemSerializer,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"


def _problems(*status_codes: int) -> dict:
    """The error responses of an operation: problem details (RFC 9457)."""
    return {
        (code, PROBLEM_MEDIA_TYPE): OpenApiResponse(ProblemSerializer, description="Problem details")
        for code in status_codes
    }


ERRORS = _problems(401, 403, 429)


class ApiView(GenericAPIView):
    permission_classes = [HasScope]
    required_scope = ""

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
                ip_address=request.META.get("REMOTE_ADDR") or None,
            )
        return response


class CasePagination(CursorPagination):
    ordering = ("-updated_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request):
        """A cursor we did not hand out is invalid input (400 with the field), not a missing page (DRF's 404)."""
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({"cursor": ["The cursor is not one this API gave out."]}) from None


class ParticipantView(ApiView):
    """The key's Market Participant: names, roles, contacts and its Account Manager."""

    required_scope = ""  # any valid key of the MP
    serializer_class = ParticipantSerializer

    @extend_schema(operation_id="participant_read", responses={200: ParticipantSerializer, **ERRORS})
    def get(self, request):
        participant = selectors.participant_for_api(request.auth.participant)
        return Response(ParticipantSerializer(participant).data)


class CaseListView(ApiView):
    required_scope = ApiScope.READ_CASES
    serializer_class = CaseSerializer
    pagination_class = CasePagination

    @extend_schema(
        operation_id="cases_list",
        parameters=[CaseFilterSerializer],
        responses={200: CaseSerializer(many=True), **_problems(400), **ERRORS},
    )
    def get(self, request):
        filters = CaseFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = selectors.api_cases(
            participant=request.auth.participant,
            status=filters.validated_data.get("status", ""),
            kind=filters.validated_data.get("kind", ""),
            updated_since=filters.validated_data.get("updated_since"),
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(CaseSerializer(page, many=True).data)


class CaseDetailView(ApiView):
    required_scope = ApiScope.READ_CASES
    serializer_class = CaseDetailSerializer

    @extend_schema(operation_id="cases_read", responses={200: CaseDetailSerializer, **_problems(400, 404), **ERRORS})
    def get(self, request, reference):
        case = selectors.api_case_get(participant=request.auth.participant, reference=reference)
        return Response(CaseDetailSerializer(case).data)
