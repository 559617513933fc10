"""factory_boy factories for market notices: notices, distribution lists, subscriptions and deliveries.

``NoticeFactory`` writes the row straight to the table (a draft, or with ``published=True`` a published notice with
its ID and publication time), for pages and selectors that only read notices. A notice's ID thread and numbering,
its review and its fan-out to the lists only come from ``notices.services``: the ``draft_factory`` and ``publish``
fixtures (``tests/notices/conftest.py``) build notices through them.
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from notices.models import DistributionList, Notice, NoticeDelivery, NoticeStatus, NoticeType, Subscription


class NoticeFactory(factory.django.DjangoModelFactory):
    """A notice of the first seeded type. Traits: ``draft`` (the default status), ``published`` (ID ``M-T…``,
    published ``days_ago`` days ago, default 3), ``requires_action``."""

    class Meta:
        model = Notice
        skip_postgeneration_save = True

    class Params:
        days_ago = 3
        draft = factory.Trait(status=NoticeStatus.DRAFT)
        published = factory.Trait(
            status=NoticeStatus.PUBLISHED,
            notice_id=factory.Sequence(lambda n: f"M-T{n:05d}-01"),
            published_at=factory.LazyAttribute(lambda o: timezone.now() - datetime.timedelta(days=o.days_ago)),
        )
        requires_action = factory.Trait(action_required="Reply by Friday.")

    notice_type = factory.LazyFunction(lambda: NoticeType.objects.order_by("pk").first())
    short_description = "Metrics test notice"
    long_description = "Body."
    status = NoticeStatus.DRAFT

    @factory.post_generation
    def lists(self, create, extracted, **kwargs):
        if create and extracted:
            self.lists.set(extracted)


class DistributionListFactory(factory.django.DjangoModelFactory):
    """A list of its own that no notice type is routed to (so only notices naming it reach it)."""

    class Meta:
        model = DistributionList
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"NOTICE_TEST_{n}")
    description = "Test list"
    contact_roles = factory.LazyFunction(list)


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """An address on a list (default confirmed; ``pending=True``: awaiting the double opt-in)."""

    class Meta:
        model = Subscription

    class Params:
        pending = factory.Trait(status=Subscription.Status.PENDING)

    distribution_list = factory.SubFactory(DistributionListFactory)
    email = factory.Sequence(lambda n: f"subscriber{n}@example.com")
    status = Subscription.Status.CONFIRMED


class NoticeDeliveryFactory(factory.django.DjangoModelFactory):
    """One address's copy of a published notice (default pending; ``sent=True``)."""

    class Meta:
        model = NoticeDelivery

    class Params:
        sent = factory.Trait(status=NoticeDelivery.Status.SENT, sent_at=factory.LazyFunction(timezone.now))

    notice = factory.SubFactory(NoticeFactory, published=True)
    email = factory.Sequence(lambda n: f"recipient{n}@example.com")
