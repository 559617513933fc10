"""Admin of the education app. Here: courses (the catalogue is edited here: title, audience, format, prerequisites, materials, published),
with the audit history of each object. Sessions, enrolments and recommendations are read here and changed through
the workspace pages, whose services send the invitations and keep the waitlist in order. The knowledge base and
market rules register theirs in ``admin_knowledge``."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from ercot_services.core.admin import AdminAuditMixin, AuditTimelineMixin, ReadOnlyAdminMixin
from ercot_services.core.uploads import DOCUMENT_TYPES, check_upload

from . import admin_knowledge  # noqa: F401
from .models import Course, CourseMaterial, CourseRecommendation, CourseSession, Enrolment

MATERIAL_MAX_BYTES = 20 * 1024 * 1024


class CourseMaterialForm(forms.ModelForm):
    class Meta:
        model = CourseMaterial
        fields = ["title", "file"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload and hasattr(upload, "content_type"):  # a new upload (an unchanged row keeps its stored file)
            checked = check_upload(upload, max_bytes=MATERIAL_MAX_BYTES, allowed=DOCUMENT_TYPES)
            self.instance.filename = checked.safe_name
            self.instance.content_type = checked.content_type
            self.instance.size = checked.size
        return upload


class CourseMaterialInline(admin.TabularInline):
    model = CourseMaterial
    form = CourseMaterialForm
    extra = 0


@admin.register(Course)
class CourseAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("title", "format", "level", "duration_minutes", "is_published")
    list_filter = ("is_published", "format", "level", "audience")
    search_fields = ("title", "summary")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("audience", "prerequisites")
    inlines = [CourseMaterialInline]


@admin.register(CourseSession)
class CourseSessionAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("course", "starts_at", "instructor", "capacity", "status", "sequence")
    list_filter = ("status", "course")
    list_select_related = ("course", "instructor")


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("user", "participant", "session", "status", "attendance", "queued_at")
    list_filter = ("status", "attendance")
    list_select_related = ("user", "participant", "session__course")
    search_fields = ("user__email", "participant__short_name")


@admin.register(CourseRecommendation)
class CourseRecommendationAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("course", "participant", "recommended_by", "created_at")
    list_select_related = ("course", "participant", "recommended_by")
