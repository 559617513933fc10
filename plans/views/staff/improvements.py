"""Improvement opportunities: the list, planning one for an MP, moving its status."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View

from ercot_services.core.actions import safe_next_url
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import StaffRequiredMixin

from ... import services
from ...forms.staff import (
    ImprovementForm,
    ImprovementStatusForm,
)
from ...models import (
    ImprovementAction,
)
from .common import (
    ALL,
    ME,
    OPEN_IMPROVEMENT_STATUSES,
    StaffActionView,
    _annotate_improvements,
    _choice_param,
    _improvement_input,
    _int_param,
    _open_first,
    _paginate,
    _participant,
    _plan_url,
    _who,
    render_list,
)

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
        actions = ImprovementAction.objects.select_related(
            "participant", "owner", "pattern__category", "feedback", "course"
        )
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


class ImprovementCreateView(StaffActionView):
    """Record an improvement opportunity for an MP; ``?feedback=<id>`` or ``?pattern=<id>`` says where it came from."""

    permission_required = "plans.add_improvementaction"
    template_name = "workspace/plans/improvement_form.html"
    form_class = ImprovementForm

    def get_object(self):
        return _participant(self.kwargs["pk"])

    def get_form_kwargs(self):
        participant = self.object
        return {"participant": participant}

    def get_initial(self):
        participant = self.object
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

    def get_context(self, form):
        """Where the improvement comes from (feedback or an issue pattern), shown above the form."""
        participant = self.object
        source_feedback = source_pattern = None
        feedback_id, pattern_id = form["feedback"].value(), form["pattern"].value()
        if feedback_id and str(feedback_id).isdigit():
            source_feedback = participant.feedback.select_related("submitted_by").filter(pk=feedback_id).first()
        if pattern_id and str(pattern_id).isdigit():
            source_pattern = participant.issue_patterns.select_related("category").filter(pk=pattern_id).first()
        return {"participant": participant, "source_feedback": source_feedback, "source_pattern": source_pattern}

    def perform(self, form):
        participant, data = self.object, form.cleaned_data
        action = services.improvement_action_create(
            actor=self.request.user,
            participant=participant,
            data=_improvement_input(data),
            pattern=data["pattern"],
            feedback=data["feedback"],
        )
        message = (
            f"Recorded “{action.title}” ({action.get_kind_display().lower()}), owned by "
            f"{_who(action.owner, self.request.user)}, due {action.due_date:%b %d, %Y}."
        )
        self.success_message, self.success_url = message, _plan_url(participant.pk, "improvements")


class ImprovementStatusView(StaffRequiredMixin, View):
    permission_required = "plans.change_improvementaction"

    def get(self, request, pk):
        action = get_object_or_404(ImprovementAction, pk=pk)
        return redirect(_plan_url(action.participant_id, "improvements"))

    def post(self, request, pk):
        action = get_object_or_404(ImprovementAction.objects.select_related("participant"), pk=pk)
        target = safe_next_url(request, _plan_url(action.participant_id, "improvements"))
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
