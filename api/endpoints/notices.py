"""Market notices: the public archive as JSON, one notice with its thread, the key's MP's action-required notices,
and acknowledging one."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from notices.selectors import ArchiveFilters
from notices.services.acknowledgements import notice_acknowledge

from ..models import ApiScope
from ..selectors import notices as selectors
from ..serializers.common import StrictQueryParameters
from ..serializers.notices import (
    AcknowledgementSerializer,
    ActionRequiredNoticeSerializer,
    NoticeFilterSerializer,
    NoticeSerializer,
)
from .base import ERRORS, ApiCursorPagination, ApiView, problem_responses

IDENTIFIER = OpenApiParameter(
    "identifier", str, OpenApiParameter.PATH, description="The notice ID (for example M-A042424-01) or its id."
)


class NoticePagination(ApiCursorPagination):
    """Newest first, as the archive lists them (a search is in that order too, not by relevance: a cursor needs a
    fixed order)."""

    ordering = ("-published_at", "-id")


class NoticeListView(ApiView):
    """The public archive: published notices only, with the archive page's filters."""

    required_scope = ApiScope.READ_NOTICES
    serializer_class = NoticeSerializer
    pagination_class = NoticePagination

    @extend_schema(
        operation_id="notices_list",
        parameters=[NoticeFilterSerializer],
        responses={200: NoticeSerializer(many=True), **problem_responses(400), **ERRORS},
    )
    def get(self, request):
        filters = NoticeFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise serializers.ValidationError({"date_to": ["The end date is before the start date."]})
        archive_filters = ArchiveFilters(
            notice_type=data.get("type"),
            scope=data.get("scope", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            distribution_list=data.get("list"),
            q=data.get("q", "").strip(),
            action_required=data.get("action_required", False),
        )
        page = self.paginate_queryset(selectors.api_notices(filters=archive_filters, since=data.get("since")))
        return self.get_paginated_response(NoticeSerializer(page, many=True).data)


class NoticeDetailView(ApiView):
    required_scope = ApiScope.READ_NOTICES
    serializer_class = NoticeSerializer

    @extend_schema(
        operation_id="notices_read",
        parameters=[IDENTIFIER],
        responses={200: NoticeSerializer, **problem_responses(400, 404), **ERRORS},
    )
    def get(self, request, identifier):
        return Response(NoticeSerializer(selectors.api_notice_get(identifier)).data)


class ActionRequiredFilterSerializer(StrictQueryParameters):
    unacknowledged = serializers.BooleanField(
        required=False, help_text="Only those awaiting the MP's acknowledgement (neither acknowledged nor cancelled)."
    )


class ActionRequiredListView(ApiView):
    """The key's MP's notices with ACTION REQUIRED, as its portal inbox lists them, each with its acknowledgement."""

    required_scope = ApiScope.READ_NOTICES
    serializer_class = ActionRequiredNoticeSerializer
    pagination_class = NoticePagination

    @extend_schema(
        operation_id="notices_action_required",
        parameters=[ActionRequiredFilterSerializer],
        responses={200: ActionRequiredNoticeSerializer(many=True), **problem_responses(400), **ERRORS},
    )
    def get(self, request):
        filters = ActionRequiredFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        notices = selectors.api_action_required_notices(
            participant=self.participant, unacknowledged=filters.validated_data.get("unacknowledged", False)
        )
        page = self.paginate_queryset(notices)
        return self.get_paginated_response(ActionRequiredNoticeSerializer(page, many=True).data)


class NoticeAcknowledgeView(ApiView):
    """The key's MP acknowledges a notice of its inbox, recorded as the key's creator (the portal's service and
    rules). Acknowledging again answers the acknowledgement already recorded."""

    required_scope = ApiScope.ACKNOWLEDGE_NOTICES
    serializer_class = AcknowledgementSerializer

    @extend_schema(
        operation_id="notices_acknowledge",
        parameters=[IDENTIFIER],
        request=None,
        responses={200: AcknowledgementSerializer, **problem_responses(400, 404), **ERRORS},
    )
    def post(self, request, identifier):
        notice = selectors.api_inbox_notice_get(participant=self.participant, identifier=identifier)
        acknowledgement = notice_acknowledge(actor=self.actor, notice=notice, participant=self.participant)
        return Response(AcknowledgementSerializer(acknowledgement).data)
