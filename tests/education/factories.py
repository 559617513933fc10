"""Factories of the education app: knowledge base articles and votes, market rule sections, revision requests and
citations (rows written directly, as the services would have left them)."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from cases.models import CaseCategory
from education.models import (
    Article,
    ArticleStatus,
    ArticleVisibility,
    ArticleVote,
    Citation,
    RevisionKind,
    RevisionRequest,
    RevisionStatus,
    RuleDocument,
    RuleSection,
)
from education.services.knowledge import article_index


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published public article (``draft``/``in_review``/``portal`` traits); indexed for full-text search."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=ArticleStatus.DRAFT, published_at=None)
        in_review = factory.Trait(status=ArticleStatus.IN_REVIEW, published_at=None)
        portal = factory.Trait(visibility=ArticleVisibility.PORTAL)
        overdue = factory.Trait(
            review_by=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
        )

    slug = factory.Sequence(lambda n: f"article-{n}")
    title = factory.Sequence(lambda n: f"How to do thing {n}")
    summary = "A short answer."
    body = "The **answer** is here."
    category = factory.LazyFunction(lambda: CaseCategory.objects.order_by("pk").first())
    visibility = ArticleVisibility.PUBLIC
    status = ArticleStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    review_by = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))

    @factory.post_generation
    def indexed(obj, create, extracted, **kwargs):
        if create:
            article_index(obj)


class ArticleVoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleVote

    article = factory.SubFactory(ArticleFactory)
    session_key = factory.Sequence(lambda n: f"session-{n}")
    helpful = True


class RuleSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RuleSection

    document = RuleDocument.RETAIL_MARKET_GUIDE
    number = factory.Sequence(lambda n: f"7.{n}")
    title = factory.Sequence(lambda n: f"Section {n}")


class RevisionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RevisionRequest

    kind = RevisionKind.NPRR
    number = factory.Sequence(lambda n: 1000 + n)
    title = factory.Sequence(lambda n: f"Revision {n}")
    status = RevisionStatus.PENDING


class CitationFactory(factory.django.DjangoModelFactory):
    """A case citing a revision request (pass ``section=`` with ``revision_request=None`` for a section)."""

    class Meta:
        model = Citation

    revision_request = factory.SubFactory(RevisionRequestFactory)
    case = factory.SubFactory("tests.cases.factories.CaseFactory")
