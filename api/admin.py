"""The operator reads API keys, the call log and webhooks in the admin; keys and endpoints are made and changed only
by the MP's USA (an endpoint's secrets are never shown here)."""

from django.contrib import admin
from django.db import models

from ercot_services.core.admin import ReadOnlyAdminMixin

from .models import ApiCallLog, ApiKey, WebhookDelivery, WebhookEndpoint


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


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("url", "participant", "enabled", "consecutive_failures", "created_at")
    list_filter = ("enabled",)
    list_select_related = ("participant",)
    search_fields = ("url", "description", "participant__short_name")
    exclude = ("secret", "previous_secret")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "event_type", "event_id", "endpoint", "status", "attempts", "last_status_code")
    list_filter = ("status", "event_type")
    list_select_related = ("endpoint",)
    search_fields = ("event_id", "endpoint__url")
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_per_page = 100
