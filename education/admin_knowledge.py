"""Admin for the knowledge base and market rules: sections and revision requests are reference data editable here
(a revision request's status change goes through ``revision_request_update_status``, which notifies the MPs whose
cases cite it); articles change through the workspace (four eyes), so they are read-only here."""

from __future__ import annotations

from django.contrib import admin, messages

from ercot_services.core.admin import AdminAuditMixin, AuditTimelineMixin, ReadOnlyAdminMixin
from ercot_services.core.models import DomainError

from .models import Article, ArticleVote, Citation, Deflection, RevisionRequest, RevisionStatusChange, RuleSection
from .services.rules import revision_request_update_status


@admin.register(RuleSection)
class RuleSectionAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("document", "number", "title")
    list_filter = ("document",)
    search_fields = ("number", "title")
    audit_verb_prefix = "rule_section"


@admin.register(RevisionRequest)
class RevisionRequestAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("kind", "number", "title", "status", "status_changed_on")
    list_filter = ("kind", "status")
    search_fields = ("title", "number")
    filter_horizontal = ("sections",)
    readonly_fields = ("status_changed_on",)
    audit_verb_prefix = "revision_request"

    def save_model(self, request, obj, form, change):
        """A changed status goes through the service (its transitions, its notifications), not a plain save."""
        if change and "status" in form.changed_data:
            wanted = obj.status
            obj.status = RevisionRequest.objects.values_list("status", flat=True).get(pk=obj.pk)
            super().save_model(request, obj, form, change)
            try:
                change_row = revision_request_update_status(actor=request.user, revision=obj, status=wanted)
            except DomainError as error:
                self.message_user(request, f"The status was not changed: {error}", level=messages.ERROR)
                return
            obj.refresh_from_db()
            if change_row is not None:
                self.message_user(
                    request, f"{obj.label} is now {obj.get_status_display()}; the MPs citing it are told."
                )
            return
        super().save_model(request, obj, form, change)


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("title", "category", "visibility", "status", "review_by")
    list_filter = ("status", "visibility", "category")
    search_fields = ("title", "summary")


@admin.register(ArticleVote)
class ArticleVoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("article", "helpful", "created_at")
    list_filter = ("helpful",)


@admin.register(Deflection)
class DeflectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("subject", "participant", "outcome", "category", "created_at")
    list_filter = ("outcome",)


@admin.register(Citation)
class CitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "case", "notice", "article", "created_at")


@admin.register(RevisionStatusChange)
class RevisionStatusChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("revision_request", "from_status", "to_status", "changed_at")
