"""Citing market rules from the workspace: the small form of the case page, the notice page and the article page
(rendered by the ``education_citations`` template tag) posts here."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from cases.models import Case
from ercot_services.core.actions import safe_next_url
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import StaffRequiredMixin
from notices.models import Notice

from ... import policies_knowledge as policies
from ...forms.staff.knowledge import CitationForm
from ...models import Article, Citation
from ...services.rules import citation_add, citation_remove

TARGETS = {"case": Case, "notice": Notice, "article": Article}


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
