"""The API representation of each resource (read-only in v1's first slice)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.selectors.participants import current_manager
from cases.models import CaseKind, CaseStatus


class AccountManagerSerializer(serializers.Serializer):
    name = serializers.CharField(source="user.full_name")
    title = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField()
    extension = serializers.CharField()


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(source="user.full_name")
    email = serializers.EmailField(source="user.email")
    role = serializers.CharField(source="contact_role")
    role_label = serializers.CharField(source="get_contact_role_display")
    rank = serializers.CharField()


class ParticipantSerializer(serializers.Serializer):
    legal_name = serializers.CharField()
    short_name = serializers.CharField()
    dba_name = serializers.CharField()
    status = serializers.CharField()
    roles = serializers.SerializerMethodField()
    contacts = ContactSerializer(many=True, source="api_contacts")
    account_manager = serializers.SerializerMethodField()

    def get_roles(self, participant) -> list[str]:
        return sorted(role.code for role in participant.roles.all())

    @extend_schema_field(AccountManagerSerializer(allow_null=True))
    def get_account_manager(self, participant):
        manager = current_manager(participant)
        return AccountManagerSerializer(manager).data if manager else None


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


class CaseFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=CaseKind.choices, required=False)
    updated_since = serializers.DateTimeField(required=False)
    cursor = serializers.CharField(required=False)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200, help_text="50 unless told.")

    def validate(self, attrs):
        """DRF reads an empty query parameter as one left out, and ignores one it does not know: the schema says a
        value is not empty and names every parameter, so both are refused rather than silently ignored (a typo in a
        filter would otherwise list every case)."""
        errors = {
            name: ["Leave the parameter out rather than empty."]
            for name in self.fields
            if self.initial_data.get(name) == ""
        }
        unknown = [name for name in self.initial_data if name not in self.fields]
        errors.update({name or "(empty name)": ["Unknown parameter."] for name in unknown})
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, with our stable ``code`` and, for invalid input, the field errors."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
