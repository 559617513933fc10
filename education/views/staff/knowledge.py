"""The knowledge base in the workspace: the article list (in review, due for review, to improve), writing an
article (or drafting one from a resolved case), and the four-eyes review."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from cases.selectors.cases import case_get_for_staff
from ercot_services.core.actions import ActionView
from ercot_services.core.models import AuditEvent, DomainError
from ercot_services.core.permissions import StaffRequiredMixin

from ... import policies
from ...forms.staff.knowledge import ArticleForm, ReturnArticleForm
from ...models import Article, ArticleStatus
from ...selectors.knowledge import articles_for_staff, articles_to_improve, staff_article_counts, with_votes
from ...selectors.rules import citations_of
from ...services.knowledge import (
    ArticleInput,
    article_approve,
    article_archive,
    article_create,
    article_draft_from_case,
    article_return_to_draft,
    article_submit_for_review,
    article_update,
)
from ..public.knowledge import render_article_body

PAGE_SIZE = 25
VIEWS = {
    "": "All articles",
    ArticleStatus.DRAFT: "Drafts",
    ArticleStatus.IN_REVIEW: "In review",
    ArticleStatus.PUBLISHED: "Published",
    "due": "Due for review",
    "improve": "Articles to improve",
}


class ArticleListView(StaffRequiredMixin, View):
    def get(self, request):
        show = request.GET.get("show", "")
        show = show if show in VIEWS else ""
        today = timezone.localdate()
        if show == "improve":
            articles = articles_to_improve(today=today)
        elif show == "due":
            articles = with_votes(
                Article.objects.due_for_review(today).select_related("category", "author").order_by("review_by", "pk")
            )
        else:
            articles = with_votes(articles_for_staff(status=show))
        page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "education/staff/article_list.html",
            {
                "page_obj": page,
                "show": show,
                "views": VIEWS,
                "counts": staff_article_counts(today=today),
                "querystring": f"show={show}" if show else "",
                "can_write": policies.can_write_article(request.user),
                "today": today,
            },
        )


def _input(data) -> ArticleInput:
    return ArticleInput(
        title=data["title"],
        summary=data["summary"],
        body=data["body"],
        category=data["category"],
        visibility=data["visibility"],
        review_by=data["review_by"],
    )


class ArticleCreateView(StaffRequiredMixin, ActionView):
    """A new article; ``?case=<reference>`` starts from that resolved case's last public reply, anonymised."""

    permission_required = policies.WRITE_ARTICLE
    template_name = "education/staff/article_form.html"
    form_class = ArticleForm
    source_case = None

    def _source_case(self):
        reference = self.request.GET.get("case") or self.request.POST.get("case") or ""
        if reference and self.source_case is None:
            self.source_case = case_get_for_staff(reference)
        return self.source_case

    def get_initial(self):
        case = self._source_case()
        if case is None:
            return {}
        try:
            draft = article_draft_from_case(case=case)
        except DomainError as error:
            messages.error(self.request, str(error))
            return {"category": case.category}
        return {"title": draft.title, "body": draft.body, "category": draft.category}

    def get_context(self, form):
        return {"source_case": self._source_case(), "article": None}

    def perform(self, form):
        return article_create(actor=self.request.user, data=_input(form.cleaned_data), source_case=self._source_case())

    def get_success_message(self, form):
        return "Draft saved. Submit it for review when it is ready: someone else approves it."

    def get_success_url(self):
        return self.result.get_staff_url()


class ArticleEditView(StaffRequiredMixin, ActionView):
    permission_required = policies.WRITE_ARTICLE
    template_name = "education/staff/article_form.html"
    form_class = ArticleForm

    def get_object(self):
        return get_object_or_404(Article, pk=self.kwargs["pk"])

    def get_initial(self):
        article = self.object
        return {
            field: getattr(article, field)
            for field in ("title", "summary", "body", "category", "visibility", "review_by")
        }

    def get_context(self, form):
        return {"article": self.object, "source_case": None}

    def perform(self, form):
        return article_update(actor=self.request.user, article=self.object, data=_input(form.cleaned_data))

    def get_success_message(self, form):
        return "Saved."

    def get_success_url(self):
        return self.object.get_staff_url()


def article_page(request, article: Article, *, status: int = 200, return_form=None, action_error: str = ""):
    article = with_votes(Article.objects.filter(pk=article.pk)).select_related("category", "author", "approver").get()
    cannot_approve = ""
    if article.status == ArticleStatus.IN_REVIEW and not policies.can_approve_article(request.user, article):
        cannot_approve = (
            "You wrote this article: someone else with the publish permission must approve it (four eyes)."
            if article.author_id == request.user.pk
            else "Only the Client Services Lead or a Notice Publisher approves articles."
        )
    return render(
        request,
        "education/staff/article_detail.html",
        {
            "article": article,
            "body_html": render_article_body(article),
            "citations": citations_of(article=article),
            "timeline": AuditEvent.objects.for_object(article)
            .select_related("actor", "target_content_type")
            .order_by("-created_at", "-id")[:100],
            "can_write": policies.can_write_article(request.user),
            "can_approve": policies.can_approve_article(request.user, article),
            "can_publish": request.user.has_perm(policies.PUBLISH_ARTICLE),
            "cannot_approve": cannot_approve,
            "return_form": return_form or ReturnArticleForm(),
            "action_error": action_error,
        },
        status=status,
    )


class ArticleDetailView(StaffRequiredMixin, View):
    def get(self, request, pk):
        return article_page(request, get_object_or_404(Article, pk=pk))


ACTION_PERMISSIONS = {
    "submit": policies.WRITE_ARTICLE,
    "return": policies.WRITE_ARTICLE,
    "approve": policies.PUBLISH_ARTICLE,
    "archive": policies.PUBLISH_ARTICLE,
}


class ArticleActionView(StaffRequiredMixin, View):
    """POST one action of the article page (submit, return, approve, archive); a group whose job it is not gets 403."""

    def dispatch(self, request, *args, **kwargs):
        needed = ACTION_PERMISSIONS.get(kwargs.get("action", ""))
        if request.method == "POST" and request.user.is_authenticated and request.user.is_staff and needed:
            if not request.user.has_perm(needed):
                raise PermissionDenied("Your role does not allow this action.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk, action):
        return redirect(reverse("workspace:kb-article", args=[pk]))

    def post(self, request, pk, action):
        article = get_object_or_404(Article, pk=pk)
        return_form = None
        try:
            if action == "submit":
                article_submit_for_review(actor=request.user, article=article)
                text = "Submitted for review: someone else with the publish permission approves it."
            elif action == "return":
                return_form = ReturnArticleForm(request.POST)
                if not return_form.is_valid():
                    return article_page(request, article, status=400, return_form=return_form)
                article_return_to_draft(actor=request.user, article=article, reason=return_form.cleaned_data["reason"])
                text = "Returned to draft."
            elif action == "approve":
                article_approve(actor=request.user, article=article)
                text = "Approved and published."
            elif action == "archive":
                article_archive(actor=request.user, article=article)
                text = "Archived: it no longer shows in the knowledge base."
            else:
                return article_page(request, article, status=400, action_error=f"“{action}” is not an action.")
        except DomainError as error:
            return article_page(request, get_object_or_404(Article, pk=pk), status=400, action_error=str(error))
        messages.success(request, text)
        return redirect(article.get_staff_url())
