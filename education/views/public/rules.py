"""The public market rules pages (``/education/rules/``): sections and revision requests, and what cites them."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views import View

from ...forms.public.knowledge import RulesSearchForm
from ...models import RevisionRequest, RuleSection
from ...selectors.rules import citing, revision_requests, rule_sections

PAGE_SIZE = 25


class RulesView(View):
    def get(self, request):
        form = RulesSearchForm(request.GET or None)
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        q = data.get("q", "")
        sections = Paginator(rule_sections(q=q, document=data.get("document", "")), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        revisions = Paginator(revision_requests(q=q, status=data.get("status", "")), PAGE_SIZE).get_page(
            request.GET.get("rpage")
        )
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("rpage", None)
        return render(
            request,
            "education/rules/list.html",
            {"form": form, "sections": sections, "revisions": revisions, "querystring": query.urlencode(), "q": q},
        )


class SectionView(View):
    def get(self, request, pk):
        section = get_object_or_404(RuleSection, pk=pk)
        return render(
            request,
            "education/rules/section.html",
            {
                "rule": section,
                "revisions": section.revision_requests.all(),
                **citing(section, user=request.user),
            },
        )


class RevisionView(View):
    def get(self, request, pk):
        revision = get_object_or_404(RevisionRequest, pk=pk)
        return render(
            request,
            "education/rules/revision.html",
            {"rule": revision, "sections": revision.sections.all(), **citing(revision, user=request.user)},
        )
