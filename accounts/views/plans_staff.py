"""Workspace (staff) pages for plan management: the MP's account plan, action items, meetings, feedback and
improvement opportunities (seed 000, "Plan Management").

Views stay thin: they read through ``accounts.selectors.plans`` (and a few bounded querysets of their own for the
list pages), write through ``accounts.services``, and turn a ``DomainError`` into a form error shown on the page
(status 400) with what was typed kept. The form pages share that in ``ServiceFormView``; the list pages share their
pagination and filter-bar context in ``render_list``. Reading needs staff; every write needs the add/change
permission of the model it writes.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, Prefetch, Q, Value, When
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from cases.selectors.cases import has_book, staff_users
from ercot_services.core.models import AuditEvent, DomainError
from ercot_services.core.permissions import StaffRequiredMixin
from qualification.models import Enrollment, Flight

from .. import services
from ..forms.plans import (
    IMPROVEMENT_NEXT_STATUSES,
    OBJECTIVE_STATUS_LABELS,
    TRANSITION_LABELS,
    ActionItemForm,
    ActionItemTransitionForm,
    FeedbackFollowUpForm,
    FeedbackForm,
    ImprovementForm,
    ImprovementStatusForm,
    MeetingCancelForm,
    MeetingForm,
    MinutesForm,
    ObjectiveForm,
    ObjectiveStatusForm,
    PlanForm,
)
from ..models import (
    ACTION_ITEM_OPEN_STATUSES,
    ACTION_ITEM_TRANSITIONS,
    AccountManager,
    AccountManagerAssignment,
    ActionItem,
    ActionItemStatus,
    ImprovementAction,
    MarketParticipant,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    PerformanceFeedback,
    PlanObjective,
    User,
)
from ..selectors import current_manager
from ..selectors import plans as plan_selectors
from ..selectors.dashboard import next_seven_days
from ..selectors.participants import book_participant_ids

PAGE_SIZE = 25
ME, ALL = "me", "all"
OPEN_IMPROVEMENT_STATUSES = (ImprovementAction.Status.PLANNED, ImprovementAction.Status.IN_PROGRESS)


# --- helpers -------------------------------------------------------------------------------------------


def _participant(pk) -> MarketParticipant:
    return get_object_or_404(MarketParticipant, pk=pk)


def _next_url(request, default: str) -> str:
    """Where to go after a POST: a same-site ``next`` if given (lists post back to themselves), else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if target and safe:
        return target
    return default


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
        item.overdue = item.status in ACTION_ITEM_OPEN_STATUSES and item.due_date < today
        item.transitions = item_transitions(item)
    return items


def _annotate_improvements(actions, today: datetime.date):
    actions = list(actions)
    for action in actions:
        action.overdue = action.status in OPEN_IMPROVEMENT_STATUSES and action.due_date < today
        action.next_statuses = IMPROVEMENT_NEXT_STATUSES.get(action.status, [])
    return actions


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


class ServiceFormView(StaffRequiredMixin, View):
    """A page with one form whose POST calls one service: the create, edit, cancel and transition pages below.

    They all behave alike, and must: GET shows the form (prefilled); POST validates it and calls the service. A
    ``DomainError`` from the service (a rule the person can act on) becomes an error at the top of the form, and an
    invalid form or a refused write shows the page again with status 400 and what was typed kept. On success the
    person gets a message and a redirect. Holding that sequence here leaves each view with only what is its own:
    ``get_object`` (the URL's ``pk``, a 404 if unknown), ``form_class`` / ``get_form_kwargs`` / ``get_initial``,
    ``get_context`` for its template, and ``perform``, which calls the service and says what happened and where to go.
    """

    form_class: type[Form]
    template_name = ""

    def get_object(self, pk):
        raise NotImplementedError

    def get_form_kwargs(self, obj) -> dict:
        return {}

    def get_initial(self, obj) -> dict:
        return {}

    def get_form(self, obj, data=None) -> Form:
        """The form bound to ``data`` on POST; on GET, unbound and prefilled from ``get_initial``."""
        if data is None:
            return self.form_class(initial=self.get_initial(obj), **self.get_form_kwargs(obj))
        return self.form_class(data, **self.get_form_kwargs(obj))

    def get_context(self, obj, form) -> dict:
        return {}

    def render_form(self, obj, form, status: int = 200) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form, **self.get_context(obj, form)}, status=status)

    def perform(self, obj, data: dict) -> tuple[str, str]:
        """Call the service with the form's cleaned ``data``; return the success message and the URL to go to."""
        raise NotImplementedError

    def form_invalid(self, obj, form) -> HttpResponse:
        return self.render_form(obj, form, status=400)

    def get(self, request, pk):
        obj = self.get_object(pk)
        return self.render_form(obj, self.get_form(obj))

    def post(self, request, pk):
        obj = self.get_object(pk)
        form = self.get_form(obj, request.POST)
        if form.is_valid():
            try:
                message, url = self.perform(obj, form.cleaned_data)
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, message)
                return redirect(url)
        return self.form_invalid(obj, form)


