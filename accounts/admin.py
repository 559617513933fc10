"""Admin for users, Market Participants, Account Managers and contacts.

Every change page shows the object's audit history, and every save made here
records an audit event (see :mod:`ercot_services.core.admin`). The AM
assignment history is read-only: it changes only through
``accounts.services.account_manager_assign``. Status changes of an MP go
through ``participant_set_status`` so the lifecycle map is enforced here too.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count

from ercot_services.core.admin import (
    AdminAuditMixin,
    AuditTimelineMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInlineMixin,
    admin_change_link,
)
from ercot_services.core.models import AuditEvent, DomainError

from . import selectors
from .admin_access import PeopleAuditMixin  # and the people part's own pages: links, invitations, access reviews
from .email_address import canonical_email
from .events import AccountEvent
from .models import (
    AccountManager,
    AccountManagerAssignment,
    MarketParticipant,
    MarketRole,
    Membership,
    ParticipantStatus,
    ServiceTerritory,
    User,
)
from .services import participant_set_status
from .services.credentials import password_change_record

# --------------------------------------------------------------------------
# Inlines
# --------------------------------------------------------------------------


class MembershipInlineFormSet(forms.BaseInlineFormSet):
    """Operator staff are never contacts of an MP (the same rule as ``membership_add``)."""

    def clean(self):
        super().clean()
        for form in self.forms:
            if not getattr(form, "cleaned_data", None) or form.cleaned_data.get("DELETE"):
                continue
            user = self.instance if isinstance(self.instance, User) else form.cleaned_data.get("user")
            if user is not None and user.is_staff:
                raise forms.ValidationError("Operator staff cannot be contacts of a Market Participant.")


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipInlineFormSet
    extra = 0
    fields = ("user", "participant", "contact_role", "rank", "is_active")
    autocomplete_fields = ("user", "participant")
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "participant")


class ParticipantMembershipInline(MembershipInline):
    fk_name = "participant"
    fields = ("user", "contact_role", "rank", "is_active")
    verbose_name = "contact"
    verbose_name_plural = "contacts (memberships)"


class UserMembershipInline(MembershipInline):
    fk_name = "user"
    fields = ("participant", "contact_role", "rank", "is_active")
    verbose_name_plural = "memberships at Market Participants"


class AssignmentHistoryInline(ReadOnlyInlineMixin, admin.TabularInline):
    """The MP's Account Manager history; change it with the reassign service, not by hand."""

    model = AccountManagerAssignment
    fk_name = "participant"
    fields = ("account_manager", "started_at", "ended_at", "reason", "assigned_by")
    readonly_fields = fields
    verbose_name = "Account Manager assignment"
    verbose_name_plural = "Account Manager history (read-only: use the reassign action in the workspace)"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("account_manager__user", "assigned_by", "participant")
            .order_by("-started_at", "-id")
        )


class CurrentBookInline(ReadOnlyInlineMixin, admin.TabularInline):
    """The MPs an AM looks after now."""

    model = AccountManagerAssignment
    fk_name = "account_manager"
    fields = ("participant", "started_at", "reason", "assigned_by")
    readonly_fields = fields
    verbose_name = "participant in book"
    verbose_name_plural = "current book (read-only)"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .current()
            .select_related("participant", "assigned_by", "account_manager__user")
            .order_by("participant__short_name")
        )


# --------------------------------------------------------------------------
# Users
# --------------------------------------------------------------------------


class _CanonicalEmailMixin:
    def clean_email(self):
        email = canonical_email(self.cleaned_data["email"])
        qs = User.objects.filter(email=email)
        if self.instance.pk:
            qs = qs.exclude(pk=self.instance.pk)
        if qs.exists():
            raise forms.ValidationError("A user with this email address already exists.")
        return email


