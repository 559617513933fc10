"""Workspace pages for issue patterns: an MP filing N+ cases in one category within D days.

From a pattern the AM sees its cases and the MP's per-category trend, records
an improvement action (training, process change, market communication) or
dismisses the pattern with a reason.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import TemplateView

from accounts import policies as plan_policies
from accounts.services.plans import improvement_action_create
from ercot_services.core.models import AuditEvent, DomainError
from ercot_services.core.permissions import StaffRequiredMixin

from .. import policies, services
from ..forms.staff import ImprovementActionForm, PatternDismissForm
from ..models import IssuePattern
from ..selectors import cases as case_selectors

PAGE_SIZE = 25
SCOPES = [("mine", "My book"), ("all", "All MPs")]
STATUSES = [("open", "Open"), ("actioned", "Actioned"), ("dismissed", "Dismissed"), ("any", "Any status")]


class PatternListView(StaffRequiredMixin, TemplateView):
    """Open patterns first; an AM sees their own book by default, with a toggle for all MPs."""

    template_name = "workspace/patterns/list.html"

    def get_context_data(self, **kwargs):
        request = self.request
        context = super().get_context_data(**kwargs)
        has_book = case_selectors.has_book(request.user)
        scope = request.GET.get("scope")
        if scope not in dict(SCOPES):
            scope = "mine" if has_book else "all"
        status = request.GET.get("status")
        if status not in dict(STATUSES):
            status = "open"
        patterns = case_selectors.patterns_for_staff(user=request.user, scope=scope, status=status)
        page = Paginator(patterns, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(
            page_obj=page,
            scope=scope,
            status=status,
            scopes=SCOPES,
            statuses=STATUSES,
            has_book=has_book,
            querystring=f"scope={scope}&status={status}",
        )
        return context


def _pattern_page(request, pattern: IssuePattern, *, action_form=None, dismiss_form=None, status=200):
    context = {
        "pattern": pattern,
        "cases": case_selectors.pattern_cases(pattern),
        "trend": case_selectors.participant_category_trend(pattern.participant),
        "actions": case_selectors.participant_improvement_actions(pattern.participant),
        "timeline": AuditEvent.objects.for_object(pattern).select_related("actor"),
        "action_form": action_form or ImprovementActionForm(initial={"owner": request.user.pk}),
        "dismiss_form": dismiss_form or PatternDismissForm(),
        "can_record_improvement": plan_policies.can_record_improvement(request.user, pattern.participant),
        "can_dismiss": policies.can_work_case(request.user, pattern),
    }
    return render(request, "workspace/patterns/detail.html", context, status=status)


class PatternDetailView(StaffRequiredMixin, View):
    """The pattern, its cases, the MP's trend; POST records an improvement action."""

    action_permission_required = plan_policies.RECORD_IMPROVEMENT

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
                    pattern=pattern,
                    kind=data["kind"],
                    title=data["title"],
                    description=data["description"],
                    owner=data["owner"],
                    due_date=data["due_date"],
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"Recorded “{action.title}” ({action.get_kind_display().lower()}), owned by "
                    f"{action.owner.full_name}, due {action.due_date:%b %d, %Y}.",
                )
                return redirect("workspace:pattern-detail", pk=pattern.pk)
        return _pattern_page(request, pattern, action_form=form, status=400)


class PatternDismissView(StaffRequiredMixin, View):
    action_permission_required = policies.WORK_CASE

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
                services.pattern_dismiss(actor=request.user, pattern=pattern, reason=form.cleaned_data["reason"])
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, f"The {pattern.category} pattern of {pattern.participant.short_name} was dismissed."
                )
                return redirect("workspace:patterns")
        return _pattern_page(request, pattern, dismiss_form=form, status=400)