# --- the account plan ------------------------------------------------------------------------------


def plan_page(request, participant: MarketParticipant, *, status: int = 200, open_section: str = "", **forms):
    """Render the plan page; an action view passes its bound form (with errors) to show it in place."""
    data = plan_selectors.plan_for_participant(participant)
    plan = data["plan"]
    today = timezone.localdate()
    objectives = list(data["objectives"])
    context = {
        **data,
        "participant": participant,
        "plan": plan,
        "account_manager": current_manager(participant),
        "today": today,
        "now": timezone.now(),
        "objectives_open": [o for o in objectives if o.status == PlanObjective.Status.OPEN],
        "objectives_closed": [o for o in objectives if o.status != PlanObjective.Status.OPEN],
        "open_items": _annotate_items(data["open_items"], today),
        "closed_items": _annotate_items(data["closed_items"], today),
        "improvements": _annotate_improvements(data["improvements"], today),
        "objective_status_labels": OBJECTIVE_STATUS_LABELS,
        "plan_form": forms.get("plan_form")
        or PlanForm(initial={"summary": plan.summary, "next_review_date": plan.next_review_date}),
        "objective_form": forms.get("objective_form") or ObjectiveForm(),
        "open_section": open_section,
    }
    return render(request, "workspace/plans/plan.html", context, status=status)


class ParticipantPlanView(StaffRequiredMixin, View):
    def get(self, request, pk):
        return plan_page(request, _participant(pk))


class PlanUpdateView(ServiceFormView):
    """Save the plan summary; the form lives on the plan page, so an error shows it there."""

    permission_required = "accounts.change_accountplan"
    form_class = PlanForm

    def get_object(self, pk):
        return _participant(pk)

    def get(self, request, pk):
        return redirect(_plan_url(_participant(pk).pk, "summary"))

    def render_form(self, participant, form, status=200):
        return plan_page(self.request, participant, status=status, open_section="summary", plan_form=form)

    def perform(self, participant, data):
        services.plan_update(
            actor=self.request.user,
            participant=participant,
            summary=data["summary"],
            next_review_date=data["next_review_date"],
        )
        return f"The account plan of {participant.short_name} was saved.", _plan_url(participant.pk, "summary")


class ObjectiveCreateView(ServiceFormView):
    """Add an objective or issue; the form lives on the plan page, so an error shows it there."""

    permission_required = "accounts.add_planobjective"
    form_class = ObjectiveForm

    def get_object(self, pk):
        return _participant(pk)

    def get(self, request, pk):
        return redirect(_plan_url(_participant(pk).pk, "objectives"))

    def render_form(self, participant, form, status=200):
        return plan_page(self.request, participant, status=status, open_section="objectives", objective_form=form)

    def perform(self, participant, data):
        objective = services.objective_create(
            actor=self.request.user,
            participant=participant,
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            target_date=data["target_date"],
        )
        message = f"Added “{objective.title}” ({objective.get_kind_display().lower()})."
        return message, _plan_url(participant.pk, f"objective-{objective.pk}")


def _objective(pk) -> PlanObjective:
    return get_object_or_404(PlanObjective.objects.select_related("plan__participant"), pk=pk)


class ObjectiveEditView(ServiceFormView):
    permission_required = "accounts.change_planobjective"
    template_name = "workspace/plans/objective_form.html"
    form_class = ObjectiveForm

    def get_object(self, pk):
        return _objective(pk)

    def get_initial(self, objective):
        return {k: getattr(objective, k) for k in ("kind", "title", "description", "target_date")}

    def get_context(self, objective, form):
        return {"objective": objective, "participant": objective.plan.participant}

    def perform(self, objective, data):
        services.objective_update(
            actor=self.request.user,
            objective=objective,
            title=data["title"],
            description=data["description"],
            target_date=data["target_date"],
            kind=data["kind"],
        )
        return f"Saved “{data['title']}”.", _plan_url(objective.plan.participant_id, f"objective-{objective.pk}")


class ObjectiveStatusView(StaffRequiredMixin, View):
    permission_required = "accounts.change_planobjective"

    def get(self, request, pk):
        objective = _objective(pk)
        return redirect(_plan_url(objective.plan.participant_id, f"objective-{objective.pk}"))

    def post(self, request, pk):
        objective = _objective(pk)
        form = ObjectiveStatusForm(request.POST)
        target = _plan_url(objective.plan.participant_id, f"objective-{objective.pk}")
        if not form.is_valid():
            messages.error(request, f"“{request.POST.get('status', '')}” is not a status an objective can take.")
            return redirect(target)
        try:
            services.objective_set_status(actor=request.user, objective=objective, status=form.cleaned_data["status"])
        except DomainError as error:
            messages.error(request, f"“{objective.title}” was not changed: {error}")
        else:
            label = PlanObjective.Status(form.cleaned_data["status"]).label.lower()
            messages.success(request, f"“{objective.title}” is now {label}.")
        return redirect(target)


