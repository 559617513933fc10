"""The staff case queue's filters, search and sorting (django-filter).

The queue's saved views ("My cases", "Unassigned", ...) are presets of these
filters: a preset fills in the values the request does not give, so the
filter form always shows what is really applied and can refine it.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth.models import Group
from django.db.models import Q
from django.http import QueryDict

from accounts.autocomplete import ParticipantAutocomplete, participant_scope
from accounts.models import User
from accounts.selectors.participants import book_participant_ids_for_manager

from .models import OPEN_STATUSES, CaseCategory, CaseKind, CaseStatus, SlaState
from .selectors.cases import DEFAULT_QUEUE_SORT, DEFAULT_QUEUE_VIEW, QUEUE_VIEW_PRESETS, QUEUE_VIEWS, staff_users

ANY = "any"
OPEN = "open"
STATUS_CHOICES = [(OPEN, "Open (any open status)"), (ANY, "Any status")] + list(CaseStatus.choices)

ME = "me"
UNASSIGNED = "unassigned"
AT_RISK_OR_BREACHED = "at_risk_or_breached"
SLA_CHOICES = list(SlaState.choices) + [(AT_RISK_OR_BREACHED, "At risk or breached")]

# ?sort= value → (label, ORDER BY). The ranks are annotated by selectors.cases.staff_case_queue.
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "-created": ("Newest first", ("-created_at", "-id")),
    "created": ("Oldest first", ("created_at", "id")),
    "resolution_due_at": ("Due soonest", ("resolution_due_at", "id")),
    "-resolution_due_at": ("Due latest", ("-resolution_due_at", "-id")),
    "priority": ("Most urgent first", ("priority_rank", "resolution_due_at", "id")),
    "-priority": ("Least urgent first", ("-priority_rank", "resolution_due_at", "id")),
    "status": ("Status (workflow order)", ("status_rank", "-created_at", "-id")),
    "-status": ("Status (reverse workflow order)", ("-status_rank", "-created_at", "-id")),
    "reference": ("Reference A–Z", ("reference",)),
    "-reference": ("Reference Z–A", ("-reference",)),
}
DEFAULT_SORT = "-created"


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.MultipleChoiceFilter(
        method="by_status", choices=STATUS_CHOICES, label="Status", widget=forms.CheckboxSelectMultiple
    )
    kind = django_filters.ChoiceFilter(choices=CaseKind.choices, empty_label="Any kind", label="Kind")
    category = django_filters.ModelChoiceFilter(
        queryset=CaseCategory.objects.order_by("sort_order", "name"), empty_label="Any category", label="Category"
    )
    participant = django_filters.ModelChoiceFilter(
        queryset=participant_scope("all"), empty_label="Any MP", label="Market Participant"
    )
    assignee = django_filters.ChoiceFilter(method="by_assignee", empty_label="Anyone", label="Assignee")
    queue = django_filters.ModelChoiceFilter(
        queryset=Group.objects.order_by("name"),
        empty_label="Any queue",
        label="Queue",
        help_text="The group that owns a case nobody is assigned, e.g. Market Application Support Services.",
    )
    book = django_filters.NumberFilter(method="by_book", widget=forms.HiddenInput, label="Account Manager's book")
    sla = django_filters.ChoiceFilter(method="by_sla", choices=SLA_CHOICES, empty_label="Any SLA state", label="SLA")
    sort = django_filters.ChoiceFilter(
        method="sort_by", choices=[(key, label) for key, (label, _) in SORTS.items()], empty_label=None, label="Sort"
    )

    def __init__(self, data=None, queryset=None, *, user: User, view: str | None = None, staff=None, **kwargs):
        self.user = user
        self.view = view if view in QUEUE_VIEW_PRESETS else DEFAULT_QUEUE_VIEW
        data = self._with_preset(data if data is not None else QueryDict(), self.view)
        super().__init__(data, queryset, **kwargs)
        self.staff = list(staff) if staff is not None else list(staff_users())
        self.filters["assignee"].extra["choices"] = [(ME, "Me"), (UNASSIGNED, "Unassigned (a queue)")] + [
            (str(u.pk), u.full_name or u.email) for u in self.staff
        ]
        for name in ("kind", "category", "assignee", "queue", "sla", "sort"):
            self.filters[name].extra["widget"] = forms.Select(attrs={"class": "form-select"})
        self.filters["participant"].extra["widget"] = ParticipantAutocomplete(scope="all")
        self.filters["q"].extra["widget"] = forms.TextInput(
            attrs={"class": "form-control", "type": "search", "placeholder": "Reference, subject or MP"}
        )

    @staticmethod
    def _with_preset(data: QueryDict, view: str) -> QueryDict:
        """Fill what the request leaves out from the saved view; a submitted form with no status means any."""
        data = data.copy()
        for key, value in QUEUE_VIEW_PRESETS[view].items():
            if key in data:
                continue
            if key == "status":
                data.setlist("status", [ANY] if "f" in data else list(value))
            elif value:
                data[key] = value
        if data.get("sort") not in SORTS:
            data["sort"] = DEFAULT_QUEUE_SORT.get(view, DEFAULT_SORT)
        return data

    # --- what the page shows about the applied filters ----------------------------------------

    @property
    def current_sort(self) -> str:
        return self.data.get("sort", DEFAULT_SORT)

    @property
    def current_sort_label(self) -> str:
        return SORTS.get(self.current_sort, SORTS[DEFAULT_SORT])[0]

    @property
    def statuses(self) -> list[str]:
        return [value for value in self.data.getlist("status") if value in dict(STATUS_CHOICES)]

    @property
    def status_summary(self) -> str:
        values = self.statuses
        if not values or ANY in values:
            return "Any status"
        labels = dict(STATUS_CHOICES)
        if values == [OPEN]:
            return "Open"
        return ", ".join(labels[v].split(" (")[0] for v in values)

    @property
    def active_view(self) -> str | None:
        """The saved view whose preset matches the applied status, assignee and SLA filters, if any."""
        applied = {
            "status": sorted(set(self.statuses)) or [ANY],
            "assignee": self.data.get("assignee", ""),
            "sla": self.data.get("sla", ""),
        }
        order = [self.view] + [key for key, _ in QUEUE_VIEWS if key != self.view]
        for key in order:
            preset = QUEUE_VIEW_PRESETS[key]
            if applied == {"status": sorted(preset["status"]), "assignee": preset["assignee"], "sla": preset["sla"]}:
                return key
        return None

    # --- filter methods ----------------------------------------------------------------------------

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(subject__icontains=value)
            | Q(participant__short_name__icontains=value)
            | Q(participant__legal_name__icontains=value)
            | Q(contact_company__icontains=value)
        )

    def by_status(self, queryset, name, values):
        if not values or ANY in values:
            return queryset
        wanted = set()
        for value in values:
            wanted |= set(OPEN_STATUSES) if value == OPEN else {value}
        return queryset.filter(status__in=wanted)

    def by_assignee(self, queryset, name, value):
        if value == ME:
            return queryset.filter(assignee=self.user)
        if value == UNASSIGNED:
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=value)

    def by_book(self, queryset, name, value):
        """The cases of the MPs currently in one Account Manager's book (the dashboard's figures link here)."""
        return queryset.filter(participant_id__in=book_participant_ids_for_manager(value))

    def by_sla(self, queryset, name, value):
        if value == AT_RISK_OR_BREACHED:
            return queryset.filter(sla_state__in=[SlaState.AT_RISK, SlaState.BREACHED])
        return queryset.filter(sla_state=value)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS[DEFAULT_SORT])[1])
