"""Registration of the key's MP: its applications with their status and requirement checklists."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from ..models import ApiScope
from ..selectors import registration as selectors
from ..serializers.registration import ApplicationFilterSerializer, RegistrationApplicationSerializer
from .base import ERRORS, ApiCursorPagination, ApiView, problem_responses


class ApplicationPagination(ApiCursorPagination):
    """Newest first, as the portal's registration page lists them."""

    ordering = ("-created_at", "-id")


class ApplicationListView(ApiView):
    required_scope = ApiScope.READ_REGISTRATION
    serializer_class = RegistrationApplicationSerializer
    pagination_class = ApplicationPagination

    @extend_schema(
        operation_id="registration_applications_list",
        parameters=[ApplicationFilterSerializer],
        responses={200: RegistrationApplicationSerializer(many=True), **problem_responses(400), **ERRORS},
    )
    def get(self, request):
        filters = ApplicationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = selectors.api_applications(
            participant=self.participant,
            status=filters.validated_data.get("status", ""),
            kind=filters.validated_data.get("kind", ""),
            updated_since=filters.validated_data.get("updated_since"),
        )
        page = selectors.with_marked_checklists(self.paginate_queryset(queryset))
        return self.get_paginated_response(RegistrationApplicationSerializer(page, many=True).data)


class ApplicationDetailView(ApiView):
    required_scope = ApiScope.READ_REGISTRATION
    serializer_class = RegistrationApplicationSerializer

    @extend_schema(
        operation_id="registration_applications_read",
        responses={200: RegistrationApplicationSerializer, **problem_responses(400, 404), **ERRORS},
    )
    def get(self, request, reference):
        application = selectors.api_application_get(participant=self.participant, reference=reference)
        return Response(RegistrationApplicationSerializer(application).data)
