"""Admin for the case workflow's data: categories with SLA targets, dispute windows, settings,
canned responses, and read-mostly views of cases, their outbox and patterns.

Cases themselves change only through the workspace (services); here they are
read-only, with the audit history, so the workflow map cannot be bypassed.
"""

from django.contrib import admin, messages
from django.db import transaction

from ercot_services.core.admin import (
    AdminAuditMixin,
    AuditTimelineMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInlineMixin,
    admin_change_link,
)

from .models import (
    CannedResponse,
    Case,
    CaseAttachment,
    CaseCategory,
    CaseMessage,
    CaseNotification,
    CaseSettings,
    DecisionWindow,
    DisputeDecision,
    DisputeDetail,
    DisputeWindow,
    IssuePattern,
    NotificationPreference,
    SlaTarget,
)


class SlaTargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0


@admin.register(CaseCategory)
class CaseCategoryAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("name", "code", "default_priority", "is_active", "sort_order")
    list_editable = ("sort_order", "is_active")
    prepopulated_fields = {"code": ("name",)}
    inlines = [SlaTargetInline]


@admin.register(DisputeWindow)
class DisputeWindowAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("statement_type", "anchor", "business_days", "true_up_after_days", "note")


@admin.register(DecisionWindow)
class DecisionWindowAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    """How many Business Days a participant has to accept or reject a dispute decision (one row)."""

    list_display = ("__str__", "business_days")

    def has_add_permission(self, request):
        return not DecisionWindow.objects.exists()


@admin.register(DisputeDecision)
class DisputeDecisionAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    """The decision loop changes only through the portal and the workspace (cases.services.decisions)."""

    list_display = ("case", "state", "round", "respond_by", "rejections", "market_wide_effect")
    list_filter = ("state", "market_wide_effect")
    search_fields = ("case__reference",)


@admin.register(CaseSettings)
class CaseSettingsAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("__str__", "reopen_window_days", "at_risk_percent", "pattern_case_count", "pattern_window_days")

    def has_add_permission(self, request):
        return not CaseSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CannedResponse)
class CannedResponseAdmin(AdminAuditMixin, admin.ModelAdmin):
    list_display = ("title", "category", "is_active")
    list_filter = ("is_active", "category")
    search_fields = ("title", "body")


class DisputeInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = DisputeDetail


class MessageInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = CaseMessage
    fields = ("created_at", "author_name", "is_internal", "body")


class AttachmentInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = CaseAttachment
    fields = ("created_at", "original_name", "content_type", "size", "is_internal", "uploaded_by")


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = (
        "reference",
        "subject",
        "participant",
        "kind",
        "category",
        "priority",
        "status",
        "sla_state",
        "assignee",
        "created_at",
    )
    list_filter = ("kind", "status", "sla_state", "priority", "category", "channel")
    search_fields = ("reference", "subject", "participant__short_name", "participant__legal_name", "contact_email")
    list_select_related = ("participant", "category", "assignee")
    date_hierarchy = "created_at"
    inlines = [DisputeInline, MessageInline, AttachmentInline]


@admin.register(CaseNotification)
class CaseNotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "case_link", "event", "recipient", "status", "attempts", "sent_at")
    list_filter = ("status", "event")
    search_fields = ("recipient", "case__reference", "subject")
    list_select_related = ("case",)
    actions = ["retry"]

    @admin.display(description="case")
    def case_link(self, obj):
        return admin_change_link(obj.case, obj.case.reference)

    @admin.action(description="Retry the selected failed emails")
    def retry(self, request, queryset):
        from ercot_services.core.delivery import outbox_enqueue

        from .tasks import send_case_notifications

        failed = list(
            queryset.filter(status=CaseNotification.Status.FAILED).values_list("case_id", "event_key").distinct()
        )
        queryset.filter(status=CaseNotification.Status.FAILED).update(
            status=CaseNotification.Status.PENDING, attempts=0
        )
        for case_id, event_key in failed:
            # A broker that is down must not fail the resend: the rows are pending and the sweep finds them.
            transaction.on_commit(
                lambda c=case_id, e=event_key: outbox_enqueue(send_case_notifications, case_id=c, event_key=e)
            )
        messages.success(request, f"Queued {len(failed)} case event(s) for another try.")


@admin.register(IssuePattern)
class IssuePatternAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("participant", "category", "case_count", "window_days", "status", "last_case_at")
    list_filter = ("status", "category")
    list_select_related = ("participant", "category")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(AdminAuditMixin, admin.ModelAdmin):
    list_display = ("user", "on_submission", "on_reply", "on_status_change", "on_at_risk")
    search_fields = ("user__email",)