# --- action items ---------------------------------------------------------------------------------------


def _item(pk) -> ActionItem:
    return get_object_or_404(
        ActionItem.objects.select_related(
            "participant", "owner", "objective", "meeting", "case", "application", "enrollment__flight", "completed_by"
        ),
        pk=pk,
    )


ITEM_FIELDS = ("title", "description", "owner", "due_date", "objective", "case", "application", "enrollment")


def _item_fields(data: dict) -> dict:
    """The form fields ``action_item_create`` and ``action_item_update`` both take, by keyword."""
    return {name: data[name] for name in ITEM_FIELDS}


class ActionItemCreateView(ServiceFormView):
    """Add an action item to an MP's plan; ``?meeting=``, ``?objective=``, ``?case=`` ... prefill the form."""

    permission_required = "accounts.add_actionitem"
    template_name = "workspace/plans/action_item_form.html"
    form_class = ActionItemForm

    def get_object(self, pk):
        return _participant(pk)

    def get_form_kwargs(self, participant):
        return {"participant": participant}

    def get_initial(self, participant):
        initial = {"owner": self.request.user.pk}
        for name in ("meeting", "objective", "case", "application", "enrollment", "owner"):
            value = _int_param(self.request, name)
            if value:
                initial[name] = value
        meeting_id = initial.get("meeting")
        if meeting_id:
            meeting = participant.meetings.filter(pk=meeting_id).first()
            if meeting is None:
                raise Http404("No such meeting of this MP.")
            initial.setdefault("objective", meeting.objective_id)
        return initial

    def get_context(self, participant, form):
        return {"participant": participant, "item": None, "next": _next_url(self.request, "")}

    def perform(self, participant, data):
        user = self.request.user
        item = services.action_item_create(
            actor=user, participant=participant, meeting=data["meeting"], **_item_fields(data)
        )
        owner = _who(item.owner, user)
        notified = "" if item.owner_id == user.pk else f" {owner} is notified by email."
        message = f"Added “{item.title}”, owned by {owner}, due {item.due_date:%b %d, %Y}.{notified}"
        default = (
            reverse("workspace:meeting-detail", args=[item.meeting_id]) + "#follow-ups"
            if item.meeting_id
            else _plan_url(participant.pk, f"item-{item.pk}")
        )
        return message, _next_url(self.request, default)


class ActionItemEditView(ServiceFormView):
    permission_required = "accounts.change_actionitem"
    template_name = "workspace/plans/action_item_form.html"
    form_class = ActionItemForm

    def get_object(self, pk):
        return _item(pk)

    def get_form_kwargs(self, item):
        return {"participant": item.participant, "with_meeting": False}

    def get_form(self, item, data=None):
        if data is None:
            return super().get_form(item)
        # The saved due date stays acceptable when it has passed in the meantime (see ActionItemForm.clean_due_date).
        return ActionItemForm(data, initial={"due_date": item.due_date}, **self.get_form_kwargs(item))

    def get_initial(self, item):
        return {
            "title": item.title,
            "description": item.description,
            "owner": item.owner_id,
            "due_date": item.due_date,
            "objective": item.objective_id,
            "case": item.case_id,
            "application": item.application_id,
            "enrollment": item.enrollment_id,
        }

    def get_context(self, item, form):
        return {"participant": item.participant, "item": item, "next": _next_url(self.request, "")}

    def perform(self, item, data):
        services.action_item_update(actor=self.request.user, item=item, **_item_fields(data))
        return f"Saved “{data['title']}”.", _next_url(self.request, _plan_url(item.participant_id, f"item-{item.pk}"))


