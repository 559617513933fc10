"""factory_boy factories of the education app: courses, sessions and enrolments; knowledge base articles and votes,
market rule sections, revision requests and citations (rows written straight to the tables, as the services would
have left them; the workflows go through ``education.services``)."""

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
    Course,
    CourseFormat,
    CourseLevel,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    RevisionKind,
    RevisionRequest,
    RevisionStatus,
    RuleDocument,
    RuleSection,
)
from education.services.knowledge import article_index
from tests.accounts.factories import MembershipFactory, StaffFactory


class CourseFactory(factory.django.DjangoModelFactory):
    """A published course; ``audience_codes=["REP"]`` sets the market roles it is meant for."""

    class Meta:
        model = Course
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Retail market course {n}")
    slug = factory.Sequence(lambda n: f"retail-market-course-{n}")
    summary = "How the retail market works, from enrollment to switch holds."
    description = "Switch holds, move-ins and move-outs, MarkeTrak issues."
    level = CourseLevel.INTRODUCTORY
    format = CourseFormat.INSTRUCTOR_LED
    duration_minutes = 90
    is_published = True

    @factory.post_generation
    def audience_codes(self, create, extracted, **kwargs):
        if create and extracted:
            from accounts.models import MarketRole

            self.audience.set(MarketRole.objects.filter(code__in=extracted))


class CourseSessionFactory(factory.django.DjangoModelFactory):
    """A session a week from now, two hours, enrolment open until the day before."""

    class Meta:
        model = CourseSession

    course = factory.SubFactory(CourseFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    enrolment_deadline = factory.LazyAttribute(lambda o: o.starts_at - datetime.timedelta(days=1))
    capacity = 10
    location = "ERCOT Met Center, Taylor"
    instructor = factory.SubFactory(StaffFactory, groups=["Account Manager"])


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    session = factory.SubFactory(CourseSessionFactory)
    participant = factory.LazyAttribute(lambda o: MembershipFactory().participant)
    user = factory.LazyAttribute(lambda o: MembershipFactory(participant=o.participant, secondary=True).user)
    status = EnrolmentStatus.ENROLLED


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
