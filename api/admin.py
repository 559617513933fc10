"""The operator reads API keys, the call log and webhooks in the admin. An MP's keys and webhook endpoints are made
and changed only by its USA (in the portal; an endpoint's secrets are never shown here); staff keys are made and
revoked here, by an administrator (``api.manage_staff_api_keys``), through the same services, their secret shown
once."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.template.response import TemplateResponse

from ercot_services.core.admin import ReadOnlyAdminMixin
from ercot_services.core.models import DomainError

from . import policies, services
from .forms.staff import StaffApiKeyCreateForm
from .models import ApiCallLog, ApiKey, WebhookDelivery, WebhookEndpoint
from .views.portal import end_of_day


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "prefix", "participant", "user", "created_at", "expires_at", "revoked_at", "last_used_at")
    list_select_related = ("participant", "user")
    list_filter = (("user", admin.EmptyFieldListFilter), "revoked_at")
    search_fields = ("name", "prefix", "participant__short_name", "user__email")
    exclude = ("secret_hash",)
    actions = ["revoke_staff_keys"]

    def has_add_permission(self, request):
        """ "Add" issues a staff key (:meth:`add_view`); an MP's keys are its USA's, in the portal."""
        return policies.can_manage_staff_api_keys(request.user)

    def has_manage_staff_keys_permission(self, request):
        return policies.can_manage_staff_api_keys(request.user)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = StaffApiKeyCreateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                api_key, secret = services.staff_api_key_create(
                    actor=request.user,
                    user=data["user"],
                    name=data["name"],
                    scopes=data["scopes"],
                    expires_at=end_of_day(data["expires_on"]),
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                # The secret exists only in this response: no redirect, and the page is never cached.
                context = {**self.admin_site.each_context(request), "api_key": api_key, "secret": secret}
                page = TemplateResponse(request, "admin/api/apikey/staff_key_created.html", context)
                page["Cache-Control"] = "no-store"
                return page
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "title": "Issue a staff API key",
        }
        return TemplateResponse(
            request, "admin/api/apikey/staff_key_form.html", context, status=400 if form.errors else 200
        )

    @admin.action(description="Revoke the selected staff keys", permissions=["manage_staff_keys"])
    def revoke_staff_keys(self, request, queryset):
        revoked = 0
        for api_key in queryset.filter(user__isnull=False, revoked_at__isnull=True):
            services.api_key_revoke(actor=request.user, api_key=api_key, reason="Revoked in the admin")
            revoked += 1
        skipped = queryset.filter(user__isnull=True).count()
        messages.success(request, f"Revoked {revoked} staff key(s).")
        if skipped:
            messages.warning(
                request, f"Left {skipped} Market Participant key(s): their USA revokes them in the portal."
            )


@admin.register(ApiCallLog)
class ApiCallLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "key_name", "participant", "method", "path", "status_code", "ip_address")
    list_filter = ("status_code", "method", "participant", "api_key")
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