class ActionItemTransitionView(ServiceFormView):
    """Start, complete (with a note), cancel or reopen an action item.

    GET shows a small confirmation form (used for "done with a note" and "cancel with a reason"); POST moves it.
    """

    permission_required = "accounts.change_actionitem"
    template_name = "workspace/plans/action_item_transition.html"
    form_class = ActionItemTransitionForm

    def get_object(self, pk):
        return _item(pk)

    def get(self, request, pk):
        item = _item(pk)
        to = request.GET.get("to", "")
        if to not in ACTION_ITEM_TRANSITIONS.get(item.status, set()):
            status = item.get_status_display().lower()
            messages.error(request, f"“{item.title}” is {status}: it cannot move to “{to or 'nothing'}”.")
            return redirect(_plan_url(item.participant_id, f"item-{item.pk}"))
        return self.render_form(item, ActionItemTransitionForm(initial={"to": to}))

    def get_context(self, item, form):
        item.transitions = item_transitions(item)
        return {
            "item": item,
            "participant": item.participant,
            "to_label": TRANSITION_LABELS.get(form["to"].value(), ""),
            "next": _next_url(self.request, ""),
        }

    def perform(self, item, data):
        services.action_item_transition(actor=self.request.user, item=item, to=data["to"], note=data["note"])
        message = f"“{item.title}” is now {ActionItemStatus(data['to']).label.lower()}."
        return message, _next_url(self.request, _plan_url(item.participant_id, f"item-{item.pk}"))

    def form_invalid(self, item, form):
        if "to" in form.errors:
            form.errors.pop("to")
            form.add_error(
                None, f"“{self.request.POST.get('to') or 'nothing'}” is not a status an action item can move to."
            )
        return super().form_invalid(item, form)


DUE_CHOICES = [("all", "Any due date"), ("overdue", "Overdue"), ("week", "Due within 7 days")]
ITEM_STATUS_CHOICES = [("open", "Open or in progress"), ("all", "Any status")] + [
    (value, label) for value, label in ActionItemStatus.choices if value != ActionItemStatus.OPEN
]


class ActionItemListView(StaffRequiredMixin, View):
    """Action items across MPs. Default: my open items, the overdue ones first in red."""

    template_name = "workspace/plans/action_items.html"

    def get(self, request):
        today = timezone.localdate()
        owner = request.GET.get("owner", ME)
        if owner not in (ME, ALL) and not owner.isdigit():
            owner = ME
        status = _choice_param(request, "status", ITEM_STATUS_CHOICES, "open")
        due = _choice_param(request, "due", DUE_CHOICES, "all")
        participant_id = _int_param(request, "participant")

        items = plan_selectors.action_items_for_user(request.user).select_related(
            "participant", "owner", "meeting", "case", "application", "enrollment__flight"
        )
        if owner == ME:
            items = items.filter(owner=request.user)
        elif owner != ALL:
            items = items.filter(owner_id=int(owner))
        if participant_id:
            items = items.filter(participant_id=participant_id)
        items, book_manager = _in_book(request, items)
        if status == "open":
            items = items.filter(status__in=ACTION_ITEM_OPEN_STATUSES)
        elif status != "all":
            items = items.filter(status=status)
        if due == "overdue":
            items = items.filter(status__in=ACTION_ITEM_OPEN_STATUSES, due_date__lt=today)
        elif due == "week":
            items = items.filter(due_date__range=(today, today + datetime.timedelta(days=7)))
        items = items.annotate(open_rank=_open_first(ACTION_ITEM_OPEN_STATUSES)).order_by("open_rank", "due_date", "pk")

        page = _paginate(request, items)
        page.object_list = _annotate_items(page.object_list, today)

        staff = list(staff_users().values_list("pk", "full_name", "email"))
        owner_options = [(ME, "Me"), (ALL, "Anyone")]
        owner_options += [(str(pk), name or email) for pk, name, email in staff if pk != request.user.pk]
        if owner.isdigit() and owner not in {value for value, _ in owner_options}:
            other = User.objects.filter(pk=int(owner)).values_list("full_name", "email").first()
            owner_options.append((owner, (other[0] or other[1]) if other else f"User #{owner}"))
        return render_list(
            request,
            self.template_name,
            page,
            today=today,
            owner=owner,
            status=status,
            due=due,
            participant_id=participant_id,
            book_manager=book_manager,
            owner_options=owner_options,
            status_options=ITEM_STATUS_CHOICES,
            due_options=DUE_CHOICES,
        )


# --- meetings -------------------------------------------------------------------------------------------


def _meeting(pk) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("participant", "organizer", "objective"), pk=pk)


WHEN_CHOICES = [
    ("upcoming", "Upcoming"),
    ("week", "Scheduled in the next 7 days"),
    ("past", "Past"),
    ("all", "Any time"),
]


