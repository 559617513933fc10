"""Citing market rules from the workspace: the case page, the notice page and the article page load their "Market
rules cited" block from here (htmx, so those pages send no query for it while rendering and cases and notices never
import education), and its small form posts here."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from cases.models import Case
from ercot_services.core.actions import safe_next_url
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import StaffRequiredMixin
from notices.models import Notice

from ... import policies
from ...forms.staff.knowledge import CitationForm, rule_choices
from ...models import Article, Citation
from ...selectors.rules import citations_of
from ...services.rules import citation_add, citation_remove

TARGETS = {"case": Case, "notice": Notice, "article": Article}


class CitationsBlockView(StaffRequiredMixin, View):
    """The rules a case, notice or article cites, and (for staff who may) the form adding one: an HTML fragment."""

    def get(self, request, target, pk):
        if target not in TARGETS:
            raise Http404("Nothing of that kind cites rules.")
        obj = get_object_or_404(TARGETS[target], pk=pk)
        may_add = policies.can_add_citation(request.user)
        context = {
            "citations": citations_of(**{target: obj}),
            "target": target,
            "target_id": obj.pk,
            "may_add": may_add,
            "choices": rule_choices()[1:] if may_add else [],  # the groups, after the empty choice
            "next": safe_next_url(request, "", under="/workspace/"),
        }
        return render(request, "education/rules/_citations.html", context)


class CitationAddView(StaffRequiredMixin, View):
    permission_required = policies.ADD_CITATION
    http_method_names = ["post"]

    def post(self, request):
        form = CitationForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect(safe_next_url(request, "/workspace/", under="/workspace/"))
        target = get_object_or_404(TARGETS[form.cleaned_data["target"]], pk=form.cleaned_data["target_id"])
        rule = form.rule_object()
        try:
            citation_add(actor=request.user, rule=rule, **{form.cleaned_data["target"]: target})
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Cites {rule}.")
        return redirect(safe_next_url(request, "/workspace/", under="/workspace/"))


class CitationRemoveView(StaffRequiredMixin, View):
    permission_required = policies.ADD_CITATION
    http_method_names = ["post"]

    def post(self, request, pk):
        citation = get_object_or_404(Citation, pk=pk)
        rule = str(citation.rule)
        try:
            citation_remove(actor=request.user, citation=citation)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"No longer cites {rule}.")
        return redirect(safe_next_url(request, "/workspace/", under="/workspace/"))
