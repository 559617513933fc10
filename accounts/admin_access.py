"""Admin pages (read-only) of the people part of accounts: links, invitations and access reviews. They change only
through the services the MP's User Security Administrator uses (accounts.services.access), so each change is audited
and the Account Manager told; the audit history of each row shows here."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType

from ercot_services.core.admin import AuditTimelineMixin, ReadOnlyAdminMixin, ReadOnlyInlineMixin
from ercot_services.core.models import AuditEvent

from .models import AccessReview, AccessReviewEntry, PortalAccess, PortalInvitation


class PeopleAuditMixin:
    """A user's admin page also shows what the MPs' User Security Administrators did to their access."""

    def get_audit_events(self, obj):
        links = [str(pk) for pk in PortalAccess.objects.filter(user=obj).values_list("pk", flat=True)]
        return super().get_audit_events(obj) | AuditEvent.objects.filter(
            target_content_type=ContentType.objects.get_for_model(PortalAccess), target_object_id__in=links
        )


@admin.register(PortalAccess)
class PortalAccessAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("user", "participant", "status", "changed_at", "changed_by", "last_confirmed_at")
    list_filter = ("status",)
    search_fields = ("user__email", "user__full_name", "participant__short_name")
    list_select_related = ("user", "participant", "changed_by")
    fields = ("user", "participant", "status", "changed_at", "changed_by", "change_reason", "last_confirmed_at")


@admin.register(PortalInvitation)
class PortalInvitationAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("email", "participant", "invited_by", "created_at", "expires_at", "accepted_at", "revoked_at")
    search_fields = ("email", "participant__short_name")
    list_select_related = ("participant", "invited_by")
    # The token's hash is left out: nothing in admin needs it.
    fields = ("email", "participant", "roles", "invited_by", "expires_at", "accepted_at", "accepted_by", "revoked_at")


class AccessReviewEntryInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = AccessReviewEntry
    fields = ("user", "confirmed_at", "confirmed_by", "suspended_at")
    readonly_fields = fields


@admin.register(AccessReview)
class AccessReviewAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("participant", "quarter", "status", "opened_at", "due_at", "closed_at", "outcome")
    list_filter = ("status", "outcome", "quarter")
    search_fields = ("participant__short_name",)
    list_select_related = ("participant",)
    fields = ("participant", "quarter", "status", "opened_at", "due_at", "closed_at", "outcome")
    inlines = [AccessReviewEntryInline]