class MeetingListView(StaffRequiredMixin, View):
    template_name = "workspace/plans/meetings.html"

    def get(self, request):
        now = timezone.now()
        when = _choice_param(request, "when", WHEN_CHOICES, "upcoming")
        mine = request.GET.get("mine") == "1"
        participant_id = _int_param(request, "participant")
        meetings = Meeting.objects.select_related("participant", "organizer").annotate(
            attendee_count=Count("attendees", distinct=True),
            follow_up_open=Count(
                "follow_up_items", filter=Q(follow_up_items__status__in=ACTION_ITEM_OPEN_STATUSES), distinct=True
            ),
        )
        if participant_id:
            meetings = meetings.filter(participant_id=participant_id)
        meetings, book_manager = _in_book(request, meetings)
        if mine:
            meetings = meetings.filter(
                Q(organizer=request.user)
                | Q(pk__in=MeetingAttendee.objects.filter(user=request.user).values("meeting_id"))
            )
        if when == "upcoming":
            meetings = meetings.filter(ends_at__gte=now).order_by("starts_at", "pk")
        elif when == "week":
            meetings = meetings.filter(next_seven_days(timezone.localdate()), status=MeetingStatus.SCHEDULED).order_by(
                "starts_at", "pk"
            )
        elif when == "past":
            meetings = meetings.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
        else:
            meetings = meetings.order_by("-starts_at", "-pk")
        return render_list(
            request,
            self.template_name,
            _paginate(request, meetings),
            now=now,
            when=when,
            mine=mine,
            participant_id=participant_id,
            book_manager=book_manager,
            when_options=WHEN_CHOICES,
        )


def _meeting_initial(meeting: Meeting) -> dict:
    attendees = list(meeting.attendees.all())
    return {
        "title": meeting.title,
        "objective": meeting.objective_id,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "location": meeting.location,
        "dial_in": meeting.dial_in,
        "agenda": meeting.agenda,
        "attendees": [a.user_id for a in attendees if a.user_id and a.user_id != meeting.organizer_id],
        "extra_emails": "\n".join(a.email for a in attendees if not a.user_id),
    }


def _meeting_fields(data: dict) -> dict:
    """The form fields ``meeting_schedule`` and ``meeting_update`` both take, by keyword."""
    return {
        "title": data["title"],
        "starts_at": data["starts_at"],
        "ends_at": data["ends_at"],
        "agenda": data["agenda"],
        "location": data["location"],
        "dial_in": data["dial_in"],
        "attendees": list(data["attendees"]),
        "extra_emails": data["extra_emails"],
        "objective": data["objective"],
    }


def _meeting_url(meeting: Meeting, anchor: str = "") -> str:
    return reverse("workspace:meeting-detail", args=[meeting.pk]) + (f"#{anchor}" if anchor else "")


class MeetingCreateView(ServiceFormView):
    permission_required = "accounts.add_meeting"
    template_name = "workspace/plans/meeting_form.html"
    form_class = MeetingForm

    def get_object(self, pk):
        return _participant(pk)

    def get_form_kwargs(self, participant):
        return {"participant": participant, "organizer": self.request.user}

    def get_initial(self, participant):
        start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=7)
        start = start.replace(hour=10)
        initial = {"starts_at": start, "ends_at": start + datetime.timedelta(hours=1)}
        objective_id = _int_param(self.request, "objective")
        if objective_id:
            initial["objective"] = objective_id
        return initial

    def get_context(self, participant, form):
        return {"participant": participant, "meeting": None}

    def perform(self, participant, data):
        meeting = services.meeting_schedule(actor=self.request.user, participant=participant, **_meeting_fields(data))
        count = meeting.attendees.count()
        message = (
            f"Scheduled “{meeting.title}” on {timezone.localtime(meeting.starts_at):%b %d, %Y at %H:%M}. "
            f"Calendar invitations went to {count} attendee{'s' if count != 1 else ''}."
        )
        return message, _meeting_url(meeting)


def meeting_page(request, meeting: Meeting, *, status: int = 200, **forms):
    context = {
        "meeting": meeting,
        "participant": meeting.participant,
        "now": timezone.now(),
        "today": timezone.localdate(),
        "attendees": list(meeting.attendees.select_related("user")),
        "follow_ups": _annotate_items(
            meeting.follow_up_items.select_related("owner", "case", "application", "enrollment__flight").order_by(
                _open_first(ACTION_ITEM_OPEN_STATUSES),
                "due_date",
                "pk",
            ),
            timezone.localdate(),
        ),
        "feedback": list(meeting.feedback.select_related("submitted_by", "recorded_by")),
        "timeline": AuditEvent.objects.for_object(meeting).select_related("actor")[:50],
        "minutes_form": forms.get("minutes_form") or MinutesForm(initial={"minutes": meeting.minutes}),
        "is_scheduled": meeting.status == MeetingStatus.SCHEDULED,
        "can_record_minutes": meeting.status != MeetingStatus.CANCELLED,
    }
    return render(request, "workspace/plans/meeting_detail.html", context, status=status)


class MeetingDetailView(StaffRequiredMixin, View):
    def get(self, request, pk):
        return meeting_page(request, _meeting(pk))


