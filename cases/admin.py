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
    CaseSurvey,
    DecisionWindow,
    DisputeDecision,
    DisputeDetail,
    DisputeWindow,
    InboundMessage,
    InboundStatus,
    Incident,
    IncidentRule,
    IssuePattern,
    NotificationPreference,
    SettlementStatement,
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


@admin.register(SettlementStatement)
class SettlementStatementAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    """The settlement calendar (the deadline radar reads it); bulk loads: ``manage.py load_settlement_calendar``."""

    list_display = ("operating_day", "statement_type", "statement_date")
    list_filter = ("statement_type",)
    date_hierarchy = "operating_day"
    ordering = ("-operating_day", "statement_type")


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


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    """Email received at the case addresses (cases.services.inbound): what each became, and why one was ignored or
    failed. A failed one can be processed again once its cause is fixed."""

    list_display = ("received_at", "sender", "subject", "source", "status", "outcome", "case_link", "attempts")
    list_filter = ("status", "outcome", "source")
    search_fields = ("message_id", "sender", "subject", "case__reference")
    list_select_related = ("case",)
    date_hierarchy = "received_at"
    exclude = ("raw",)
    actions = ["reprocess"]

    @admin.display(description="case")
    def case_link(self, obj):
        return admin_change_link(obj.case, obj.case.reference) if obj.case_id else "—"

    @admin.action(description="Process the selected failed emails again")
    def reprocess(self, request, queryset):
        from ercot_services.core.models import DomainError

        from .services.inbound import inbound_message_reprocess

        done = 0
        for row in queryset.filter(status=InboundStatus.FAILED):
            try:
                row = inbound_message_reprocess(actor=request.user, message=row)
            except DomainError as error:
                messages.error(request, str(error))
                return
            done += row.status != InboundStatus.FAILED
        messages.success(request, f"Processed {done} email(s) again; any still failing show their reason.")


@admin.register(IncidentRule)
class IncidentRuleAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    """The market incident thresholds: N different MPs within D days, per dimension."""

    list_display = ("dimension", "min_participants", "window_days", "is_active")
    list_editable = ("min_participants", "window_days", "is_active")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("title", "dimension", "key_label", "participant_count", "status", "created_at")
    list_filter = ("status", "dimension")


@admin.register(CaseSurvey)
class CaseSurveyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Satisfaction surveys, one per resolution (cases.services.surveys): read-only, as the requester answered."""

    list_display = ("sent_at", "case_link", "resolution_number", "requester_email", "score", "answered_at")
    list_filter = ("score", "category")
    search_fields = ("case__reference", "requester_email")
    list_select_related = ("case",)
    exclude = ("token_id",)

    @admin.display(description="case")
    def case_link(self, obj):
        return admin_change_link(obj.case, obj.case.reference)
