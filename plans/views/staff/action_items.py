"""Action items: create, edit, move through their statuses, and the list across MPs (an AM's book by default)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View

from accounts.models import User
from cases.selectors.cases import staff_users
from ercot_services.core.actions import INLINE_FORM_TEMPLATE, safe_next_url
from ercot_services.core.permissions import StaffRequiredMixin

from ... import selectors as plan_selectors
from ... import services
from ...forms.staff import (
    TRANSITION_LABELS,
    ActionItemForm,
    ActionItemTransitionForm,
)
from ...models import (
    ACTION_ITEM_OPEN_STATUSES,
    ACTION_ITEM_TRANSITIONS,
    ActionItem,
    ActionItemStatus,
)
from .common import (
    ALL,
    ME,
    StaffActionView,
    _annotate_items,
    _choice_param,
    _in_book,
    _int_param,
    _open_first,
    _paginate,
    _participant,
    _plan_url,
    _who,
    item_transitions,
    render_list,
)


def _item(pk) -> ActionItem:
    return get_object_or_404(
        ActionItem.objects.select_related(
            "participant", "owner", "objective", "meeting", "case", "application", "enrollment__flight", "completed_by"
        ),
        pk=pk,
    )


ITEM_FIELDS = ("title", "description", "owner", "due_date", "objective", "case", "application", "enrollment")


def _item_input(data: dict) -> services.ActionItemInput:
    """What ``action_item_create`` and ``action_item_update`` both take, from the form's cleaned data."""
    return services.ActionItemInput(**{name: data[name] for name in ITEM_FIELDS})


class ActionItemCreateView(StaffActionView):
    """Add an action item to an MP's plan; ``?meeting=``, ``?objective=``, ``?case=`` ... prefill the form."""

    permission_required = "plans.add_actionitem"
    template_name = "workspace/plans/action_item_form.html"
    form_class = ActionItemForm

    def get_object(self):
        return _participant(self.kwargs["pk"])

    def get_form_kwargs(self):
        participant = self.object
        return {"participant": participant}

    def get_initial(self):
        participant = self.object
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

    def get_context(self, form):
        participant = self.object
        return {"participant": participant, "item": None, "next": safe_next_url(self.request, "")}

    def perform(self, form):
        participant, data = self.object, form.cleaned_data
        user = self.request.user
        item = services.action_item_create(
            actor=user, participant=participant, data=_item_input(data), meeting=data["meeting"]
        )
        owner = _who(item.owner, user)
        notified = "" if item.owner_id == user.pk else f" {owner} is notified by email."
        message = f"Added “{item.title}”, owned by {owner}, due {item.due_date:%b %d, %Y}.{notified}"
        default = (
            reverse("workspace:meeting-detail", args=[item.meeting_id]) + "#follow-ups"
            if item.meeting_id
            else _plan_url(participant.pk, f"item-{item.pk}")
        )
        self.success_message, self.success_url = message, safe_next_url(self.request, default)


class ActionItemEditView(StaffActionView):
    permission_required = "plans.change_actionitem"
    template_name = "workspace/plans/action_item_form.html"
    fragment_template_name = INLINE_FORM_TEMPLATE
    form_class = ActionItemForm

    def get_object(self):
        return _item(self.kwargs["pk"])

    def get_form_kwargs(self):
        item = self.object
        return {"participant": item.participant, "with_meeting": False}

    def get_form(self, data=None, files=None):
        if data is None:
            return super().get_form()
        # The saved due date stays acceptable when it has passed in the meantime (see ActionItemForm.clean_due_date).
        return ActionItemForm(data, initial={"due_date": self.object.due_date}, **self.get_form_kwargs())

    def get_initial(self):
        item = self.object
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

    def get_context(self, form):
        item = self.object
        return {
            "participant": item.participant,
            "item": item,
            "next": safe_next_url(self.request, ""),
            "editor_heading": f"Edit “{item.title}”",
        }

    def perform(self, form):
        item, data = self.object, form.cleaned_data
        services.action_item_update(actor=self.request.user, item=item, data=_item_input(data))
        self.success_message, self.success_url = (
            f"Saved “{data['title']}”.",
            safe_next_url(self.request, _plan_url(item.participant_id, f"item-{item.pk}")),
        )


SUBMIT_LABELS = {ActionItemStatus.DONE: "Mark done", ActionItemStatus.CANCELLED: "Cancel the item"}


class ActionItemTransitionView(StaffActionView):
    """Start, complete (with a note), cancel or reopen an action item.

    GET shows a small confirmation form (used for "done with a note" and "cancel with a reason"); POST moves it.
    """

    permission_required = "plans.change_actionitem"
    template_name = "workspace/plans/action_item_transition.html"
    fragment_template_name = INLINE_FORM_TEMPLATE
    form_class = ActionItemTransitionForm

    def get_object(self):
        return _item(self.kwargs["pk"])

    def get(self, request, pk):
        item = self.object = self.get_object()
        to = request.GET.get("to", "")
        if to not in ACTION_ITEM_TRANSITIONS.get(item.status, set()):
            status = item.get_status_display().lower()
            messages.error(request, f"“{item.title}” is {status}: it cannot move to “{to or 'nothing'}”.")
            return redirect(_plan_url(item.participant_id, f"item-{item.pk}"))
        return self.render_form(ActionItemTransitionForm(initial={"to": to}))

    def get_context(self, form):
        item = self.object
        item.transitions = item_transitions(item)
        to_label = TRANSITION_LABELS.get(form["to"].value(), "")
        return {
            "item": item,
            "participant": item.participant,
            "to_label": to_label,
            "next": safe_next_url(self.request, ""),
            "editor_heading": f"{to_label or 'Update'} “{item.title}”",
            "submit_label": SUBMIT_LABELS.get(form["to"].value(), to_label or "Save"),
        }

    def perform(self, form):
        item, data = self.object, form.cleaned_data
        services.action_item_transition(actor=self.request.user, item=item, to=data["to"], note=data["note"])
        message = f"“{item.title}” is now {ActionItemStatus(data['to']).label.lower()}."
        self.success_message, self.success_url = (
            message,
            safe_next_url(self.request, _plan_url(item.participant_id, f"item-{item.pk}")),
        )

    def form_invalid(self, form):
        if "to" in form.errors:
            form.errors.pop("to")
            form.add_error(
                None, f"“{self.request.POST.get('to') or 'nothing'}” is not a status an action item can move to."
            )
        return super().form_invalid(form)


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
            items = items.overdue(today)
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
