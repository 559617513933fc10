"""The key's Market Participant: roles, contacts, its Account Manager."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.selectors.participants import current_manager


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
