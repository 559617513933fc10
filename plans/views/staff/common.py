"""What the staff plan pages share: the form view that calls a service and shows its DomainError on the form, list pagination and filter bars, small lookups."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from accounts.models import MarketParticipant, User
from accounts.selectors.participants import book_participant_ids
from education.selectors import course_completions
from ercot_services.core.actions import ActionView
from ercot_services.core.permissions import StaffRequiredMixin
from qualification.models import Enrollment, Flight

from ...forms.staff import (
    IMPROVEMENT_NEXT_STATUSES,
    TRANSITION_LABELS,
)
from ...models import (
    ACTION_ITEM_TRANSITIONS,
    ActionItem,
    ActionItemStatus,
    ImprovementAction,
)
from ...services import ImprovementActionInput

PAGE_SIZE = 25
ME, ALL = "me", "all"
OPEN_IMPROVEMENT_STATUSES = (ImprovementAction.Status.PLANNED, ImprovementAction.Status.IN_PROGRESS)


def _participant(pk) -> MarketParticipant:
    return get_object_or_404(MarketParticipant, pk=pk)


def _plan_url(participant_id: int, anchor: str = "") -> str:
    return reverse("workspace:participant-plan", args=[participant_id]) + (f"#{anchor}" if anchor else "")


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _who(user: User | None, me: User) -> str:
    if user is None:
        return "nobody"
    return "you" if user.pk == me.pk else (user.full_name or user.email)


def item_transitions(item: ActionItem) -> list[dict]:
    """The buttons an action item offers in its current status, in a fixed order."""
    allowed = ACTION_ITEM_TRANSITIONS.get(item.status, set())
    order = [ActionItemStatus.IN_PROGRESS, ActionItemStatus.DONE, ActionItemStatus.OPEN, ActionItemStatus.CANCELLED]
    return [{"to": status, "label": TRANSITION_LABELS[status]} for status in order if status in allowed]


def _attach_flights(items: list[ActionItem]) -> None:
    """Load the flights of the linked enrollments in one query (the item links show the flight name)."""
    enrollments = [item.enrollment for item in items if item.enrollment_id and item.enrollment is not None]
    missing = {e.flight_id for e in enrollments if not Enrollment.flight.is_cached(e)}
    if missing:
        flights = Flight.objects.in_bulk(missing)
        for enrollment in enrollments:
            if not Enrollment.flight.is_cached(enrollment):
                enrollment.flight = flights[enrollment.flight_id]


def _annotate_items(items, today: datetime.date):
    """Attach what the templates need (overdue flag, buttons, flight names) to each action item."""
    items = list(items)
    _attach_flights(items)
    for item in items:
        item.overdue = item.is_overdue(today)
        item.transitions = item_transitions(item)
    return items


def _annotate_improvements(actions, today: datetime.date):
    """Overdue flag and buttons; for a training action with a course, who at the MP completed it and when
    (``action.completions``, one query for the whole list)."""
    actions = list(actions)
    with_course = [action for action in actions if action.course_id]
    completions = (
        course_completions(
            participant_ids={a.participant_id for a in with_course}, course_ids={a.course_id for a in with_course}
        )
        if with_course
        else {}
    )
    for action in actions:
        action.overdue = action.status in OPEN_IMPROVEMENT_STATUSES and action.due_date < today
        action.next_statuses = IMPROVEMENT_NEXT_STATUSES.get(action.status, [])
        action.completions = completions.get((action.participant_id, action.course_id), [])
    return actions


def _improvement_input(data: dict) -> ImprovementActionInput:
    """What ``improvement_action_create`` takes, from the cleaned data of an improvement form (the plan's, the
    pattern page's)."""
    return ImprovementActionInput(
        kind=data["kind"],
        title=data["title"],
        description=data["description"],
        owner=data["owner"],
        due_date=data["due_date"],
        course=data.get("course"),
    )


def _open_first(open_statuses) -> SqlCase:
    """0 for rows in one of ``open_statuses``, 1 for the rest: ORDER BY it to list open rows first."""
    return SqlCase(When(status__in=open_statuses, then=Value(0)), default=Value(1), output_field=IntegerField())


def _querystring(request, drop=("page",)) -> str:
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


def _choice_param(request, name: str, choices, default: str) -> str:
    """The GET parameter ``name`` when it is one of the values of ``choices`` (value, label pairs), else ``default``."""
    value = request.GET.get(name, default)
    return value if value in dict(choices) else default


def _in_book(request, queryset):
    """``?manager=<AM user id>``: only the rows of MPs currently in that Account Manager's book (the dashboard's
    figures link here). Returns the queryset and the AM's user (None when no book is asked for)."""
    manager_id = _int_param(request, "manager")
    manager = User.objects.filter(pk=manager_id, account_manager__isnull=False).first() if manager_id else None
    if manager is None:
        return queryset, None
    return queryset.filter(participant_id__in=book_participant_ids(manager)), manager


def _participant_options():
    return list(MarketParticipant.objects.order_by("short_name").values_list("pk", "short_name"))


def _paginate(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def render_list(request, template_name: str, page, **context) -> HttpResponse:
    """Render a list page: ``page`` plus what every list's filter bar and pagination need (the MP choices, the
    querystring the page links keep, and this URL, where a row's buttons come back to)."""
    return render(
        request,
        template_name,
        {
            "page_obj": page,
            "participant_options": _participant_options(),
            "querystring": _querystring(request),
            "here": request.get_full_path(),
            **context,
        },
    )


class StaffActionView(StaffRequiredMixin, ActionView):
    """The staff plan pages' form views: ``ercot_services.core.actions.ActionView`` behind the staff check."""
