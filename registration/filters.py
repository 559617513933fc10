"""The staff registration queue's filters (django-filter).

The queue shows open applications (submitted, under review, information
requested, resubmitted) unless another status is chosen, and always sorts by
review due date, soonest first: the review clock is what the queue is for.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import QueryDict

from accounts.autocomplete import ParticipantAutocomplete, participant_scope
from accounts.models import MarketParticipant, User
from accounts.selectors.participants import book_participant_ids_for_manager

from .models import OPEN_APPLICATION_STATUSES, Application, ApplicationKind, ApplicationStatus

OPEN = "open"
ANY = "any"
STATUS_CHOICES = [
    (OPEN, "Open (not yet decided)"),
    (ANY, "Any status (except drafts)"),
] + list(ApplicationStatus.choices)

ME = "me"
UNASSIGNED = "unassigned"
REVIEWER_CHOICES = [(ME, "Me"), (UNASSIGNED, "Nobody yet")]

# Soonest due first; applications without a clock (drafts, decided ones without a date) last.
QUEUE_ORDER = (F("due_on").asc(nulls_last=True), F("submitted_at").asc(nulls_last=True), "pk")


def staff_application_queue() -> QuerySet[Application]:
    """Every application a reviewer may list, with what a queue row shows joined or prefetched."""
    return (
        Application.objects.select_related("participant", "reviewer")
        .prefetch_related("roles", "roles_to_remove")
        .order_by(*QUEUE_ORDER)
    )


SUBMITTED_SCOPE = "submitted"


def submitted_participants():
    """The MPs that ever submitted an application: the only ones worth filtering the review queue by."""
    return MarketParticipant.objects.filter(
        Exists(Application.objects.filter(participant=OuterRef("pk"), submitted_at__isnull=False))
    )


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.ChoiceFilter(method="by_status", choices=STATUS_CHOICES, empty_label=None, label="Status")
    kind = django_filters.ChoiceFilter(choices=ApplicationKind.choices, empty_label="Any kind", label="Kind")
    participant = django_filters.ModelChoiceFilter(
        queryset=MarketParticipant.objects.none(), empty_label="Any MP", label="Market Participant"
    )
    book = django_filters.NumberFilter(method="by_book", widget=forms.HiddenInput, label="Account Manager's book")
    reviewer = django_filters.ChoiceFilter(
        method="by_reviewer", choices=REVIEWER_CHOICES, empty_label="Anyone", label="Reviewer"
    )

    class Meta:
        model = Application
        fields = ["q", "status", "kind", "participant", "book", "reviewer"]

    def __init__(self, data=None, queryset=None, *, user: User, **kwargs):
        self.user = user
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if not data.get("status"):
            data["status"] = OPEN
        super().__init__(data, queryset, **kwargs)
        self.filters["participant"].queryset = participant_scope(SUBMITTED_SCOPE)
        for name in ("status", "kind", "reviewer"):
            self.filters[name].extra["widget"] = forms.Select(attrs={"class": "form-select"})
        self.filters["participant"].extra["widget"] = ParticipantAutocomplete(scope=SUBMITTED_SCOPE)
        self.filters["q"].extra["widget"] = forms.TextInput(
            attrs={"class": "form-control", "type": "search", "placeholder": "Reference or MP name"}
        )

    def by_book(self, queryset, name, value):
        """The applications of the MPs currently in one Account Manager's book (the dashboard links here)."""
        return queryset.filter(participant_id__in=book_participant_ids_for_manager(value))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(participant__short_name__icontains=value)
            | Q(participant__legal_name__icontains=value)
        )

    def by_status(self, queryset, name, value):
        if value == OPEN or not value:
            return queryset.filter(status__in=OPEN_APPLICATION_STATUSES)
        if value == ANY:
            return queryset.exclude(status=ApplicationStatus.DRAFT)
        return queryset.filter(status=value)

    def by_reviewer(self, queryset, name, value):
        if value == ME:
            return queryset.filter(reviewer=self.user)
        if value == UNASSIGNED:
            return queryset.filter(reviewer__isnull=True)
        return queryset
