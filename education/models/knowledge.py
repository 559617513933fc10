"""The knowledge base: articles (Markdown, in the case categories, public or portal-only, reviewed by a second
person before publication), the "Was this helpful?" votes, and the deflections of the portal's inquiry form."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ercot_services.core.models import BoundedTextField, TimeStampedModel
from ercot_services.core.text_limits import LONG_TEXT, NOTE_TEXT


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


# The whole workflow: a second person with the publish permission publishes an article in review (four eyes).
ARTICLE_TRANSITIONS: dict[str, frozenset[str]] = {
    ArticleStatus.DRAFT: frozenset({ArticleStatus.IN_REVIEW, ArticleStatus.ARCHIVED}),
    ArticleStatus.IN_REVIEW: frozenset({ArticleStatus.DRAFT, ArticleStatus.PUBLISHED}),
    ArticleStatus.PUBLISHED: frozenset({ArticleStatus.DRAFT, ArticleStatus.ARCHIVED}),
    ArticleStatus.ARCHIVED: frozenset({ArticleStatus.DRAFT}),
}


class ArticleVisibility(models.TextChoices):
    PUBLIC = "public", "Public"
    PORTAL = "portal", "Portal only (signed-in Market Participants and staff)"


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ArticleStatus.PUBLISHED)

    def visible_to(self, user):
        """Published articles ``user`` may read: public ones for everyone, portal-only ones for signed-in users
        (participant users and staff)."""
        articles = self.published()
        if user is None or not user.is_authenticated:
            return articles.filter(visibility=ArticleVisibility.PUBLIC)
        return articles

    def due_for_review(self, today):
        return self.filter(status=ArticleStatus.PUBLISHED, review_by__lt=today)


class Article(TimeStampedModel):
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True, help_text="One or two sentences shown in lists.")
    body = BoundedTextField(max_length=LONG_TEXT, help_text="Markdown: headings, lists, links and tables.")
    category = models.ForeignKey("cases.CaseCategory", on_delete=models.PROTECT, related_name="articles")
    visibility = models.CharField(max_length=10, choices=ArticleVisibility.choices, default=ArticleVisibility.PUBLIC)
    status = models.CharField(max_length=12, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    review_by = models.DateField(help_text="Check the article is still right by this date.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    source_case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # PostgreSQL's full-text document (title A, summary B, body C), written by the services; a GIN index on
    # PostgreSQL (the migration), unused on SQLite (icontains there).
    search_document = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        indexes = [
            models.Index(fields=["status", "visibility"], name="article_status_visibility_idx"),
            models.Index(fields=["category", "status"], name="article_category_status_idx"),
            models.Index(fields=["status", "review_by"], name="article_review_idx"),
        ]
        permissions = [("publish_article", "Can approve and publish knowledge base articles (four eyes)")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("education:kb-article", args=[self.slug])

    def get_staff_url(self):
        return reverse("workspace:kb-article", args=[self.pk])


class ArticleVote(models.Model):
    """One "Was this helpful?" answer: per signed-in user, or per browser session for anonymous readers."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    session_key = models.CharField(max_length=64, blank=True)
    helpful = models.BooleanField()
    comment = BoundedTextField(max_length=NOTE_TEXT, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"], condition=Q(user__isnull=False), name="one_vote_per_user"
            ),
            models.UniqueConstraint(
                fields=["article", "session_key"], condition=Q(user__isnull=True), name="one_vote_per_session"
            ),
        ]

    def __str__(self):
        return f"{'Helpful' if self.helpful else 'Not helpful'}: {self.article_id}"


class DeflectionOutcome(models.TextChoices):
    ANSWERED = "answered", "Answered: no case filed"
    FILED = "filed", "Filed anyway"


class Deflection(models.Model):
    """What the inquiry form's suggestions did: an article answered the question (no case), or the MP filed anyway."""

    participant = models.ForeignKey("accounts.MarketParticipant", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    category = models.ForeignKey(
        "cases.CaseCategory", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=10, choices=DeflectionOutcome.choices)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="deflections")
    articles_shown = models.ManyToManyField(Article, blank=True, related_name="+")
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="kb_deflection"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_at", "outcome"], name="deflection_created_idx")]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.subject}"
