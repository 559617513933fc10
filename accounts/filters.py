import django_filters
from django import forms
from django.db.models import Q

from .models import AccountManager, AccountManagerAssignment, MarketParticipant, MarketRole, ParticipantStatus


class ParticipantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    role = django_filters.ModelChoiceFilter(
        field_name="roles",
        queryset=MarketRole.objects.all(),
        to_field_name="code",
        label="Role",
        empty_label="Any role",
    )
    status = django_filters.ChoiceFilter(choices=ParticipantStatus.choices, empty_label="Any status")
    account_manager = django_filters.ChoiceFilter(method="by_manager", label="Account Manager", empty_label="Any AM")

    class Meta:
        model = MarketParticipant
        fields = ["q", "role", "status", "account_manager"]

    NO_MANAGER = "none"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        managers = AccountManager.objects.select_related("user").order_by("user__full_name")
        for name in ("role", "status", "account_manager"):
            self.filters[name].extra["widget"] = forms.Select(attrs={"class": "form-select"})
        self.filters["account_manager"].extra["choices"] = [(self.NO_MANAGER, "No AM (Service Desk)")] + [
            (str(m.pk), m.user.full_name) for m in managers
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(short_name__icontains=value)
            | Q(legal_name__icontains=value)
            | Q(duns_number__icontains=value)
            | Q(operator_id__icontains=value)
        )

    def by_manager(self, queryset, name, value):
        if value == self.NO_MANAGER:
            return queryset.exclude(pk__in=AccountManagerAssignment.objects.current().values("participant_id"))
        return queryset.filter(am_assignments__ended_at__isnull=True, am_assignments__account_manager_id=value)
