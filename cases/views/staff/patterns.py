"""Workspace list of issue patterns: an MP filing N+ cases in one category within D days.

From a pattern the AM sees its cases and the MP's per-category trend, records
an improvement action (training, process change, market communication) or
dismisses the pattern with a reason.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from ercot_services.core.permissions import StaffRequiredMixin

from ...selectors import cases as case_selectors

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
