"""Cases: the list row, the case with its public messages, the list filters, and the bodies of the writes."""

from __future__ import annotations

from rest_framework import serializers

from cases.dispute_input import MAX_ROWS
from cases.forms.portal import ReopenForm
from cases.models import MAX_DISPUTE_DAYS, CaseKind, CaseStatus, DecisionState, StatementType
from ercot_services.core.text_limits import MESSAGE_TEXT

from .common import StrictQueryParameters


class CaseSerializer(serializers.Serializer):
    reference = serializers.CharField()
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    subject = serializers.CharField()
    category = serializers.CharField(source="category.name")
    priority = serializers.CharField()
    next_action_by = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="GET /api/v1/cases/{reference}/attachments/{id} downloads it.")
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class MessageSerializer(serializers.Serializer):
    author = serializers.CharField(source="author_name")
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    attachments = AttachmentSerializer(many=True)


class DisputeDayDetailSerializer(serializers.Serializer):
    operating_day = serializers.DateField()
    disputed_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    filing_deadline = serializers.DateField()
    filed_late = serializers.BooleanField()
    outcome = serializers.CharField(help_text="granted, denied, or empty while undecided.")
    granted_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class DisputeDetailSerializer(serializers.Serializer):
    """A dispute's statement and charge, its totals (the sum of its days) and its outcome (derived from the days)."""

    statement_type = serializers.ChoiceField(choices=StatementType.choices)
    statement_date = serializers.DateField(allow_null=True)
    statement_reference = serializers.CharField()
    charge_type = serializers.CharField()
    operating_day = serializers.DateField(help_text="The first Operating Day.")
    disputed_amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="The days' sum.")
    filing_deadline = serializers.DateField(help_text="The earliest of the days' deadlines.")
    outcome = serializers.CharField(help_text="granted, granted_with_exceptions, denied, withdrawn, or empty.")
    granted_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    days = DisputeDayDetailSerializer(many=True, source="day_list")


class DecisionSerializer(serializers.Serializer):
    """A dispute's decision loop: where it stands, the last day to accept or reject it, and ADR."""

    state = serializers.ChoiceField(choices=DecisionState.choices)
    round = serializers.IntegerField()
    decided_at = serializers.DateTimeField()
    respond_by = serializers.DateField(
        allow_null=True, help_text="The last Business Day to accept or reject (POST .../decision/accept or reject)."
    )
    rejections = serializers.IntegerField()
    market_wide_effect = serializers.BooleanField()
    adr_requested_on = serializers.DateField(allow_null=True)
    adr_started_on = serializers.DateField(allow_null=True)
    adr_concluded_on = serializers.DateField(allow_null=True)
    adr_outcome = serializers.CharField(allow_blank=True)
    adr_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    adr_explanation = serializers.CharField(allow_blank=True)


class CaseDetailSerializer(CaseSerializer):
    dispute = DisputeDetailSerializer(source="api_dispute", allow_null=True, help_text="A dispute's days; else null.")
    description = serializers.CharField()
    attachments = AttachmentSerializer(many=True, source="initial_attachments")
    messages = MessageSerializer(many=True, source="public_messages")
    decision = DecisionSerializer(allow_null=True, help_text="A resolved dispute's decision loop; null otherwise.")


class CaseFilterSerializer(StrictQueryParameters):
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=CaseKind.choices, required=False)
    updated_since = serializers.DateTimeField(required=False)


# --- writes: the shape and types of a request; the rules and their messages are the portal form's (api.forms) ------


# The portal's words for a missing reason (its form says the same as the service).
_REOPEN_REASON_REQUIRED = ReopenForm.base_fields["reason"].error_messages["required"]


def _attachments():
    return serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text="multipart/form-data only. Checked as in the portal: size, and type by content.",
    )


class InquiryCreateSerializer(serializers.Serializer):
    category = serializers.CharField(help_text="The category's code, for example settlements.")
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=MESSAGE_TEXT)


class InquiryCreateUploadSerializer(InquiryCreateSerializer):
    attachments = _attachments()


class DisputeDaySerializer(serializers.Serializer):
    operating_day = serializers.DateField(help_text="Not in the future.")
    disputed_amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Greater than zero.")


class DisputeCreateSerializer(serializers.Serializer):
    operating_day = serializers.DateField(
        required=False,
        help_text="The day the disputed charge applies to; not in the future. Left out when `days` is given.",
    )
    statement_type = serializers.ChoiceField(choices=StatementType.choices)
    statement_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The date on the statement or invoice; needed when the filing window counts from it.",
    )
    charge_type = serializers.CharField(max_length=120)
    disputed_amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text="In dollars and cents, greater than zero. Left out when `days` is given.",
    )
    days = DisputeDaySerializer(
        many=True,
        required=False,
        max_length=MAX_DISPUTE_DAYS,
        help_text="A dispute of several Operating Days of the same charge (JSON only): each day with its amount, "
        "each checked against its own filing deadline; one late day refuses the whole dispute (422).",
    )
    statement_reference = serializers.CharField(max_length=80)
    category = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The category's code; left out: settlements (credit-financial for an invoice).",
    )
    subject = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Left out: made from the charge and day."
    )
    description = serializers.CharField(max_length=MESSAGE_TEXT)

    def validate(self, attrs):
        if not attrs.get("days") and (attrs.get("operating_day") is None or attrs.get("disputed_amount") is None):
            raise serializers.ValidationError(
                "Give the operating_day and disputed_amount, or the days (each with its operating_day and amount)."
            )
        return attrs


class DisputeCreateUploadSerializer(DisputeCreateSerializer):
    days = None  # a list of objects does not travel in multipart/form-data: give one day, or use JSON
    attachments = _attachments()


# --- filing many disputes at once (rows as the CSV template has them) ----------------------------------------------


class DisputeBulkRowSerializer(serializers.Serializer):
    operating_day = serializers.CharField(help_text="YYYY-MM-DD.")
    statement_type = serializers.CharField(help_text="initial, final, true_up, dam or invoice.")
    statement_date = serializers.CharField(required=False, allow_blank=True, help_text="YYYY-MM-DD.")
    charge_type = serializers.CharField()
    disputed_amount = serializers.CharField(help_text="Dollars and cents, as 1250.75.")
    statement_reference = serializers.CharField()
    subject = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)


class DisputeBulkSerializer(serializers.Serializer):
    rows = DisputeBulkRowSerializer(many=True, min_length=1, max_length=MAX_ROWS)


class DisputeBulkUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The CSV template's columns, UTF-8.")


class DisputeBulkResultSerializer(serializers.Serializer):
    disputes = CaseSerializer(many=True)


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MESSAGE_TEXT)


class ReplyUploadSerializer(ReplySerializer):
    attachments = _attachments()


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        help_text="Why the case is being reopened.",
        error_messages={"required": _REOPEN_REASON_REQUIRED, "blank": _REOPEN_REASON_REQUIRED},
    )


class DecisionRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MESSAGE_TEXT, help_text="Why the participant rejects the decision.")


class DecisionRejectUploadSerializer(DecisionRejectSerializer):
    attachments = _attachments()


class DecisionAcceptSerializer(serializers.Serializer):
    """No fields: accepting closes the dispute."""
