"""The issue pattern page: its cases, the MP's trend, and the improvement action the AM records from it.

It lives with plan management because recording an improvement is a plan action; dismissing the pattern calls
the cases service. The list of patterns is in ``cases.views.staff.patterns``.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from cases import policies as case_policies
from cases import services as case_services
from cases.forms.staff import PatternDismissForm
from cases.models import IssuePattern
from cases.selectors import cases as case_selectors
from education.policies import can_manage_courses
from ercot_services.core.actions import add_domain_error
from ercot_services.core.models import AuditEvent, DomainError
from ercot_services.core.permissions import StaffRequiredMixin

from ... import policies
from ...forms.staff import ImprovementActionForm
from ...selectors import participant_improvement_actions
from ...services import improvement_action_create
from .common import _annotate_improvements, _improvement_input


def _pattern_page(request, pattern: IssuePattern, *, action_form=None, dismiss_form=None, status=200):
    context = {
        "pattern": pattern,
        "cases": case_selectors.pattern_cases(pattern),
        "trend": case_selectors.participant_category_trend(pattern.participant),
        "actions": _annotate_improvements(participant_improvement_actions(pattern.participant), timezone.localdate()),
        "can_recommend_course": can_manage_courses(request.user),
        "timeline": AuditEvent.objects.for_object(pattern).select_related("actor", "target_content_type"),
        "action_form": action_form or ImprovementActionForm(initial={"owner": request.user.pk}),
        "dismiss_form": dismiss_form or PatternDismissForm(),
        "can_record_improvement": policies.can_record_improvement(request.user, pattern.participant),
        "can_dismiss": case_policies.can_work_case(request.user, pattern),
    }
    return render(request, "workspace/patterns/detail.html", context, status=status)


class PatternDetailView(StaffRequiredMixin, View):
    """The pattern, its cases, the MP's trend; POST records an improvement action."""

    action_permission_required = policies.RECORD_IMPROVEMENT

    def get(self, request, pk):
        return _pattern_page(request, case_selectors.pattern_get(pk))

    def post(self, request, pk):
        pattern = case_selectors.pattern_get(pk)
        form = ImprovementActionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                action = improvement_action_create(
                    actor=request.user,
                    participant=pattern.participant,
                    data=_improvement_input(data),
                    pattern=pattern,
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request,
                    f"Recorded “{action.title}” ({action.get_kind_display().lower()}), owned by "
                    f"{action.owner.full_name}, due {action.due_date:%b %d, %Y}.",
                )
                return redirect("workspace:pattern-detail", pk=pattern.pk)
        return _pattern_page(request, pattern, action_form=form, status=400)


class PatternDismissView(StaffRequiredMixin, View):
    action_permission_required = case_policies.WORK_CASE

    def get(self, request, pk):
        return redirect("workspace:pattern-detail", pk=pk)

    def post(self, request, pk):
        pattern = case_selectors.pattern_get(pk)
        form = PatternDismissForm(request.POST)
        if pattern.status != IssuePattern.Status.OPEN:
            form.is_valid()
            form.add_error(None, f"This pattern is already {pattern.get_status_display().lower()}.")
        elif form.is_valid():
            try:
                case_services.pattern_dismiss(actor=request.user, pattern=pattern, reason=form.cleaned_data["reason"])
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request, f"The {pattern.category} pattern of {pattern.participant.short_name} was dismissed."
                )
                return redirect("workspace:patterns")
        return _pattern_page(request, pattern, dismiss_form=form, status=400)
