"""Admin for qualification: flights and the business-function catalogue (editable data), enrollments
(read-mostly: results, letters and their deliveries change through the services and the workspace),
letters with their deliveries and a "Resend failed deliveries" action, certificates and connectivity.

Every change made here is audited (AdminAuditMixin) and every change page shows the object's audit
history (AuditTimelineMixin).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from ercot_services.core.admin import (
    AdminAuditMixin,
    AuditTimelineMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInlineMixin,
    admin_change_link,
)
from ercot_services.core.models import DomainError

from .models import (
    BusinessFunction,
    CertificateRequest,
    ConnectivitySpec,
    ConnectivityTest,
    Enrollment,
    Flight,
    FlightResult,
    LetterDelivery,
    QualificationLetter,
)
from .services.letters import delivery_resend

# --- flights and the catalogue -----------------------------------------------------------------------------


@admin.register(Flight)
class FlightAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "start_date",
        "end_date",
        "application_deadline",
        "registration_deadline",
        "status",
        "workspace_link",
    )
    list_filter = ("status",)
    date_hierarchy = "start_date"
    ordering = ("-start_date",)
    fields = ("name", "start_date", "end_date", "application_deadline", "registration_deadline", "status", "notes")
    readonly_fields = ("name",)
    audit_verb_prefix = "flight"

    @admin.display(description="Board")
    def workspace_link(self, obj):
        return format_html('<a href="{}">Open the board</a>', obj.get_absolute_url())


@admin.register(BusinessFunction)
class BusinessFunctionAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("name", "code", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("code", "name")
    ordering = ("sort_order", "name")
    fields = ("code", "name", "sort_order")
    audit_verb_prefix = "business_function"


# --- enrollments -------------------------------------------------------------------------------------------------


class FlightResultInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = FlightResult
    fields = ("completed", "tested_on", "partners", "functions", "notes", "recorded_by", "handed_over_at")
    readonly_fields = fields
    verbose_name_plural = "testing result"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("recorded_by")
            .prefetch_related("trading_partners", "business_functions")
        )

    @admin.display(description="Trading partners")
    def partners(self, obj):
        return ", ".join(p.short_name for p in obj.trading_partners.all()) or "—"

    @admin.display(description="Business functions")
    def functions(self, obj):
        return "; ".join(f.name for f in obj.business_functions.all()) or "—"


@admin.register(Enrollment)
class EnrollmentAdmin(AuditTimelineMixin, admin.ModelAdmin):
    """Read-mostly: enrollment, results, hand-over and letters go through the workspace and the services."""

    list_display = (
        "participant",
        "flight",
        "participant_kind",
        "change_kind",
        "status",
        "letter_number",
        "workspace_link",
    )
    list_filter = ("status", "participant_kind", "change_kind", "flight")
    search_fields = ("participant__short_name", "participant__legal_name", "letter__number")
    list_select_related = ("participant", "flight", "letter")
    fields = (
        "flight",
        "participant",
        "participant_kind",
        "change_kind",
        "status",
        "application",
        "late_override_reason",
        "enrolled_by",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields
    inlines = [FlightResultInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Letter")
    def letter_number(self, obj):
        letter = getattr(obj, "letter", None)
        return admin_change_link(letter, letter.number) if letter else "—"

    @admin.display(description="Workspace")
    def workspace_link(self, obj):
        return format_html('<a href="{}">Open</a>', obj.get_absolute_url())


# --- letters -----------------------------------------------------------------------------------------------------------


class LetterDeliveryInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = LetterDelivery
    fields = ("email", "name", "kind", "capacity", "status", "attempts", "sent_at", "message_id", "last_error")
    readonly_fields = fields


@admin.action(description="Resend failed deliveries", permissions=["resend"])
def resend_failed_deliveries(modeladmin, request, queryset):
    failed = LetterDelivery.objects.filter(letter__in=queryset, status=LetterDelivery.Status.FAILED).select_related(
        "letter"
    )
    count = 0
    for delivery in failed:
        try:
            delivery_resend(actor=request.user, delivery=delivery)
        except DomainError as error:
            modeladmin.message_user(request, f"{delivery.letter.number} to {delivery.email}: {error}", messages.ERROR)
        else:
            count += 1
    if count:
        modeladmin.message_user(
            request, f"{count} failed deliver{'y' if count == 1 else 'ies'} queued to be sent again.", messages.SUCCESS
        )
    else:
        modeladmin.message_user(request, "None of the chosen letters has a failed delivery.", messages.INFO)


@admin.register(QualificationLetter)
class QualificationLetterAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("number", "participant_name", "flight", "issued_on", "effective_date", "delivery_summary")
    list_filter = ("issued_on", "deliveries__status")
    search_fields = (
        "number",
        "enrollment__participant__short_name",
        "enrollment__participant__legal_name",
        "deliveries__email",
    )
    list_select_related = ("enrollment__participant", "enrollment__flight")
    fields = ("number", "enrollment_link", "issued_on", "effective_date", "download", "generated_by", "created_at")
    readonly_fields = fields
    inlines = [LetterDeliveryInline]
    actions = [resend_failed_deliveries]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("deliveries")

    def has_resend_permission(self, request):
        """The letters stay read-only; resending is for those who may change deliveries (Retail Operations)."""
        return request.user.has_perm("qualification.change_letterdelivery")

    def get_audit_events(self, obj):
        from ercot_services.core.models import AuditEvent

        return AuditEvent.objects.for_object(obj.enrollment)

    @admin.display(description="Market Participant", ordering="enrollment__participant__short_name")
    def participant_name(self, obj):
        return obj.enrollment.participant.short_name

    @admin.display(description="Flight")
    def flight(self, obj):
        return str(obj.enrollment.flight)

    @admin.display(description="Enrollment")
    def enrollment_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.enrollment.get_absolute_url(), obj.enrollment)

    @admin.display(description="PDF")
    def download(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("workspace:letter-download", args=[obj.pk]), obj.filename)

    @admin.display(description="Deliveries")
    def delivery_summary(self, obj):
        deliveries = list(obj.deliveries.all())
        counts = {status: sum(1 for d in deliveries if d.status == status) for status in LetterDelivery.Status.values}
        text = f"{counts['sent']} sent · {counts['pending']} pending · {counts['failed']} failed"
        if counts["failed"]:
            return format_html('<strong class="delivery-failed">{}</strong>', text)
        return text


# --- certificates and connectivity -------------------------------------------------------------------------------------


@admin.register(CertificateRequest)
class CertificateRequestAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    """Status moves through the workspace (certificate_advance), so the transitions stay checked and audited."""

    list_display = ("participant", "status", "security_administrator", "requested_at", "issued_at", "installed_at")
    list_filter = ("status",)
    search_fields = ("participant__short_name", "participant__legal_name")
    list_select_related = ("participant", "security_administrator")
    fields = (
        "participant",
        "enrollment",
        "security_administrator",
        "status",
        "requested_at",
        "issued_at",
        "installed_at",
    )
    readonly_fields = fields


@admin.register(ConnectivitySpec)
class ConnectivitySpecAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("participant", "status", "protocol", "endpoint_url", "contact_name", "updated_at")
    list_filter = ("status", "protocol")
    search_fields = ("participant__short_name", "endpoint_url", "contact_email")
    list_select_related = ("participant",)
    fields = (
        "participant",
        "status",
        "endpoint_url",
        "protocol",
        "certificate_fingerprint",
        "contact_name",
        "contact_email",
        "contact_phone",
        "requested_reason",
        "updated_by",
    )
    readonly_fields = ("participant", "updated_by")
    audit_verb_prefix = "connectivity_spec"

    def has_add_permission(self, request):
        return False


@admin.register(ConnectivityTest)
class ConnectivityTestAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    """Recorded through the workspace (connectivity_test_record), which also activates a qualifying MP."""

    list_display = ("participant", "status", "service_request_link", "scheduled_for", "completed_at")
    list_filter = ("status",)
    search_fields = ("participant__short_name", "service_request__reference")
    list_select_related = ("participant", "service_request")
    fields = ("participant", "enrollment", "service_request_link", "status", "scheduled_for", "completed_at", "notes")
    readonly_fields = fields

    @admin.display(description="Service Desk request")
    def service_request_link(self, obj):
        if not obj.service_request_id:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.service_request.get_absolute_url(), obj.service_request.reference)
