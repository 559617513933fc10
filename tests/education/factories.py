"""factory_boy factories for courses, sessions and enrolments (rows written straight to the tables; the
workflows go through ``education.services``)."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from education.models import Course, CourseFormat, CourseLevel, CourseSession, Enrolment, EnrolmentStatus
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
