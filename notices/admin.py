"""Admin for market notices: reference data and subscriptions are editable; notices and their outbox are read-only
(they change through the workspace and the services, never by hand)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q

from ercot_services.core.admin import AdminAuditMixin, AuditTimelineMixin, ReadOnlyAdminMixin, admin_change_link

from .models import (
    Acknowledgement,
    ContactListOptOut,
    DistributionList,
    Notice,
    NoticeDelivery,
    NoticeType,
    Subscription,
    Suppression,
)


@admin.register(NoticeType)
class NoticeTypeAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "sort_order")
    list_editable = ("sort_order",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)
    audit_verb_prefix = "notice_type"


@admin.register(DistributionList)
class DistributionListAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "description",
        "roles",
        "is_public",
        "confirmed_subscribers",
        "pending_subscribers",
        "opt_out_count",
    )
    list_filter = ("is_public", "notice_types")
    search_fields = ("name", "description")
    filter_horizontal = ("notice_types",)
    audit_verb_prefix = "distribution_list"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _confirmed=Count(
                    "subscriptions", filter=Q(subscriptions__status=Subscription.Status.CONFIRMED), distinct=True
                ),
                _pending=Count(
                    "subscriptions", filter=Q(subscriptions__status=Subscription.Status.PENDING), distinct=True
                ),
                _opt_outs=Count("opt_outs", distinct=True),
            )
        )

    @admin.display(description="Contact roles")
    def roles(self, obj):
        return ", ".join(obj.contact_roles) or "—"

    @admin.display(description="Subscribed", ordering="_confirmed")
    def confirmed_subscribers(self, obj):
        return obj._confirmed

    @admin.display(description="Awaiting confirmation", ordering="_pending")
    def pending_subscribers(self, obj):
        return obj._pending

    @admin.display(description="Contact opt-outs", ordering="_opt_outs")
    def opt_out_count(self, obj):
        return obj._opt_outs


@admin.register(Subscription)
class SubscriptionAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("email", "distribution_list", "status", "confirmed_at", "unsubscribed_at", "created_at")
    list_filter = ("status", "distribution_list")
    search_fields = ("email",)
    list_select_related = ("distribution_list",)
    readonly_fields = ("confirmed_at", "unsubscribed_at", "confirmation_token", "confirmation_sent_at")
    audit_verb_prefix = "subscription"


@admin.register(ContactListOptOut)
class ContactListOptOutAdmin(AdminAuditMixin, admin.ModelAdmin):
    list_display = ("email", "distribution_list", "created_at")
    list_filter = ("distribution_list",)
    search_fields = ("email",)
    list_select_related = ("distribution_list",)
    audit_verb_prefix = "contact_list_opt_out"


@admin.register(Suppression)
class SuppressionAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("email", "reason", "created_at", "short_detail")
    list_filter = ("reason",)
    search_fields = ("email", "detail")
    date_hierarchy = "created_at"
    audit_verb_prefix = "suppression"

    @admin.display(description="Detail")
    def short_detail(self, obj):
        return obj.detail if len(obj.detail) <= 80 else obj.detail[:77] + "…"


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = (
        "label",
        "short_description",
        "notice_type",
        "scope",
        "status",
        "kind",
        "published_at",
        "sent",
        "failed",
        "pending",
    )
    list_filter = ("status", "kind", "scope", "notice_type", "imported")
    search_fields = ("notice_id", "short_description")
    date_hierarchy = "published_at"
    list_select_related = ("notice_type",)
    fields = (
        "notice_id",
        "status",
        "kind",
        "previous_link",
        "notice_date",
        "notice_type",
        "scope",
        "audience",
        "short_description",
        "days_affected",
        "long_description",
        "action_required",
        "additional_information",
        "contact",
        "lists",
        "author",
        "approver",
        "approved_at",
        "scheduled_for",
        "published_at",
        "imported",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _sent=Count("deliveries", filter=Q(deliveries__status=NoticeDelivery.Status.SENT)),
                _failed=Count("deliveries", filter=Q(deliveries__status=NoticeDelivery.Status.FAILED)),
                _pending=Count(
                    "deliveries",
                    filter=Q(deliveries__status__in=[NoticeDelivery.Status.PENDING, NoticeDelivery.Status.CLAIMED]),
                ),
            )
        )

    @admin.display(description="Notice", ordering="notice_id")
    def label(self, obj):
        return obj.notice_id or f"Draft #{obj.pk}"

    @admin.display(description="Previous")
    def previous_link(self, obj):
        return admin_change_link(obj.previous, obj.previous.notice_id if obj.previous else None)

    @admin.display(description="Sent", ordering="_sent")
    def sent(self, obj):
        return obj._sent

    @admin.display(description="Failed", ordering="_failed")
    def failed(self, obj):
        return obj._failed

    @admin.display(description="Pending", ordering="_pending")
    def pending(self, obj):
        return obj._pending


@admin.register(NoticeDelivery)
class NoticeDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("notice", "email", "distribution_list", "status", "attempts", "sent_at", "short_error")
    list_filter = ("status", "distribution_list", ("sent_at", admin.DateFieldListFilter))
    search_fields = ("email", "notice__notice_id")
    list_select_related = ("notice", "distribution_list")
    show_full_result_count = False
    list_per_page = 100
    raw_id_fields = ("notice",)
    exclude = ("token",)

    @admin.display(description="Error")
    def short_error(self, obj):
        return obj.last_error if len(obj.last_error) <= 80 else obj.last_error[:77] + "…"


@admin.register(Acknowledgement)
class AcknowledgementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("notice", "participant", "user", "acknowledged_at")
    list_filter = (("acknowledged_at", admin.DateFieldListFilter),)
    search_fields = ("notice__notice_id", "participant__short_name", "user__email")
    list_select_related = ("notice", "participant", "user")