class UserCreationAdminForm(_CanonicalEmailMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserChangeAdminForm(_CanonicalEmailMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(PeopleAuditMixin, AdminAuditMixin, AuditTimelineMixin, DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal information", {"fields": ("full_name", "job_title", "phone")}),
        (
            "Permissions",
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "description": "Staff users work in the workspace; everyone else reaches the portal "
                "through their memberships below.",
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("email", "full_name", "job_title", "is_staff", "group_names", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "full_name", "job_title")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")
    inlines = (UserMembershipInline,)
    audit_verb_prefix = "user"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Groups")
    def group_names(self, obj):
        return ", ".join(sorted(g.name for g in obj.groups.all())) or "—"

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            if user is not None:
                # The admin's browser is not the person's: the email does not name it.
                password_change_record(
                    user=user, actor=request.user, verb=AccountEvent.USER_PASSWORD_CHANGED_IN_ADMIN, request=None
                )
        return response

    def get_inline_instances(self, request, obj=None):
        # Staff have no memberships; new users get them after they exist.
        if obj is None or obj.is_staff:
            return []
        return super().get_inline_instances(request, obj)


# --------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------


@admin.register(MarketRole)
class MarketRoleAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("code", "name", "participant_count")
    search_fields = ("code", "name")
    ordering = ("code",)
    audit_verb_prefix = "market_role"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(participant_count=Count("participants", distinct=True))

    @admin.display(description="Participants", ordering="participant_count")
    def participant_count(self, obj):
        return obj.participant_count


@admin.register(ServiceTerritory)
class ServiceTerritoryAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    list_display = ("code", "name", "participant_count")
    search_fields = ("code", "name")
    ordering = ("name",)
    audit_verb_prefix = "service_territory"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(participant_count=Count("participants", distinct=True))

    @admin.display(description="Participants", ordering="participant_count")
    def participant_count(self, obj):
        return obj.participant_count


# --------------------------------------------------------------------------
# Market Participants
# --------------------------------------------------------------------------


class MarketParticipantAdminForm(forms.ModelForm):
    change_reason = forms.CharField(
        required=False,
        max_length=255,
        label="Reason for this change",
        help_text="Recorded in the audit history with the changed fields.",
    )

    class Meta:
        model = MarketParticipant
        fields = "__all__"

    def clean_status(self):
        status = self.cleaned_data["status"]
        if self.instance.pk is None:
            return status
        current = MarketParticipant.objects.filter(pk=self.instance.pk).values_list("status", flat=True).first()
        if current is not None and current != status:
            if status not in MarketParticipant.STATUS_TRANSITIONS.get(current, set()):
                allowed = ", ".join(
                    ParticipantStatus(s).label for s in sorted(MarketParticipant.STATUS_TRANSITIONS[current])
                )
                raise forms.ValidationError(
                    f"A {ParticipantStatus(current).label} participant cannot become "
                    f"{ParticipantStatus(status).label}. Allowed next: {allowed or 'none'}."
                )
        return status


@admin.register(MarketParticipant)
class MarketParticipantAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    form = MarketParticipantAdminForm
    list_display = ("short_name", "legal_name", "status", "role_list", "current_account_manager", "operator_id")
    list_filter = ("status", "roles", "service_territories")
    search_fields = ("short_name", "legal_name", "duns_number", "operator_id")
    ordering = ("short_name",)
    filter_horizontal = ("roles", "service_territories")
    readonly_fields = ("current_account_manager", "created_at", "updated_at")
    inlines = (ParticipantMembershipInline, AssignmentHistoryInline)
    fieldsets = (
        (None, {"fields": ("legal_name", "short_name", "duns_number", "operator_id", "status")}),
        ("Market", {"fields": ("roles", "service_territories", "current_account_manager")}),
        ("Contact details", {"fields": ("website", "address")}),
        ("Internal", {"fields": ("notes", "change_reason")}),
        ("Record", {"classes": ("collapse",), "fields": ("created_at", "updated_at")}),
    )
    audit_verb_prefix = "participant"
    audit_timeline_limit = 100

    def get_queryset(self, request):
        return selectors.with_current_manager(super().get_queryset(request))

    def get_audit_events(self, obj):
        # The MP's own events and those of everything that belongs to it (memberships, ...).
        return AuditEvent.objects.for_object(obj) | AuditEvent.objects.filter(participant=obj)

    @admin.display(description="Roles")
    def role_list(self, obj):
        return ", ".join(obj.role_codes()) or "—"

    @admin.display(description="Account Manager")
    def current_account_manager(self, obj):
        manager = selectors.current_manager(obj) if obj.pk else None
        return admin_change_link(manager) if manager else "—"

    def save_model(self, request, obj, form, change):
        status_change = None
        if change and "status" in form.changed_data:
            old = MarketParticipant.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
            status_change = obj.status
            obj.status = old  # saved unchanged here; the lifecycle service moves it below
        super().save_model(request, obj, form, change)
        if status_change is not None:
            try:
                moved = participant_set_status(
                    actor=request.user,
                    participant=obj,
                    status=status_change,
                    reason=(form.cleaned_data.get("change_reason") or "").strip() or "Changed in the admin",
                )
            except DomainError as exc:  # the form checked already; a concurrent change may still refuse
                messages.error(request, str(exc))
            else:
                obj.status = moved.status
                obj.updated_at = moved.updated_at

    def get_audit_changes(self, request, form, obj, change):
        changes = super().get_audit_changes(request, form, obj, change)
        if change:
            changes.pop("status", None)  # recorded by participant_set_status as participant.status_changed
        return changes


# --------------------------------------------------------------------------
# Account Managers and their assignments
# --------------------------------------------------------------------------


class AccountManagerAdminForm(forms.ModelForm):
    class Meta:
        model = AccountManager
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "user" in self.fields:
            self.fields["user"].queryset = User.objects.filter(is_staff=True).order_by("full_name")

    def clean_user(self):
        user = self.cleaned_data["user"]
        if user is not None and not user.is_staff:
            raise forms.ValidationError("Only operator staff can be Account Managers.")
        return user


@admin.register(AccountManager)
class AccountManagerAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    form = AccountManagerAdminForm
    list_display = ("name", "title", "email", "phone_display", "book_size", "is_active")
    list_filter = ("is_active",)
    search_fields = ("user__full_name", "user__email", "email")
    ordering = ("user__full_name",)
    readonly_fields = ("book_size", "created_at", "updated_at")
    fields = ("user", "title", "email", "phone", "extension", "is_active", "book_size", "created_at", "updated_at")
    inlines = (CurrentBookInline,)
    audit_verb_prefix = "account_manager"

    def get_queryset(self, request):
        queryset = selectors.account_managers_with_book_size()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    @admin.display(description="Name", ordering="user__full_name")
    def name(self, obj):
        return obj.user.full_name

    @admin.display(description="Phone")
    def phone_display(self, obj):
        return obj.phone_display

    @admin.display(description="Book size", ordering="book_size")
    def book_size(self, obj):
        return getattr(obj, "book_size", None) if obj and obj.pk else "—"


class IsCurrentFilter(admin.SimpleListFilter):
    title = "current"
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return (("yes", "Current"), ("no", "Ended"))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(ended_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(ended_at__isnull=False)
        return queryset


class AccountManagerFilter(admin.SimpleListFilter):
    title = "Account Manager"
    parameter_name = "account_manager"

    def lookups(self, request, model_admin):
        return [(str(m.pk), m.user.full_name) for m in AccountManager.objects.select_related("user")]

    def queryset(self, request, queryset):
        return queryset.filter(account_manager_id=self.value()) if self.value() else queryset


@admin.register(AccountManagerAssignment)
class AccountManagerAssignmentAdmin(ReadOnlyAdminMixin, AuditTimelineMixin, admin.ModelAdmin):
    """History of who looked after which MP. Read-only: reassign through the service."""

    list_display = ("participant", "account_manager", "started_at", "ended_at", "is_current", "reason", "assigned_by")
    list_filter = (IsCurrentFilter, AccountManagerFilter)
    search_fields = ("participant__short_name", "participant__legal_name", "account_manager__user__full_name", "reason")
    list_select_related = ("participant", "account_manager__user", "assigned_by")
    date_hierarchy = "started_at"
    fields = ("participant", "account_manager", "started_at", "ended_at", "reason", "assigned_by")

    @admin.display(description="Current", boolean=True)
    def is_current(self, obj):
        return obj.is_current

    def get_audit_events(self, obj):
        return AuditEvent.objects.filter(
            participant_id=obj.participant_id, verb=AccountEvent.PARTICIPANT_ACCOUNT_MANAGER_ASSIGNED
        )


# --------------------------------------------------------------------------
# Memberships
# --------------------------------------------------------------------------


class MembershipAdminForm(forms.ModelForm):
    change_reason = forms.CharField(required=False, max_length=255, label="Reason for this change")

    class Meta:
        model = Membership
        fields = "__all__"

    def clean_user(self):
        user = self.cleaned_data["user"]
        if user is not None and user.is_staff:
            raise forms.ValidationError("Operator staff cannot be contacts of a Market Participant.")
        return user


@admin.register(Membership)
class MembershipAdmin(AdminAuditMixin, AuditTimelineMixin, admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ("user", "user_email", "participant", "contact_role", "rank", "is_active", "created_at")
    list_filter = ("contact_role", "rank", "is_active")
    search_fields = ("user__email", "user__full_name", "participant__short_name", "participant__legal_name")
    list_select_related = ("user", "participant")
    autocomplete_fields = ("user", "participant")
    ordering = ("participant__short_name", "contact_role", "rank")
    fields = ("user", "participant", "contact_role", "rank", "is_active", "change_reason")
    audit_verb_prefix = "membership"

    @admin.display(description="Email", ordering="user__email")
    def user_email(self, obj):
        return obj.user.email


__all__ = [
    "AccountManagerAdmin",
    "AccountManagerAssignmentAdmin",
    "MarketParticipantAdmin",
    "MarketRoleAdmin",
    "MembershipAdmin",
    "ServiceTerritoryAdmin",
    "UserAdmin",
]
