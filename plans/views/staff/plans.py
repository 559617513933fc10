"""The MP's account plan page, the plan summary and its objectives."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from accounts.models import AccountManagerAssignment, MarketParticipant
from accounts.selectors import current_manager
from ercot_services.core.actions import INLINE_FORM_TEMPLATE
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import StaffRequiredMixin, load_permissions

from ... import selectors as plan_selectors
from ... import services
from ...forms.staff import (
    OBJECTIVE_STATUS_LABELS,
    ObjectiveForm,
    ObjectiveStatusForm,
    PlanForm,
)
from ...models import (
    AccountPlan,
    PlanObjective,
)
from .common import (
    StaffActionView,
    _annotate_improvements,
    _annotate_items,
    _participant,
    _plan_url,
)


def plan_page(request, participant: MarketParticipant, *, status: int = 200, open_section: str = "", **forms):
    """Render the plan page; an action view passes its form (bound with errors, or blank when asked for without
    JavaScript) to show it open in place. Otherwise no form is drawn: its Edit link loads it on demand."""
    load_permissions(request.user)
    data = plan_selectors.plan_for_participant(participant)
    plan = data["plan"]
    today = timezone.localdate()
    objectives = list(data["objectives"])
    context = {
        **data,
        "participant": participant,
        "plan": plan,
        "account_manager_name": _account_manager_name(participant),
        "today": today,
        "now": timezone.now(),
        "objectives_open": [o for o in objectives if o.status == PlanObjective.Status.OPEN],
        "objectives_closed": [o for o in objectives if o.status != PlanObjective.Status.OPEN],
        "open_items": _annotate_items(data["open_items"], today),
        "closed_items": _annotate_items(data["closed_items"], today),
        "improvements": _annotate_improvements(data["improvements"], today),
        "objective_status_labels": OBJECTIVE_STATUS_LABELS,
        "plan_form": forms.get("plan_form"),
        "objective_form": forms.get("objective_form"),
        "open_section": open_section,
    }
    return render(request, "workspace/plans/plan.html", context, status=status)


def _account_manager_name(participant: MarketParticipant) -> str:
    """The current AM's name: annotated by :func:`_plan_participant`, else read (a page showing a form's errors)."""
    if hasattr(participant, "account_manager_name"):
        return participant.account_manager_name or ""
    manager = current_manager(participant)
    return manager.name if manager else ""


def _plan_participant(pk) -> MarketParticipant:
    """The MP with its plan (and who last updated it) and its current AM's name, in one query."""
    current_am = (
        AccountManagerAssignment.objects.with_active_manager()
        .filter(participant=OuterRef("pk"))
        .values("account_manager__user__full_name")[:1]
    )
    queryset = MarketParticipant.objects.select_related("plan__updated_by").annotate(
        account_manager_name=Subquery(current_am)
    )
    return get_object_or_404(queryset, pk=pk)


class ParticipantPlanView(StaffRequiredMixin, View):
    def get(self, request, pk):
        return plan_page(request, _plan_participant(pk))


class PlanUpdateView(StaffActionView):
    """Save the plan summary; the form lives on the plan page, so an error shows it there."""

    permission_required = "plans.change_accountplan"
    form_class = PlanForm
    fragment_template_name = INLINE_FORM_TEMPLATE

    def get_object(self):
        return _participant(self.kwargs["pk"])

    def get_initial(self):
        plan = AccountPlan.objects.filter(participant=self.object).first()
        return {"summary": plan.summary, "next_review_date": plan.next_review_date} if plan else {}

    def get_context(self, form):
        return {"submit_label": "Save the plan"}

    def render_form(self, form, status=200):
        if self.wants_fragment():
            return super().render_form(form, status)
        participant = self.object
        return plan_page(self.request, participant, status=status, open_section="summary", plan_form=form)

    def perform(self, form):
        participant, data = self.object, form.cleaned_data
        services.plan_update(
            actor=self.request.user,
            participant=participant,
            summary=data["summary"],
            next_review_date=data["next_review_date"],
        )
        self.success_message, self.success_url = (
            f"The account plan of {participant.short_name} was saved.",
            _plan_url(participant.pk, "summary"),
        )


class ObjectiveCreateView(StaffActionView):
    """Add an objective or issue; the form lives on the plan page, so an error shows it there."""

    permission_required = "plans.add_planobjective"
    form_class = ObjectiveForm
    fragment_template_name = INLINE_FORM_TEMPLATE

    def get_object(self):
        return _participant(self.kwargs["pk"])

    def get_context(self, form):
        return {"submit_label": "Add to the plan"}

    def render_form(self, form, status=200):
        if self.wants_fragment():
            return super().render_form(form, status)
        participant = self.object
        return plan_page(self.request, participant, status=status, open_section="objectives", objective_form=form)

    def perform(self, form):
        participant, data = self.object, form.cleaned_data
        objective = services.objective_create(
            actor=self.request.user,
            participant=participant,
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            target_date=data["target_date"],
        )
        message = f"Added “{objective.title}” ({objective.get_kind_display().lower()})."
        self.success_message, self.success_url = message, _plan_url(participant.pk, f"objective-{objective.pk}")


def _objective(pk) -> PlanObjective:
    return get_object_or_404(PlanObjective.objects.select_related("plan__participant"), pk=pk)


class ObjectiveEditView(StaffActionView):
    permission_required = "plans.change_planobjective"
    template_name = "workspace/plans/objective_form.html"
    fragment_template_name = INLINE_FORM_TEMPLATE
    form_class = ObjectiveForm

    def get_object(self):
        return _objective(self.kwargs["pk"])

    def get_initial(self):
        objective = self.object
        return {k: getattr(objective, k) for k in ("kind", "title", "description", "target_date")}

    def get_context(self, form):
        objective = self.object
        return {
            "objective": objective,
            "participant": objective.plan.participant,
            "editor_heading": f"Edit “{objective.title}”",
        }

    def perform(self, form):
        objective, data = self.object, form.cleaned_data
        services.objective_update(
            actor=self.request.user,
            objective=objective,
            title=data["title"],
            description=data["description"],
            target_date=data["target_date"],
            kind=data["kind"],
        )
        self.success_message, self.success_url = (
            f"Saved “{data['title']}”.",
            _plan_url(objective.plan.participant_id, f"objective-{objective.pk}"),
        )


class ObjectiveStatusView(StaffRequiredMixin, View):
    permission_required = "plans.change_planobjective"

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
