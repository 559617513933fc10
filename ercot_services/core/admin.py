"""Admin for the cross-app pieces (holidays, audit events) and the admin mixins every app reuses.

:class:`AuditTimelineMixin` shows an object's audit history on its change page;
:class:`AdminAuditMixin` records an audit event for every add, change and
delete made through the admin (including inline rows), so work done by hand
in the admin is as traceable as work done through the services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .audit import audit_record
from .models import AuditEvent, Holiday

admin.site.site_header = "ERCOT Client Services administration"
admin.site.site_title = "ERCOT Client Services admin"
admin.site.index_title = "Administration"

AUDIT_TIMELINE_FIELD = "audit_timeline"


# --------------------------------------------------------------------------
# Rendering audit events
# --------------------------------------------------------------------------


def _short(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def render_changes(changes: dict | None):
    """``{field: [old, new]}`` as ``field: old → new`` lines (escaped)."""
    if not changes:
        return "—"
    rows = []
    for field, pair in changes.items():
        if isinstance(pair, (list, tuple)) and len(pair) == 2:
            old, new = pair
        else:
            old, new = None, pair
        rows.append((field, _short(old), _short(new)))
    return format_html_join(mark_safe("<br>"), "<strong>{}</strong>: {} → {}", rows)


def render_audit_events(events) -> str:
    """A compact table of audit events (time, actor, verb, changes, reason)."""
    events = list(events)
    if not events:
        return "No audit events recorded yet."
    rows = format_html_join(
        "",
        '<tr><td class="nowrap">{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M"),
                event.actor or "system",
                event.verb,
                event.target_repr,
                render_changes(event.changes),
                event.reason or "",
            )
            for event in events
        ),
    )
    return format_html(
        '<table class="audit-timeline">'
        "<thead><tr><th>When</th><th>Who</th><th>What</th><th>Object</th><th>Changes</th><th>Reason</th></tr></thead>"
        "<tbody>{}</tbody></table>",
        rows,
    )


# --------------------------------------------------------------------------
# Mixins
# --------------------------------------------------------------------------


class AuditTimelineMixin:
    """Adds a read-only "Audit history" section to the change page.

    Override :meth:`get_audit_events` to widen what is shown (for example an
    MP page also shows the events of its memberships).
    """

    audit_timeline_limit = 50
    audit_timeline_collapsed = False

    def get_audit_events(self, obj):
        return AuditEvent.objects.for_object(obj)

    @admin.display(description="Recent audit events")
    def audit_timeline(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        events = self.get_audit_events(obj).select_related("actor").order_by("-created_at", "-id")
        return render_audit_events(events[: self.audit_timeline_limit])

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if AUDIT_TIMELINE_FIELD not in fields:
            fields.append(AUDIT_TIMELINE_FIELD)
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            options = dict(options)
            options["fields"] = [f for f in options.get("fields", ()) if f != AUDIT_TIMELINE_FIELD]
            fieldsets.append((name, options))
        if obj is not None and obj.pk is not None:
            classes = ("collapse",) if self.audit_timeline_collapsed else ()
            fieldsets.append(("Audit history", {"classes": classes, "fields": [AUDIT_TIMELINE_FIELD]}))
        return fieldsets


def _value_for_audit(instance: models.Model, field_name: str) -> Any:
    """A JSON-friendly, human-readable value of one field (FKs as their str, M2M as sorted strs)."""
    try:
        field = instance._meta.get_field(field_name)
    except Exception:  # noqa: BLE001 - not a model field
        return None
    if field.many_to_many:
        if instance.pk is None:
            return []
        return sorted(str(o) for o in getattr(instance, field_name).all())
    if field.is_relation:
        return str(getattr(instance, field_name, None) or "") or None
    return getattr(instance, field.attname)


class AdminAuditMixin:
    """Records an audit event for each add, change and delete made in the admin.

    Verbs are ``<audit_verb_prefix>.created_in_admin`` / ``updated_in_admin`` /
    ``deleted_in_admin``; changes are ``{field: (old, new)}`` built from the
    form's ``changed_data``. Inline rows get events of their own model. A form
    field named ``change_reason`` (not a model field) becomes the event reason.
    """

    audit_verb_prefix: str | None = None
    audit_skip_fields: tuple[str, ...] = ("password", "last_login", "created_at", "updated_at")

    # --- helpers ---------------------------------------------------------

    def _verb_prefix(self, model) -> str:
        if model is self.model and self.audit_verb_prefix:
            return self.audit_verb_prefix
        return model._meta.model_name

    def _model_field_names(self, form) -> list[str]:
        opts = form._meta.model._meta
        names = {
            f.name
            for f in opts.get_fields()
            if (getattr(f, "concrete", False) or f.many_to_many) and not getattr(f, "primary_key", False)
        }
        return [name for name in form.fields if name in names and name not in self.audit_skip_fields]

    def _snapshot_from_db(self, instance, names) -> dict[str, Any]:
        if instance.pk is None or not names:
            return {}
        fresh = type(instance)._default_manager.filter(pk=instance.pk).first()
        if fresh is None:
            return {}
        return {name: _value_for_audit(fresh, name) for name in names}

    def _changes_for(self, form, instance, old: dict[str, Any], added: bool) -> dict[str, tuple[Any, Any]]:
        names = self._model_field_names(form)
        if not added:
            names = [n for n in names if n in form.changed_data]
        changes = {}
        for name in names:
            new = _value_for_audit(instance, name)
            before = None if added else old.get(name)
            if added and new in (None, "", []):
                continue
            if before != new:
                changes[name] = (before, new)
        return changes

    @staticmethod
    def _reason(request, form) -> str:
        cleaned = getattr(form, "cleaned_data", None) or {}
        return (cleaned.get("change_reason") or "").strip() or "Changed in the admin"

    def get_audit_changes(self, request, form, obj, change) -> dict[str, tuple[Any, Any]]:
        return self._changes_for(form, obj, getattr(form, "_audit_old", {}), added=not change)

    # --- main object -----------------------------------------------------

    def save_model(self, request, obj, form, change):
        if change:
            form._audit_old = self._snapshot_from_db(
                obj, [n for n in self._model_field_names(form) if n in form.changed_data]
            )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        changes = self.get_audit_changes(request, form, obj, change)
        if changes or not change:
            verb = "updated_in_admin" if change else "created_in_admin"
            audit_record(
                actor=request.user,
                verb=f"{self._verb_prefix(type(obj))}.{verb}",
                target=obj,
                changes=changes,
                reason=self._reason(request, form),
            )

    def delete_model(self, request, obj):
        audit_record(
            actor=request.user,
            verb=f"{self._verb_prefix(type(obj))}.deleted_in_admin",
            target=obj,
            changes={"object": (str(obj), None)},
            reason="Deleted in the admin",
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(
                actor=request.user,
                verb=f"{self._verb_prefix(type(obj))}.deleted_in_admin",
                target=obj,
                changes={"object": (str(obj), None)},
                reason="Deleted in the admin (bulk action)",
            )
        super().delete_queryset(request, queryset)

    # --- inline rows -----------------------------------------------------

    def save_formset(self, request, form, formset, change):
        old_by_form = {}
        deleted = []
        for inline_form in formset.initial_forms:
            if inline_form.instance.pk is None:
                continue
            if formset.can_delete and formset._should_delete_form(inline_form):
                deleted.append((inline_form.instance.pk, str(inline_form.instance), type(inline_form.instance)))
            elif inline_form.has_changed():
                names = [n for n in self._model_field_names(inline_form) if n in inline_form.changed_data]
                old_by_form[inline_form.instance.pk] = self._snapshot_from_db(inline_form.instance, names)
        super().save_formset(request, form, formset, change)
        parent = form.instance
        forms_by_pk = {f.instance.pk: f for f in formset.forms if f.instance.pk is not None}
        for obj in formset.new_objects:
            inline_form = forms_by_pk.get(obj.pk)
            changes = self._changes_for(inline_form, obj, {}, added=True) if inline_form else {}
            audit_record(
                actor=request.user,
                verb=f"{self._verb_prefix(type(obj))}.created_in_admin",
                target=obj,
                changes=changes,
                reason=f"Added in the admin from {parent._meta.verbose_name} {parent}",
            )
        for obj, _changed in formset.changed_objects:
            inline_form = forms_by_pk.get(obj.pk)
            if inline_form is None:
                continue
            changes = self._changes_for(inline_form, obj, old_by_form.get(obj.pk, {}), added=False)
            if changes:
                audit_record(
                    actor=request.user,
                    verb=f"{self._verb_prefix(type(obj))}.updated_in_admin",
                    target=obj,
                    changes=changes,
                    reason=f"Changed in the admin from {parent._meta.verbose_name} {parent}",
                )
        for _pk, label, model in deleted:
            # The row is gone: record the event against the parent so it stays visible there.
            audit_record(
                actor=request.user,
                verb=f"{self._verb_prefix(model)}.deleted_in_admin",
                target=parent,
                changes={model._meta.model_name: (label, None)},
                reason=f"Deleted in the admin from {parent._meta.verbose_name} {parent}",
            )


class ReadOnlyInlineMixin:
    """An inline that only lists rows (history is changed through services, not by hand)."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin:
    """A model admin that lists and shows rows but never adds, changes or deletes them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def admin_change_link(obj, label=None):
    """A link to ``obj``'s admin change page, or plain text when it has none."""
    if obj is None:
        return "—"
    try:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return str(label or obj)
    return format_html('<a href="{}">{}</a>', url, label or obj)


