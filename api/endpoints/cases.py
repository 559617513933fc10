"""Cases of the key's MP: list, read, file an inquiry or a dispute, reply, withdraw, reopen, download an attachment.

A write is checked as the portal checks it: the serializer checks the request's shape and types, then the portal's
own form its rules, with the portal's messages (dates not in the future, the statement date a filing window counts
from, a dispute's default category and subject, attachments by size and by content); the service refuses what it
refuses (the filing deadline, a closed case, the reopen window) with its ``DomainError`` code.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from cases.dispute_input import parse_rows, read_dispute_csv
from cases.forms.portal import DisputeForm, InquiryForm, ReopenForm, ReplyForm, WithdrawForm
from cases.forms.portal.decisions import AcceptDecisionForm, RejectDecisionForm
from cases.services import (
    case_reopen,
    case_reply,
    case_withdraw,
    dispute_submit,
    inquiry_submit,
)
from cases.services.decisions import decision_accept, decision_reject
from cases.services.dispute_bulk import DisputeFileRefused, dispute_bulk_file
from ercot_services.core.downloads import private_file_response

from ..models import ApiScope
from ..selectors import cases as selectors
from ..serializers.cases import (
    CaseDetailSerializer,
    CaseFilterSerializer,
    CaseSerializer,
    DecisionAcceptSerializer,
    DecisionRejectSerializer,
    DecisionRejectUploadSerializer,
    DisputeBulkResultSerializer,
    DisputeBulkSerializer,
    DisputeBulkUploadSerializer,
    DisputeCreateSerializer,
    DisputeCreateUploadSerializer,
    InquiryCreateSerializer,
    InquiryCreateUploadSerializer,
    ReopenSerializer,
    ReplySerializer,
    ReplyUploadSerializer,
    WithdrawSerializer,
)
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


# --- writes ------------------------------------------------------------------------------------------------------


class CategoryByCodeMixin:
    """The portal's filing forms name the category by its database id; the API by its code (``settlements``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].to_field_name = "code"


class ApiInquiryForm(CategoryByCodeMixin, InquiryForm):
    pass


class ApiDisputeForm(CategoryByCodeMixin, DisputeForm):
    pass


WRITE_ERRORS = {**problem_responses(400, 404, 409, 422), **ERRORS}


def _bodies(serializer, upload_serializer=None) -> dict:
    bodies = {"application/json": serializer}
    if upload_serializer is not None:
        bodies["multipart/form-data"] = upload_serializer
    return bodies


