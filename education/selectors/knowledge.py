"""Reading the knowledge base: search (PostgreSQL full text, icontains on SQLite), suggestions for the inquiry
form, the staff lists (in review, due for review, to improve) and the deflection metrics."""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import Count, F, Q, QuerySet

from ercot_services.core.search import text_search

from ..models import Article, ArticleStatus, Deflection, DeflectionOutcome

ARTICLE_FIELDS = {"title": "A", "summary": "B", "body": "C"}
SUGGESTIONS = 3
# An article is "to improve" when at least this many readers answered and at most this share found it helpful.
MIN_VOTES = 3
LOW_HELPFUL_RATIO = 0.5


def search_articles(queryset: QuerySet[Article], q: str) -> QuerySet[Article]:
    """The knowledge base's search (``core.search.text_search``) on the stored, GIN-indexed document."""
    return text_search(
        queryset,
        q,
        fields={"title": "A", "summary": "B", "body": "C"},
        order=("title", "pk"),
        document="search_document",
    )


def kb_articles(*, user, q: str = "", category=None) -> QuerySet[Article]:
    articles = Article.objects.visible_to(user).select_related("category")
    if category is not None:
        articles = articles.filter(category=category)
    return search_articles(articles, q)


def kb_suggestions(*, user, q: str, category=None) -> list[Article]:
    """Up to three published articles for what the person is typing: the best matches in the category first, then
    anywhere (words joined with OR, so a long subject still finds something on PostgreSQL)."""
    words = [word for word in (q or "").split() if len(word) > 2][:12]
    if not words:
        return []
    found = list(
        text_search(
            Article.objects.visible_to(user),
            " ".join(words),
            fields=ARTICLE_FIELDS,
            order=("title", "pk"),
            document="search_document",
            any_word=True,
        )[: SUGGESTIONS * 2]
    )
    if category is not None:
        found.sort(key=lambda article: article.category_id != category.pk)  # stable: the rank order stays
    return found[:SUGGESTIONS]


def with_votes(queryset: QuerySet[Article]) -> QuerySet[Article]:
    return queryset.annotate(
        helpful_yes=Count("votes", filter=Q(votes__helpful=True)),
        helpful_no=Count("votes", filter=Q(votes__helpful=False)),
    )


def articles_for_staff(*, status: str = "", q: str = "") -> QuerySet[Article]:
    articles = Article.objects.select_related("category", "author")
    if status:
        articles = articles.filter(status=status)
    return search_articles(articles, q) if q else articles.order_by("-updated_at", "-pk")


def articles_to_improve(*, today: datetime.date) -> QuerySet[Article]:
    """Published articles readers found unhelpful (at least ``MIN_VOTES`` answers, at most half helpful) or past
    their review date: the least helpful first."""
    articles = with_votes(Article.objects.published().select_related("category")).annotate(
        votes_total=F("helpful_yes") + F("helpful_no")
    )
    low = Q(votes_total__gte=MIN_VOTES, helpful_yes__lte=F("votes_total") * LOW_HELPFUL_RATIO)
    return articles.filter(low | Q(review_by__lt=today)).order_by("review_by", "pk")


@dataclasses.dataclass(frozen=True)
class DeflectionRow:
    category: str
    shown: int
    answered: int
    filed: int

    @property
    def rate(self) -> float | None:
        decided = self.answered + self.filed
        return round(100 * self.answered / decided, 1) if decided else None


@dataclasses.dataclass(frozen=True)
class DeflectionMetrics:
    rows: list[DeflectionRow]
    total: DeflectionRow


def deflection_metrics(*, start: datetime.datetime, end: datetime.datetime) -> DeflectionMetrics:
    """Per case category: the articles shown to MPs writing an inquiry, how often one answered the question (no
    case filed) and how often they filed anyway; one query whatever the number of rows."""
    rows = [
        DeflectionRow(
            category=row["category__name"] or "No category", **{k: row[k] for k in ("shown", "answered", "filed")}
        )
        for row in Deflection.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("category__name")
        .annotate(
            shown=Count("articles_shown"),
            answered=Count("pk", filter=Q(outcome=DeflectionOutcome.ANSWERED), distinct=True),
            filed=Count("pk", filter=Q(outcome=DeflectionOutcome.FILED), distinct=True),
        )
        .order_by("category__name")
    ]
    total = DeflectionRow(
        category="All categories",
        shown=sum(r.shown for r in rows),
        answered=sum(r.answered for r in rows),
        filed=sum(r.filed for r in rows),
    )
    return DeflectionMetrics(rows=rows, total=total)


def staff_article_counts(*, today: datetime.date) -> dict[str, int]:
    return Article.objects.aggregate(
        in_review=Count("pk", filter=Q(status=ArticleStatus.IN_REVIEW)),
        due=Count("pk", filter=Q(status=ArticleStatus.PUBLISHED, review_by__lt=today)),
    )
