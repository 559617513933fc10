"""Admin for plan management: account plans, objectives, action items, meetings, feedback.

The plan's text and its objectives' wording may be corrected here (every save is audited). Everything whose
change must email someone or follow a transition map — action items and their reminders, meetings and their
invitations, feedback and its follow-up, objective statuses — is read-only: it changes through
``plans.services`` (the workspace) only.
"""

from django.contrib import admin

from ercot_services.core.admin import (
    AdminAuditMixin,
    AuditTimelineMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInlineMixin,
    admin_change_link,
)

from .models import (
    AccountPlan,
    ActionItem,
    ActionItemReminder,
    ImprovementAction,
    Meeting,
    MeetingAttendee,
    PerformanceFeedback,
    PlanObjective,
)


class ObjectiveInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = PlanObjective
    fields = ("kind", "title", "target_date", "status")
    show_change_link = True


@admin.register(AccountPlan)
class AccountPlanAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("participant", "next_review_date", "updated_by", "updated_at")
    list_select_related = ("participant", "updated_by")
    search_fields = ("participant__short_name", "participant__legal_name", "summary")
    fields = ("participant", "summary", "next_review_date", "updated_by")
    readonly_fields = ("participant", "updated_by")
    inlines = [ObjectiveInline]

    def has_add_permission(self, request):
        return False  # plans are created with the MP's first plan edit in the workspace

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PlanObjective)
class PlanObjectiveAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("title", "participant", "kind", "target_date", "status")
    list_filter = ("kind", "status")
    list_select_related = ("plan__participant",)
    search_fields = ("title", "plan__participant__short_name")
    fields = ("plan", "kind", "title", "description", "target_date", "status")
    readonly_fields = ("plan", "status")

    @admin.display(description="participant", ordering="plan__participant__short_name")
    def participant(self, obj):
        return obj.plan.participant

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReminderInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ActionItemReminder
    fields = ("kind", "due_date", "sent_at")


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("title", "participant", "owner", "side", "due_date", "status", "completed_at")
    list_filter = ("status", "side")
    list_select_related = ("participant", "owner")
    search_fields = ("title", "participant__short_name", "owner__email", "owner__full_name")
    date_hierarchy = "due_date"
    readonly_fields = ("case_link", "application_link", "enrollment_link", "meeting_link")
    inlines = [ReminderInline]

    @admin.display(description="case")
    def case_link(self, obj):
        return admin_change_link(obj.case, obj.case.reference) if obj.case_id else "—"

    @admin.display(description="registration application")
    def application_link(self, obj):
        return admin_change_link(obj.application, obj.application.reference) if obj.application_id else "—"

    @admin.display(description="qualification enrollment")
    def enrollment_link(self, obj):
        return admin_change_link(obj.enrollment) if obj.enrollment_id else "—"

    @admin.display(description="follow-up of meeting")
    def meeting_link(self, obj):
        return admin_change_link(obj.meeting) if obj.meeting_id else "—"


@admin.register(ActionItemReminder)
class ActionItemReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("item", "kind", "due_date", "sent_at")
    list_filter = ("kind",)
    list_select_related = ("item",)
    search_fields = ("item__title",)


class AttendeeInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = MeetingAttendee
    fields = ("name", "email", "user", "is_staff")


class FollowUpInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ActionItem
    fk_name = "meeting"
    fields = ("title", "owner", "due_date", "status")
    verbose_name_plural = "follow-up action items"


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("title", "participant", "starts_at", "status", "sequence", "organizer", "minutes_shared_at")
    list_filter = ("status",)
    list_select_related = ("participant", "organizer")
    search_fields = ("title", "participant__short_name", "uid")
    date_hierarchy = "starts_at"
    inlines = [AttendeeInline, FollowUpInline]


@admin.register(PerformanceFeedback)
class PerformanceFeedbackAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("participant", "rating", "channel", "submitted_by", "recorded_by", "follow_up_status", "created_at")
    list_filter = ("rating", "channel", "follow_up_status")
    list_select_related = ("participant", "submitted_by", "recorded_by")
    search_fields = ("participant__short_name", "comments", "follow_up")
    date_hierarchy = "created_at"


@admin.register(ImprovementAction)
class ImprovementActionAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("title", "participant", "kind", "owner", "due_date", "status")
    list_filter = ("kind", "status")
    list_select_related = ("participant", "owner")
    search_fields = ("title", "participant__short_name")
    raw_id_fields = ("participant", "pattern")
