"""The public knowledge base (``/education/kb/``): search, articles, and "Was this helpful?"."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views import View

from ercot_services.core.markdown import markdown_to_safe_html
from ercot_services.core.models import DomainError
from ercot_services.core.ratelimit import client_ip, rate_limited

from ...forms.public.knowledge import ArticleVoteForm, KnowledgeSearchForm
from ...models import Article
from ...selectors.knowledge import kb_articles
from ...selectors.rules import citations_of
from ...services.knowledge import article_vote

PAGE_SIZE = 20


def render_article_body(article: Article) -> str:
    """The article's Markdown as sanitised HTML (tables kept; scripts, handlers and ``javascript:`` links removed)."""
    return mark_safe(markdown_to_safe_html(article.body, extensions=("sane_lists", "tables")))  # noqa: S308


class KnowledgeBaseView(View):
    def get(self, request):
        form = KnowledgeSearchForm(request.GET or None)
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        q, category = data.get("q", ""), data.get("category")
        page = Paginator(kb_articles(user=request.user, q=q, category=category), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "education/kb/list.html",
            {"form": form, "page_obj": page, "q": q, "filtered": bool(q or category), "querystring": query.urlencode()},
        )


def _visible_article(request, slug: str) -> Article:
    return get_object_or_404(Article.objects.visible_to(request.user).select_related("category"), slug=slug)


class ArticleView(View):
    def get(self, request, slug):
        article = _visible_article(request, slug)
        return render(request, "education/kb/article.html", _article_context(request, article, ArticleVoteForm()))

    def post(self, request, slug):
        """The "Was this helpful?" answer: one per user or session; anonymous readers are rate-limited."""
        article = _visible_article(request, slug)
        form = ArticleVoteForm(request.POST)
        anonymous = not request.user.is_authenticated
        if anonymous and rate_limited(
            f"kb-vote:{client_ip(request)}", limit=settings.KB_ANONYMOUS_VOTES_PER_HOUR, window_seconds=3600
        ):
            form.is_valid()
            form.add_error(None, "Too many answers from this address: try again in an hour.")
            return render(request, "education/kb/article.html", _article_context(request, article, form), status=429)
        if form.is_valid():
            if anonymous and not request.session.session_key:
                request.session.save()
            try:
                article_vote(
                    actor=request.user,
                    article=article,
                    helpful=form.cleaned_data["helpful"],
                    comment=form.cleaned_data["comment"],
                    session_key=request.session.session_key or "",
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Thank you: your answer helps us improve this article.")
                return redirect(article.get_absolute_url())
        return render(request, "education/kb/article.html", _article_context(request, article, form), status=400)


def _article_context(request, article: Article, form) -> dict:
    return {
        "article": article,
        "body_html": render_article_body(article),
        "form": form,
        "citations": citations_of(article=article),
    }