class ScheduledMeetingFormView(ServiceFormView):
    """A form only a scheduled meeting offers (edit, cancel). For a held or cancelled meeting GET goes back to the
    meeting saying why; a POST is refused by the service, and that shows as a form error."""

    not_scheduled_text = ""

    def get_object(self, pk):
        return _meeting(pk)

    def get(self, request, pk):
        meeting = _meeting(pk)
        if meeting.status != MeetingStatus.SCHEDULED:
            status = meeting.get_status_display().lower()
            messages.error(request, f"This meeting is {status}: {self.not_scheduled_text}")
            return redirect(_meeting_url(meeting))
        return self.render_form(meeting, self.get_form(meeting))


class MeetingEditView(ScheduledMeetingFormView):
    permission_required = "accounts.change_meeting"
    template_name = "workspace/plans/meeting_form.html"
    form_class = MeetingForm
    not_scheduled_text = "it can no longer be changed."

    def get_form_kwargs(self, meeting):
        return {"participant": meeting.participant, "organizer": meeting.organizer}

    def get_initial(self, meeting):
        return _meeting_initial(meeting)

    def get_context(self, meeting, form):
        return {"participant": meeting.participant, "meeting": meeting}

    def perform(self, meeting, data):
        sequence = meeting.sequence
        meeting = services.meeting_update(actor=self.request.user, meeting=meeting, **_meeting_fields(data))
        if meeting.sequence != sequence:
            message = f"Saved “{meeting.title}”. Attendees received invitation version {meeting.sequence + 1}."
        else:
            message = f"Saved “{meeting.title}”. Nothing attendees see changed, so no invitation was re-sent."
        return message, _meeting_url(meeting)


class MeetingCancelView(ScheduledMeetingFormView):
    permission_required = "accounts.change_meeting"
    template_name = "workspace/plans/meeting_cancel.html"
    form_class = MeetingCancelForm
    not_scheduled_text = "it cannot be cancelled."

    def get_context(self, meeting, form):
        return {"meeting": meeting, "participant": meeting.participant, "attendee_count": meeting.attendees.count()}

    def perform(self, meeting, data):
        services.meeting_cancel(actor=self.request.user, meeting=meeting, reason=data["reason"])
        return f"“{meeting.title}” was cancelled; every attendee received the cancellation.", _meeting_url(meeting)


class MeetingMinutesView(ServiceFormView):
    """Record (and optionally share) the minutes; the form lives on the meeting page, so an error shows it there."""

    permission_required = "accounts.change_meeting"
    form_class = MinutesForm

    def get_object(self, pk):
        return _meeting(pk)

    def get(self, request, pk):
        return redirect(_meeting_url(_meeting(pk), "minutes"))

    def render_form(self, meeting, form, status=200):
        return meeting_page(self.request, meeting, status=status, minutes_form=form)

    def perform(self, meeting, data):
        meeting = services.meeting_record_minutes(
            actor=self.request.user, meeting=meeting, minutes=data["minutes"], share=data["share"]
        )
        shared = " and shared with the MP's attendees" if meeting.minutes_shared_at else ""
        return f"Minutes saved{shared}. The meeting is marked as held.", _meeting_url(meeting, "minutes")


class MeetingShareMinutesView(StaffRequiredMixin, View):
    permission_required = "accounts.change_meeting"

    def get(self, request, pk):
        return redirect(_meeting_url(_meeting(pk), "minutes"))

    def post(self, request, pk):
        meeting = _meeting(pk)
        try:
            services.meeting_share_minutes(actor=request.user, meeting=meeting)
        except DomainError as error:
            messages.error(request, f"The minutes were not shared: {error}")
        else:
            messages.success(
                request, "The minutes are shared: the MP's attendees were emailed a link and see them in the portal."
            )
        return redirect(_meeting_url(meeting, "minutes"))