class CaseWriteView(ApiView):
    """A write on the MP's cases, as the key's creator (``ApiView.actor``). JSON, or multipart with attachments."""

    required_scope = ApiScope.WRITE_CASES
    parser_classes = [JSONParser, MultiPartParser]
    serializer_class = CaseDetailSerializer
    json_serializer = None
    upload_serializer = None
    form_class = None

    def validated_form(self):
        """The portal's form, bound to the request, once the request has the documented shape; else a 400 problem
        with the field errors of either."""
        multipart = self.request.content_type.startswith("multipart/")
        serializer = (self.upload_serializer if multipart else self.json_serializer)(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        form = self.form_class(data=self.form_data(), files=self.request.FILES)
        if not form.is_valid():
            raise ValidationError(
                {"non_field_errors" if name == "__all__" else name: messages for name, messages in form.errors.items()}
            )
        return form

    def form_data(self):
        """What the portal's form is bound to: the request's data (a view may reshape it)."""
        return self.request.data

    def case_response(self, case, *, status_code=status.HTTP_200_OK) -> Response:
        case = selectors.api_case_get(participant=self.participant, reference=case.reference)
        location = self.request.build_absolute_uri(reverse("api:v1:case", kwargs={"reference": case.reference}))
        return Response(CaseDetailSerializer(case).data, status=status_code, headers={"Location": location})


FILED = {
    (201, "application/json"): OpenApiResponse(
        CaseDetailSerializer, description="Filed; Location is the case's address."
    ),
}


class InquiryCreateView(CaseWriteView):
    json_serializer = InquiryCreateSerializer
    upload_serializer = InquiryCreateUploadSerializer
    form_class = ApiInquiryForm

    @extend_schema(
        operation_id="cases_inquiries_create",
        request=_bodies(InquiryCreateSerializer, InquiryCreateUploadSerializer),
        responses={**FILED, **WRITE_ERRORS},
    )
    def post(self, request):
        inquiry = self.validated_form().case_input(participant=self.participant)
        return self.case_response(inquiry_submit(actor=self.actor, inquiry=inquiry), status_code=201)


class DisputeCreateView(CaseWriteView):
    json_serializer = DisputeCreateSerializer
    upload_serializer = DisputeCreateUploadSerializer
    form_class = ApiDisputeForm

    def form_data(self):
        """A ``days`` list becomes the portal form's first day and its more-days lines."""
        days = self.request.data.get("days") if isinstance(self.request.data, dict) else None
        if not days or not isinstance(days, list):
            return self.request.data
        first, *more = days
        return {
            **self.request.data,
            "operating_day": first.get("operating_day"),
            "disputed_amount": first.get("disputed_amount"),
            "more_days": "\n".join(f"{day.get('operating_day')}, {day.get('disputed_amount')}" for day in more),
        }

    @extend_schema(
        operation_id="cases_disputes_create",
        description="Filed only within its filing deadline, as in the portal: a late one is a 422 problem "
        "`filing_deadline_passed` with the portal's message. With `days`, one dispute of several Operating Days: "
        "each day's deadline is checked, and every late day is listed in the problem's `errors.days`.",
        request=_bodies(DisputeCreateSerializer, DisputeCreateUploadSerializer),
        responses={**FILED, **WRITE_ERRORS},
    )
    def post(self, request):
        dispute = self.validated_form().case_input(participant=self.participant)
        return self.case_response(dispute_submit(actor=self.actor, dispute=dispute), status_code=201)


class DisputeBulkCreateView(CaseWriteView):
    """Many disputes at once, from the CSV template (multipart ``file``) or its rows as JSON (``rows``)."""

    json_serializer = DisputeBulkSerializer
    upload_serializer = DisputeBulkUploadSerializer

    @extend_schema(
        operation_id="cases_disputes_bulk_create",
        description="The rows are checked as a whole (the README's CSV template and grouping rule: the same charge "
        "type, statement type and statement reference make one multi-day dispute). Any problem is a 422 problem "
        "`invalid_csv` whose `errors.rows` lists each row's problem with its line (a CSV's line, or the row's "
        "position from 1 in JSON); nothing is filed. A clean file files every dispute in one transaction.",
        request=_bodies(DisputeBulkSerializer, DisputeBulkUploadSerializer),
        responses={
            (201, "application/json"): OpenApiResponse(DisputeBulkResultSerializer, description="The disputes filed."),
            **WRITE_ERRORS,
        },
    )
    def post(self, request):
        if request.content_type.startswith("multipart/"):
            DisputeBulkUploadSerializer(data=request.data).is_valid(raise_exception=True)
            try:
                rows, errors = read_dispute_csv(request.FILES["file"])
            except DjangoValidationError as error:
                raise ValidationError({"file": error.messages}) from error
        else:
            body = DisputeBulkSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            rows, errors = parse_rows(body.validated_data["rows"], first_line=1)
        if errors:
            raise DisputeFileRefused(errors)
        cases = dispute_bulk_file(actor=self.actor, participant=self.participant, rows=rows)
        return Response({"disputes": CaseSerializer(cases, many=True).data}, status=status.HTTP_201_CREATED)


class CaseReplyView(CaseWriteView):
    json_serializer = ReplySerializer
    upload_serializer = ReplyUploadSerializer
    form_class = ReplyForm

    @extend_schema(
        operation_id="cases_replies_create",
        description="A public reply; on a case Waiting on you, the case goes back to Client Services.",
        request=_bodies(ReplySerializer, ReplyUploadSerializer),
        responses={
            (201, "application/json"): OpenApiResponse(CaseDetailSerializer, description="The case with the reply."),
            **WRITE_ERRORS,
        },
    )
    def post(self, request, reference):
        case = selectors.api_case_lookup(participant=self.participant, reference=reference)
        data = self.validated_form().cleaned_data
        case_reply(actor=self.actor, case=case, body=data["body"], internal=False, attachments=data["attachments"])
        return self.case_response(case, status_code=201)


class CaseWithdrawView(CaseWriteView):
    json_serializer = WithdrawSerializer
    form_class = WithdrawForm
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="cases_withdraw",
        description="Withdraw an open case; a case that is not open is a 409 problem.",
        request=WithdrawSerializer,
        responses={200: CaseDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request, reference):
        case = selectors.api_case_lookup(participant=self.participant, reference=reference)
        data = self.validated_form().cleaned_data
        return self.case_response(case_withdraw(actor=self.actor, case=case, reason=data["reason"]))


class CaseReopenView(CaseWriteView):
    json_serializer = ReopenSerializer
    form_class = ReopenForm
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="cases_reopen",
        description="Reopen a resolved case within the reopen window; otherwise a 409 problem "
        "(`invalid_transition`, `reopen_window_passed`).",
        request=ReopenSerializer,
        responses={200: CaseDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request, reference):
        case = selectors.api_case_lookup(participant=self.participant, reference=reference)
        data = self.validated_form().cleaned_data
        return self.case_response(case_reopen(actor=self.actor, case=case, reason=data["reason"]))


class DecisionAcceptView(CaseWriteView):
    json_serializer = DecisionAcceptSerializer
    form_class = AcceptDecisionForm
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="cases_decision_accept",
        description="Accept a dispute's decision by its last day (`decision.respond_by`): the dispute closes. Nothing "
        "to answer, or too late, is a 409 problem (`no_decision_to_answer`, `decision_window_passed`).",
        request=DecisionAcceptSerializer,
        responses={200: CaseDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request, reference):
        case = selectors.api_case_lookup(participant=self.participant, reference=reference)
        self.validated_form()
        decision_accept(actor=self.actor, case=case)
        return self.case_response(case)


class DecisionRejectView(CaseWriteView):
    json_serializer = DecisionRejectSerializer
    upload_serializer = DecisionRejectUploadSerializer
    form_class = RejectDecisionForm

    @extend_schema(
        operation_id="cases_decision_reject",
        description="Reject a dispute's decision by its last day, with a reason: the first rejection sends the "
        "dispute back to Client Services for a new decision, the second takes it to alternative dispute resolution "
        "(`decision.state` `adr_requested`). Nothing to answer, or too late, is a 409 problem.",
        request=_bodies(DecisionRejectSerializer, DecisionRejectUploadSerializer),
        responses={200: CaseDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request, reference):
        case = selectors.api_case_lookup(participant=self.participant, reference=reference)
        data = self.validated_form().cleaned_data
        decision_reject(actor=self.actor, case=case, reason=data["reason"], attachments=data["attachments"])
        return self.case_response(case)


class AttachmentDownloadView(ApiView):
    """A public attachment of the MP's case, as the portal serves it; an internal one or another MP's is a 404."""

    required_scope = ApiScope.READ_CASES

    @extend_schema(
        operation_id="cases_attachments_download",
        responses={
            (200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The file, with its checked type."),
            **problem_responses(400, 404),
            **ERRORS,
        },
    )
    def get(self, request, reference, pk):
        attachment = selectors.api_attachment_get(participant=self.participant, reference=reference, pk=pk)
        return private_file_response(
            attachment.file, filename=attachment.original_name, content_type=attachment.content_type
        )
