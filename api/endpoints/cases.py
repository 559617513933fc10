"""Cases of the key's MP: list, read."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from ..models import ApiScope
from ..selectors import cases as selectors
from ..serializers.cases import CaseDetailSerializer, CaseFilterSerializer, CaseSerializer
from .base import ERRORS, ApiCursorPagination, ApiView, problem_responses


class CasePagination(ApiCursorPagination):
    ordering = ("-updated_at", "-id")


class CaseListView(ApiView):
    required_scope = ApiScope.READ_CASES
    serializer_class = CaseSerializer
    pagination_class = CasePagination

    @extend_schema(
        operation_id="cases_list",
        parameters=[CaseFilterSerializer],
        responses={200: CaseSerializer(many=True), **problem_responses(400), **ERRORS},
    )
    def get(self, request):
        filters = CaseFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = selectors.api_cases(
            participant=self.participant,
            status=filters.validated_data.get("status", ""),
            kind=filters.validated_data.get("kind", ""),
            updated_since=filters.validated_data.get("updated_since"),
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(CaseSerializer(page, many=True).data)


class CaseDetailView(ApiView):
    required_scope = ApiScope.READ_CASES
    serializer_class = CaseDetailSerializer

    @extend_schema(
        operation_id="cases_read", responses={200: CaseDetailSerializer, **problem_responses(400, 404), **ERRORS}
    )
    def get(self, request, reference):
        case = selectors.api_case_get(participant=self.participant, reference=reference)
        return Response(CaseDetailSerializer(case).data)