# --------------------------------------------------------------------------
# Model admins
# --------------------------------------------------------------------------


@admin.register(Holiday)
class HolidayAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("date", "weekday", "name")
    date_hierarchy = "date"
    ordering = ("date",)
    search_fields = ("name",)
    fields = ("date", "name")
    audit_verb_prefix = "holiday"

    @admin.display(description="Weekday")
    def weekday(self, obj):
        return obj.date.strftime("%A")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "actor", "verb", "target_repr", "participant", "short_reason")
    list_filter = ("verb", ("created_at", admin.DateFieldListFilter), "target_content_type")
    date_hierarchy = "created_at"
    search_fields = ("target_repr", "reason", "verb")
    list_select_related = ("actor", "participant", "target_content_type")
    fields = (
        "created_at",
        "actor",
        "verb",
        "target_type",
        "target_link",
        "participant",
        "changes_display",
        "reason",
    )
    readonly_fields = fields
    show_full_result_count = False
    list_per_page = 100

    @admin.display(description="Reason")
    def short_reason(self, obj):
        return obj.reason if len(obj.reason) <= 80 else obj.reason[:77] + "…"

    @admin.display(description="Object type")
    def target_type(self, obj):
        return obj.target_content_type.name if obj.target_content_type_id else "—"

    @admin.display(description="Object")
    def target_link(self, obj):
        ct = obj.target_content_type
        try:
            url = reverse(f"admin:{ct.app_label}_{ct.model}_change", args=[obj.target_object_id])
        except NoReverseMatch:
            return obj.target_repr
        return format_html('<a href="{}">{}</a>', url, obj.target_repr)

    @admin.display(description="Changes")
    def changes_display(self, obj):
        return render_changes(obj.changes)
