"""The workspace case queue: saved views as tabs, filters, search, sortable columns, pagination and bulk actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.views import View
from django.views.generic import TemplateView

from ercot_services.core.forms import load_choices
from ercot_services.core.permissions import StaffRequiredMixin, load_permissions

from ... import policies, services
from ...filters import SORTS, CaseFilter
from ...forms.staff import BulkActionForm
from ...models import Case
from ...selectors import cases as case_selectors
from ...selectors.cases import QUEUE_VIEWS

PAGE_SIZE = 25

# Queue columns: (label, ?sort= key or None). The first sort direction of a column is the useful one.
QUEUE_COLUMNS = [
    ("Reference", "reference"),
    ("Subject", None),
    ("MP", None),
    ("Kind / category", None),
    ("Priority", "priority"),
    ("Status", "status"),
    ("Next action", None),
    ("Assignee", None),
    ("SLA / due", "resolution_due_at"),
    ("Opened", "-created"),
]
# Shown on a phone (stacked rows) and from 1400 px; between, the table would be wider than the page. The sort menu
# still offers "Opened", and the status says who acts next.
WIDE_SCREEN_COLUMNS = {"Next action", "Opened"}


def _flip(sort_key: str) -> str:
    return sort_key[1:] if sort_key.startswith("-") else f"-{sort_key}"


def _column(label: str, sort_key: str | None, *, query: QueryDict, current_sort: str) -> dict:
    """A column heading; a sortable one links to its sort (flipped when it is the current one) with aria-sort."""
    column = {"label": label, "sortable": sort_key is not None, "wide_only": label in WIDE_SCREEN_COLUMNS}
    if not sort_key:
        return column
    ascending_first = not sort_key.startswith("-")
    if current_sort == sort_key:
        target, column["aria_sort"] = _flip(sort_key), "ascending" if ascending_first else "descending"
    elif current_sort == _flip(sort_key):
        target, column["aria_sort"] = sort_key, "descending" if ascending_first else "ascending"
    else:
        target = sort_key
    sort_query = query.copy()
    sort_query["sort"] = target
    column["url"] = "?" + sort_query.urlencode()
    column["sort_label"] = SORTS[target][0]
    return column


def _tabs(search: str, counts: dict) -> list[dict]:
    """The saved views, each keeping the search."""
    tabs = []
    for key, label in QUEUE_VIEWS:
        tab_query = QueryDict(mutable=True)
        tab_query["view"] = key
        if search:
            tab_query["q"] = search
        tabs.append({"key": key, "label": label, "url": "?" + tab_query.urlencode(), "count": counts.get(key)})
    return tabs


class CaseQueueView(StaffRequiredMixin, TemplateView):
    """The queue: saved views as tabs, filters, search, sortable columns, pagination and bulk actions."""

    template_name = "workspace/cases/queue.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("card") == "home":
            # The workspace home loads this small card (htmx) so the home page's own queries stay as they are.
            return render(
                request, "workspace/cases/_home_card.html", {"counts": case_selectors.case_queue_counts(request.user)}
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        request = self.request
        context = super().get_context_data(**kwargs)
        staff = list(case_selectors.staff_users())
        filterset = CaseFilter(
            request.GET,
            queryset=case_selectors.staff_case_queue(),
            user=request.user,
            view=request.GET.get("view"),
            staff=staff,
        )
        query = request.GET.copy()
        query.pop("page", None)
        counts = case_selectors.case_queue_counts(request.user)
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
        bulk_form = BulkActionForm()
        load_choices(filterset.form, bulk_form)
        load_permissions(request.user)
        context.update(
            filter=filterset,
            page_obj=page,
            querystring=query.urlencode(),
            full_querystring=request.GET.urlencode(),
            columns=[
                _column(label, key, query=query, current_sort=filterset.current_sort) for label, key in QUEUE_COLUMNS
            ],
            tabs=_tabs(request.GET.get("q"), counts),
            active_view=filterset.active_view,
            view=filterset.view,
            staff=staff,
            bulk_form=bulk_form,
            counts=counts,
        )
        return context


class CaseBulkView(StaffRequiredMixin, View):
    """Assign or close the ticked cases; report what was done and what was refused, and why."""

    action_permission_required = policies.WORK_CASE

    def get(self, request):
        return redirect("workspace:cases")

    def post(self, request):
        form = BulkActionForm(request.POST)
        querystring = request.POST.get("querystring", "")
        back = reverse("workspace:cases") + (f"?{QueryDict(querystring).urlencode()}" if querystring else "")
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(back)
        cases = list(
            Case.objects.filter(pk__in=form.cleaned_data["cases"]).select_related("assignee").order_by("reference")
        )
        if not cases:
            messages.error(request, "None of the ticked cases exist any more.")
            return HttpResponseRedirect(back)
        if form.cleaned_data["action"] == BulkActionForm.ASSIGN:
            assignee = form.cleaned_data["assignee"]
            result = services.case_bulk_assign(
                actor=request.user, cases=cases, assignee=assignee, reason=form.cleaned_data["reason"]
            )
            done_text = f"Assigned to {assignee.full_name or assignee.email}"
        else:
            result = services.case_bulk_close(actor=request.user, cases=cases, reason=form.cleaned_data["reason"])
            done_text = "Closed"
        _report(request, result, done_text)
        return HttpResponseRedirect(back)


def _report(request, result: services.BulkResult, done_text: str) -> None:
    """What was done, and each refused case with the reason (the reason starts with its reference)."""
    if result.done:
        messages.success(
            request,
            f"{done_text}: {', '.join(result.done)} ({len(result.done)} case{'s' if len(result.done) != 1 else ''}).",
        )
    if result.refused:
        items = format_html_join(
            "",
            "<li><strong>{}</strong>{}</li>",
            (
                (reference, reason[len(reference) :] if reason.startswith(reference) else f": {reason}")
                for reference, reason in sorted(result.refused.items())
            ),
        )
        messages.warning(
            request,
            format_html(
                '{} case{} refused:<ul class="mb-0">{}</ul>',
                len(result.refused),
                "s were" if len(result.refused) != 1 else " was",
                items,
            ),
        )
