"""Cases: the list row, the case with its public messages, the list filters."""

from __future__ import annotations

from rest_framework import serializers

from cases.models import CaseKind, CaseStatus

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
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class MessageSerializer(serializers.Serializer):
    author = serializers.CharField(source="author_name")
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    attachments = AttachmentSerializer(many=True)


class CaseDetailSerializer(CaseSerializer):
    description = serializers.CharField()
    attachments = AttachmentSerializer(many=True, source="initial_attachments")
    messages = MessageSerializer(many=True, source="public_messages")


class CaseFilterSerializer(StrictQueryParameters):
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=CaseKind.choices, required=False)
    updated_since = serializers.DateTimeField(required=False)
