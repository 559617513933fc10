"""The operator reads API keys and the call log in the admin; keys are made and revoked only by the MP's USA."""

from django.contrib import admin

from ercot_services.core.admin import ReadOnlyAdminMixin

from .models import ApiCallLog, ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "prefix", "participant", "created_at", "expires_at", "revoked_at", "last_used_at")
    list_select_related = ("participant",)
    search_fields = ("name", "prefix", "participant__short_name")
    exclude = ("secret_hash",)


@admin.register(ApiCallLog)
class ApiCallLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "key_name", "participant", "method", "path", "status_code", "ip_address")
    list_filter = ("status_code", "method")
    list_select_related = ("participant",)
    search_fields = ("key_name", "path", "participant__short_name")
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_per_page = 100
