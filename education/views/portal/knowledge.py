"""The knowledge base in the portal: the inquiry form's suggestions (an htmx fragment) and "This answered my
question" (a deflection: no case filed)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from accounts.portal_session import CurrentParticipantMixin
from cases.models import CaseCategory
from ercot_services.core.permissions import ParticipantRequiredMixin

from ...forms.portal.knowledge import AnsweredForm
from ...models import Article, DeflectionOutcome
from ...selectors.knowledge import kb_suggestions
from ...services.knowledge import deflection_record


class SuggestView(ParticipantRequiredMixin, CurrentParticipantMixin, View):
    """``GET ?subject=…&description=…&category=…``: up to three articles for the inquiry being written."""

    def get(self, request):
        text = f"{request.GET.get('subject', '')} {request.GET.get('description', '')[:500]}"
        category_id = request.GET.get("category", "")
        category = CaseCategory.objects.filter(pk=category_id).first() if category_id.isdigit() else None
        suggestions = kb_suggestions(user=request.user, q=text, category=category)
        return render(
            request, "education/kb/_suggestions.html", {"suggestions": suggestions, "searched": bool(text.strip())}
        )


class AnsweredView(ParticipantRequiredMixin, CurrentParticipantMixin, View):
    """The inquiry form posted here by "This answered my question": record the deflection, file nothing."""

    http_method_names = ["post"]

    def post(self, request):
        form = AnsweredForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest("Choose the article that answered your question.")
        article = get_object_or_404(Article.objects.visible_to(request.user), pk=form.cleaned_data["answered"])
        deflection_record(
            actor=request.user,
            participant=self.participant,
            outcome=DeflectionOutcome.ANSWERED,
            subject=form.cleaned_data["subject"],
            category=form.cleaned_data["category"],
            article=article,
            shown=request.POST.getlist("kb_suggested"),
        )
        messages.success(request, "Glad it answered your question. No inquiry was filed.")
        return redirect(article.get_absolute_url())
