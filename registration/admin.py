"""Admin for registration: the requirement catalogue (editable data), applications (read-mostly:
the workflow runs through the services), documents, and the registration facts.

Every change made here is audited (AdminAuditMixin) and every change page shows
the object's audit history (AuditTimelineMixin).
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from ercot_services.core.admin import (
    AdminAuditMixin,
    AuditTimelineMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInlineMixin,
    admin_change_link,
)

from .models import (
    Application,
    ApplicationRequirement,
    ContactChange,
    Document,
    PuctCertification,
    QseAcknowledgement,
    QseLoadQualification,
    RequirementType,
    RoleRequirement,
    SfaRecord,
)

# --- the requirement catalogue -----------------------------------------------------------------------


class RoleRequirementInline(admin.TabularInline):
    model = RoleRequirement
    extra = 1
    verbose_name = "market role that needs it"
    verbose_name_plural = "market roles that need it"


@admin.register(RequirementType)
class RequirementTypeAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("name", "code", "needs_document", "sort_order", "role_list")
    list_editable = ("sort_order",)
    list_filter = ("needs_document", "roles__role")
    search_fields = ("code", "name", "description")
    ordering = ("sort_order", "name")
    fields = ("code", "name", "description", "needs_document", "sort_order")
    inlines = [RoleRequirementInline]
    audit_verb_prefix = "requirement_type"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles__role")

    @admin.display(description="Roles")
    def role_list(self, obj):
        return ", ".join(sorted(link.role.code for link in obj.roles.all())) or "—"


# --- applications -------------------------------------------------------------------------------------


class ApplicationRequirementInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ApplicationRequirement
    fields = ("requirement", "status", "review_reason", "latest_document")
    readonly_fields = fields
    verbose_name = "checklist line"
    verbose_name_plural = "checklist lines"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requirement").prefetch_related("documents")

    @admin.display(description="Latest document")
    def latest_document(self, obj):
        documents = sorted(obj.documents.all(), key=lambda d: -d.version)
        if not documents:
            return "—"
        latest = documents[0]
        return format_html(
            '{} <span class="quiet">v{} · {}{}</span>',
            admin_change_link(latest, latest.original_name),
            latest.version,
            latest.get_review_status_display(),
            f" · {len(documents)} versions" if len(documents) > 1 else "",
        )


class ContactChangeInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ContactChange
    fields = ("action", "contact_role", "rank", "full_name", "email", "phone")
    readonly_fields = fields
    verbose_name = "requested contact change"
    verbose_name_plural = "requested contact changes"


@admin.register(Application)
class ApplicationAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    """Read-mostly: only the reviewer can be changed here; decisions go through the review page."""

    list_display = (
        "reference",
        "participant",
        "kind",
        "status",
        "submitted_at",
        "due_on",
        "reviewer",
        "requires_testing",
    )
    list_filter = ("status", "kind", "requires_testing", ("due_on", admin.DateFieldListFilter))
    search_fields = ("reference", "participant__short_name", "participant__legal_name")
    list_select_related = ("participant", "reviewer")
    date_hierarchy = "created_at"
    autocomplete_fields = ("reviewer",)
    inlines = [ApplicationRequirementInline, ContactChangeInline]
    audit_verb_prefix = "application"
    fieldsets = (
        (None, {"fields": ("reference", "participant_link", "kind", "status", "review_page", "reviewer")}),
        (
            "What is asked for",
            {
                "fields": (
                    "role_codes",
                    "roles_to_remove_codes",
                    "territory_names",
                    "change_type_list",
                    "new_legal_name",
                    "new_dba",
                    "banking_note",
                    "service_provider_name",
                    "notes",
                    "requires_testing",
                )
            },
        ),
        ("Documents", {"fields": ("documents_display",)}),
        (
            "Attestation and decision",
            {
                "fields": (
                    "created_by",
                    "attested_by",
                    "attested_at",
                    "attestation_text",
                    "submitted_at",
                    "info_request",
                    "decided_by",
                    "decided_at",
                    "decision_reason",
                )
            },
        ),
        (
            "Review clock",
            {"fields": ("clock_started_on", "paused_on", "paused_business_days", "due_on", "reminder_sent_on")},
        ),
    )
    readonly_fields = (
        "reference",
        "participant_link",
        "kind",
        "status",
        "review_page",
        "role_codes",
        "roles_to_remove_codes",
        "territory_names",
        "change_type_list",
        "new_legal_name",
        "new_dba",
        "banking_note",
        "service_provider_name",
        "notes",
        "requires_testing",
        "documents_display",
        "created_by",
        "attested_by",
        "attested_at",
        "attestation_text",
        "submitted_at",
        "info_request",
        "decided_by",
        "decided_at",
        "decision_reason",
        "clock_started_on",
        "paused_on",
        "paused_business_days",
        "due_on",
        "reminder_sent_on",
    )

    def has_add_permission(self, request):
        return False  # participants start applications in the portal

    def has_delete_permission(self, request, obj=None):
        return False  # withdraw or reject instead: the history stays

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("participant", "reviewer")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "reviewer":
            from accounts.models import User

            kwargs["queryset"] = User.objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Market Participant")
    def participant_link(self, obj):
        return admin_change_link(obj.participant, f"{obj.participant.legal_name} ({obj.participant.short_name})")

    @admin.display(description="Review page")
    def review_page(self, obj):
        return format_html('<a href="{}">Open {} in the workspace</a>', obj.get_absolute_url(), obj.reference)

    @admin.display(description="Roles applied for / to add")
    def role_codes(self, obj):
        return ", ".join(obj.roles.values_list("code", flat=True)) or "—"

    @admin.display(description="Roles to remove")
    def roles_to_remove_codes(self, obj):
        return ", ".join(obj.roles_to_remove.values_list("code", flat=True)) or "—"

    @admin.display(description="Territories to add")
    def territory_names(self, obj):
        return ", ".join(obj.territories_to_add.values_list("name", flat=True)) or "—"

    @admin.display(description="Change types")
    def change_type_list(self, obj):
        return "; ".join(obj.change_type_labels()) or "—"

    @admin.display(description="All document versions")
    def documents_display(self, obj):
        documents = (
            Document.objects.filter(line__application=obj)
            .select_related("line__requirement", "uploaded_by", "reviewed_by")
            .order_by("line__requirement__sort_order", "-version")
        )
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>v{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    d.line.requirement.name,
                    format_html(
                        '<a href="{}">{}</a>', reverse("workspace:application-document", args=[d.pk]), d.original_name
                    ),
                    d.version,
                    d.uploaded_at.strftime("%Y-%m-%d %H:%M"),
                    d.get_review_status_display(),
                    d.review_reason or "",
                )
                for d in documents
            ),
        )
        if not rows:
            return "No documents uploaded."
        return format_html(
            "<table><thead><tr><th>Requirement</th><th>File</th><th>Version</th><th>Uploaded</th>"
            "<th>Review</th><th>Reason</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("original_name", "version", "application_link", "requirement", "review_status", "uploaded_at")
    list_filter = ("review_status", "content_type")
    search_fields = ("original_name", "line__application__reference", "line__application__participant__short_name")
    list_select_related = ("line__application", "line__requirement")
    fields = (
        "application_link",
        "requirement",
        "version",
        "download",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
        "review_status",
        "review_reason",
        "reviewed_by",
        "reviewed_at",
    )
    readonly_fields = fields

    def get_audit_events(self, obj):
        # Document reviews are recorded against the application.
        return super().get_audit_events(obj.line.application)

    @admin.display(description="Application")
    def application_link(self, obj):
        return admin_change_link(obj.line.application, obj.line.application.reference)

    @admin.display(description="Requirement")
    def requirement(self, obj):
        return obj.line.requirement.name

    @admin.display(description="File")
    def download(self, obj):
        return format_html('<a href="{}">Download</a>', reverse("workspace:application-document", args=[obj.pk]))


# --- registration facts ---------------------------------------------------------------------------------


class _FactAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    autocomplete_fields = ("participant",)
    list_select_related = ("participant",)
    search_fields = ("participant__short_name", "participant__legal_name")
    readonly_fields = ("facts_page",)

    @admin.display(description="Workspace")
    def facts_page(self, obj):
        if obj is None or obj.participant_id is None:
            return "—"
        return format_html(
            '<a href="{}">Registration facts of {}</a>',
            reverse("workspace:participant-facts", args=[obj.participant_id]),
            obj.participant,
        )


@admin.register(SfaRecord)
class SfaRecordAdmin(_FactAdmin):
    list_display = ("participant", "signed_on", "processed_by_legal", "processed_at")
    list_filter = ("processed_by_legal",)
    fields = ("participant", "signed_on", "processed_by_legal", "processed_at", "processed_by", "facts_page")
    readonly_fields = ("processed_at", "processed_by", "facts_page")
    audit_verb_prefix = "registration.sfa"


@admin.register(PuctCertification)
class PuctCertificationAdmin(_FactAdmin):
    list_display = ("participant", "certificate_number", "issued_on", "expires_on", "received_at")
    list_filter = (("expires_on", admin.DateFieldListFilter),)
    search_fields = ("certificate_number", "participant__short_name", "participant__legal_name")
    fields = ("participant", "certificate_number", "issued_on", "expires_on", "received_at", "facts_page")
    audit_verb_prefix = "registration.puct"


@admin.register(QseAcknowledgement)
class QseAcknowledgementAdmin(_FactAdmin):
    list_display = ("participant", "qse", "processed_by_legal", "qse_qualified", "processed_at")
    list_filter = ("processed_by_legal", "qse__load_qualification__qualified")
    list_select_related = ("participant", "qse__load_qualification")
    search_fields = ("participant__short_name", "participant__legal_name", "qse__short_name")
    autocomplete_fields = ("participant", "qse")
    fields = (
        "participant",
        "qse",
        "processed_by_legal",
        "qse_qualified",
        "processed_at",
        "processed_by",
        "facts_page",
    )
    readonly_fields = ("qse_qualified", "processed_at", "processed_by", "facts_page")
    audit_verb_prefix = "registration.qse_acknowledgement"

    @admin.display(description="QSE qualified to serve load", boolean=True)
    def qse_qualified(self, obj):
        return obj.qse_qualified_to_serve_load if obj.qse_id else None


@admin.register(QseLoadQualification)
class QseLoadQualificationAdmin(AuditTimelineMixin, admin.ModelAdmin):
    """Read only here: the QSE's registration facts page records changes, each with its reason."""

    list_display = ("qse", "qualified", "recorded_at", "recorded_by")
    list_filter = ("qualified",)
    list_select_related = ("qse", "recorded_by")
    search_fields = ("qse__short_name", "qse__legal_name")
    fields = ("qse", "qualified", "recorded_at", "recorded_by", "reason", "facts_page")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Workspace")
    def facts_page(self, obj):
        if obj is None or obj.qse_id is None:
            return "—"
        url = reverse("workspace:participant-facts", args=[obj.qse_id])
        return format_html('<a href="{}">Registration facts of {}</a>', url, obj.qse)