class MeetingIcsView(StaffRequiredMixin, View):
    """The meeting as an iCalendar file (a cancellation once cancelled), to add it to one's own calendar."""

    def get(self, request, pk):
        meeting = _meeting(pk)
        method = "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST"
        response = HttpResponse(
            services.meeting_ics(meeting, method=method), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
        return response


# --- performance feedback ----------------------------------------------------------------------------

FOLLOW_UP_CHOICES = [("all", "Any follow-up state")] + list(PerformanceFeedback.FollowUp.choices)


def _current_assignments() -> Prefetch:
    return Prefetch(
        "participant__am_assignments",
        queryset=AccountManagerAssignment.objects.current().select_related("account_manager__user"),
        to_attr="current_assignments",
    )


class FeedbackListView(StaffRequiredMixin, View):
    template_name = "workspace/plans/feedback.html"

    def get(self, request):
        follow_up = _choice_param(request, "follow_up", FOLLOW_UP_CHOICES, "all")
        participant_id = _int_param(request, "participant")
        manager_id = _int_param(request, "manager")
        if not request.GET and has_book(request.user):
            manager_id = request.user.pk  # an AM starts with their own book; "Any Account Manager" shows all
        feedback = PerformanceFeedback.objects.select_related(
            "participant", "submitted_by", "recorded_by", "meeting", "followed_up_by"
        ).prefetch_related(_current_assignments())
        if participant_id:
            feedback = feedback.filter(participant_id=participant_id)
        if follow_up != "all":
            feedback = feedback.filter(follow_up_status=follow_up)
        if manager_id:
            feedback = feedback.filter(participant_id__in=book_participant_ids(manager_id))
        feedback = feedback.order_by("-created_at", "-pk")
        page = _paginate(request, feedback)
        for row in page.object_list:
            row.manager = current_manager(row.participant)
        managers = list(AccountManager.objects.select_related("user").order_by("user__full_name"))
        return render_list(
            request,
            self.template_name,
            page,
            follow_up=follow_up,
            participant_id=participant_id,
            manager_id=manager_id,
            follow_up_options=FOLLOW_UP_CHOICES,
            manager_options=[(m.user_id, m.user.full_name or m.user.email) for m in managers],
        )


class FeedbackCreateView(ServiceFormView):
    permission_required = "accounts.add_performancefeedback"
    template_name = "workspace/plans/feedback_form.html"
    form_class = FeedbackForm

    def get_object(self, pk):
        return _participant(pk)

    def get_form_kwargs(self, participant):
        return {"participant": participant}

    def get_initial(self, participant):
        meeting_id = _int_param(self.request, "meeting")
        return {"meeting": meeting_id, "channel": "meeting"} if meeting_id else {}

    def get_context(self, participant, form):
        return {"participant": participant}

    def perform(self, participant, data):
        feedback = services.feedback_record(
            actor=self.request.user,
            participant=participant,
            channel=data["channel"],
            rating=data["rating"],
            comments=data["comments"],
            submitted_by=data["submitted_by"],
            meeting=data["meeting"],
        )
        message = f"Recorded {feedback.rating}/5 feedback from {participant.short_name}."
        if feedback.follow_up_status == PerformanceFeedback.FollowUp.OPEN:
            message += " It needs a follow-up: record what was done once it is handled."
        return message, _plan_url(participant.pk, "feedback")


class FeedbackFollowUpView(ServiceFormView):
    permission_required = "accounts.change_performancefeedback"
    template_name = "workspace/plans/feedback_follow_up.html"
    form_class = FeedbackFollowUpForm

    def get_object(self, pk):
        return get_object_or_404(
            PerformanceFeedback.objects.select_related(
                "participant", "submitted_by", "recorded_by", "meeting", "followed_up_by"
            ),
            pk=pk,
        )

    def get_initial(self, feedback):
        initial = {"follow_up": feedback.follow_up}
        if feedback.follow_up_status == PerformanceFeedback.FollowUp.NOT_NEEDED:
            initial["status"] = PerformanceFeedback.FollowUp.NOT_NEEDED
        return initial

    def get_context(self, feedback, form):
        return {"feedback": feedback, "participant": feedback.participant, "next": _next_url(self.request, "")}

    def perform(self, feedback, data):
        services.feedback_follow_up(
            actor=self.request.user, feedback=feedback, follow_up=data["follow_up"], status=data["status"]
        )
        label = PerformanceFeedback.FollowUp(data["status"]).label.lower()
        message = (
            f"Follow-up saved for the {feedback.rating}/5 feedback of {feedback.participant.short_name} ({label})."
        )
        return message, _next_url(self.request, _plan_url(feedback.participant_id, f"feedback-{feedback.pk}"))


# --- improvement opportunities ---------------------------------------------------------------------

IMPROVEMENT_STATUS_CHOICES = [("open", "Open (planned or in progress)"), ("all", "Any status")] + list(
    ImprovementAction.Status.choices
)


class ImprovementListView(StaffRequiredMixin, View):
    template_name = "workspace/plans/improvements.html"

    def get(self, request):
        status = _choice_param(request, "status", IMPROVEMENT_STATUS_CHOICES, "open")
        owner = request.GET.get("owner", ALL)
        if owner not in (ME, ALL):
            owner = ALL
        kind = _choice_param(request, "kind", ImprovementAction.Kind.choices, "")
        participant_id = _int_param(request, "participant")
        actions = ImprovementAction.objects.select_related("participant", "owner", "pattern__category", "feedback")
        if participant_id:
            actions = actions.filter(participant_id=participant_id)
        if status == "open":
            actions = actions.filter(status__in=OPEN_IMPROVEMENT_STATUSES)
        elif status != "all":
            actions = actions.filter(status=status)
        if owner == ME:
            actions = actions.filter(owner=request.user)
        if kind:
            actions = actions.filter(kind=kind)
        actions = actions.annotate(open_rank=_open_first(OPEN_IMPROVEMENT_STATUSES)).order_by(
            "open_rank", "due_date", "pk"
        )
        page = _paginate(request, actions)
        page.object_list = _annotate_improvements(page.object_list, timezone.localdate())
        return render_list(
            request,
            self.template_name,
            page,
            status=status,
            owner=owner,
            kind=kind,
            participant_id=participant_id,
            status_options=IMPROVEMENT_STATUS_CHOICES,
            kind_options=ImprovementAction.Kind.choices,
        )


class ImprovementCreateView(ServiceFormView):
    """Record an improvement opportunity for an MP; ``?feedback=<id>`` or ``?pattern=<id>`` says where it came from."""

    permission_required = "accounts.add_improvementaction"
    template_name = "workspace/plans/improvement_form.html"
    form_class = ImprovementForm

    def get_object(self, pk):
        return _participant(pk)

    def get_form_kwargs(self, participant):
        return {"participant": participant}

    def get_initial(self, participant):
        initial = {"owner": self.request.user.pk, "due_date": timezone.localdate() + datetime.timedelta(days=30)}
        feedback_id, pattern_id = _int_param(self.request, "feedback"), _int_param(self.request, "pattern")
        if feedback_id:
            feedback = get_object_or_404(participant.feedback, pk=feedback_id)
            initial.update(feedback=feedback.pk, kind=ImprovementAction.Kind.PROCESS_CHANGE)
            if feedback.comments:
                initial["description"] = f"From the MP's feedback ({feedback.rating}/5): “{feedback.comments}”"
        if pattern_id:
            pattern = get_object_or_404(participant.issue_patterns.select_related("category"), pk=pattern_id)
            initial.update(
                pattern=pattern.pk,
                kind=ImprovementAction.Kind.TRAINING,
                title=f"Training on {pattern.category.name}",
                description=f"{pattern.case_count} {pattern.category.name} cases within {pattern.window_days} days.",
            )
        return initial

    def get_context(self, participant, form):
        """Where the improvement comes from (feedback or an issue pattern), shown above the form."""
        source_feedback = source_pattern = None
        feedback_id, pattern_id = form["feedback"].value(), form["pattern"].value()
        if feedback_id and str(feedback_id).isdigit():
            source_feedback = participant.feedback.select_related("submitted_by").filter(pk=feedback_id).first()
        if pattern_id and str(pattern_id).isdigit():
            source_pattern = participant.issue_patterns.select_related("category").filter(pk=pattern_id).first()
        return {"participant": participant, "source_feedback": source_feedback, "source_pattern": source_pattern}

    def perform(self, participant, data):
        action = services.improvement_action_create(
            actor=self.request.user,
            participant=participant,
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            owner=data["owner"],
            due_date=data["due_date"],
            pattern=data["pattern"],
            feedback=data["feedback"],
        )
        message = (
            f"Recorded “{action.title}” ({action.get_kind_display().lower()}), owned by "
            f"{_who(action.owner, self.request.user)}, due {action.due_date:%b %d, %Y}."
        )
        return message, _plan_url(participant.pk, "improvements")


class ImprovementStatusView(StaffRequiredMixin, View):
    permission_required = "accounts.change_improvementaction"

    def get(self, request, pk):
        action = get_object_or_404(ImprovementAction, pk=pk)
        return redirect(_plan_url(action.participant_id, "improvements"))

    def post(self, request, pk):
        action = get_object_or_404(ImprovementAction.objects.select_related("participant"), pk=pk)
        target = _next_url(request, _plan_url(action.participant_id, "improvements"))
        form = ImprovementStatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, f"“{request.POST.get('status', '')}” is not a status an improvement can take.")
            return redirect(target)
        try:
            services.improvement_action_set_status(
                actor=request.user, action=action, status=form.cleaned_data["status"]
            )
        except DomainError as error:
            messages.error(request, f"“{action.title}” was not changed: {error}")
        else:
            label = ImprovementAction.Status(form.cleaned_data["status"]).label.lower()
            messages.success(request, f"“{action.title}” is now {label}.")
        return redirect(target)


__all__ = [
    "ActionItemCreateView",
    "ActionItemEditView",
    "ActionItemListView",
    "ActionItemTransitionView",
    "FeedbackCreateView",
    "FeedbackFollowUpView",
    "FeedbackListView",
    "ImprovementCreateView",
    "ImprovementListView",
    "ImprovementStatusView",
    "MeetingCancelView",
    "MeetingCreateView",
    "MeetingDetailView",
    "MeetingEditView",
    "MeetingIcsView",
    "MeetingListView",
    "MeetingMinutesView",
    "MeetingShareMinutesView",
    "ObjectiveCreateView",
    "ObjectiveEditView",
    "ObjectiveStatusView",
    "ParticipantPlanView",
    "PlanUpdateView",
]
