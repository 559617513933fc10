"""Qualification of the key's MP: its enrollments in testing flights (status, result, letter), its letters, and a
letter's PDF."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from ercot_services.core.downloads import private_file_response

from ..models import ApiScope
from ..selectors import qualification as selectors
from ..serializers.common import StrictQueryParameters
from ..serializers.qualification import EnrollmentSerializer, LetterSerializer
from .base import ERRORS, ApiCursorPagination, ApiView, problem_responses


class EnrollmentPagination(ApiCursorPagination):
    """Newest enrollment first (a cursor orders by the enrollment's own fields, not by its flight's start as the
    portal's page does)."""

    ordering = ("-created_at", "-id")


class LetterPagination(ApiCursorPagination):
    ordering = ("-issued_on", "-id")


class EnrollmentListView(ApiView):
    required_scope = ApiScope.READ_QUALIFICATION
    serializer_class = EnrollmentSerializer
    pagination_class = EnrollmentPagination

    @extend_schema(
        operation_id="qualification_enrollments_list",
        parameters=[StrictQueryParameters],
        responses={200: EnrollmentSerializer(many=True), **problem_responses(400), **ERRORS},
    )
    def get(self, request):
        StrictQueryParameters(data=request.query_params).is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.api_enrollments(self.participant))
        return self.get_paginated_response(
            EnrollmentSerializer(selectors.with_headlines(page, participant=self.participant), many=True).data
        )


class LetterListView(ApiView):
    required_scope = ApiScope.READ_QUALIFICATION
    serializer_class = LetterSerializer
    pagination_class = LetterPagination

    @extend_schema(
        operation_id="qualification_letters_list",
        parameters=[StrictQueryParameters],
        responses={200: LetterSerializer(many=True), **problem_responses(400), **ERRORS},
    )
    def get(self, request):
        StrictQueryParameters(data=request.query_params).is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.api_letters(self.participant))
        return self.get_paginated_response(LetterSerializer(page, many=True).data)


class LetterDetailView(ApiView):
    required_scope = ApiScope.READ_QUALIFICATION
    serializer_class = LetterSerializer

    @extend_schema(
        operation_id="qualification_letters_read",
        responses={200: LetterSerializer, **problem_responses(400, 404), **ERRORS},
    )
    def get(self, request, pk):
        return Response(LetterSerializer(selectors.api_letter_get(self.participant, pk)).data)


class LetterPdfView(ApiView):
    """The letter's PDF, streamed as the portal's download streams it (an attachment)."""

    required_scope = ApiScope.READ_QUALIFICATION

    @extend_schema(
        operation_id="qualification_letters_pdf",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The letter (PDF)."),
            **problem_responses(400, 404),
            **ERRORS,
        },
    )
    def get(self, request, pk):
        letter = selectors.api_letter_get(self.participant, pk)
        return private_file_response(letter.pdf, filename=letter.filename, content_type="application/pdf")
