"""Fixtures for the market notice tests: publishers, lists, subscribers and notices through the services."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.models import ContactRole
from notices.models import DistributionList, NoticeType, Subscription
from notices.services import NoticeInput, notice_approve, notice_create, notice_publish, notice_submit_for_review
from tests.accounts.factories import MembershipFactory, StaffFactory
from tests.notices.factories import DistributionListFactory, SubscriptionFactory

CT = ZoneInfo("America/Chicago")


def ct(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=CT)


@pytest.fixture(autouse=True)
def _rate_limits_reset():
    """Each test starts with no counted subscribe requests (the limits live in the shared cache)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def reference_data(db):
    """Re-run the seed migrations (transactional tests flush the rows data migrations wrote)."""
    from tests.reference_data import reseed_reference_data

    reseed_reference_data()


@pytest.fixture
def publisher(db):
    return StaffFactory(groups=["Notice Publisher"])


@pytest.fixture
def approver(db):
    return StaffFactory(groups=["Notice Publisher"])


@pytest.fixture
def types(db):
    return {t.name: t for t in NoticeType.objects.all()}


@pytest.fixture
def lists(db):
    return {dl.name: dl for dl in DistributionList.objects.all()}


@pytest.fixture
def credit(types):
    return types["Financial/Credit"]


@pytest.fixture
def public_list(db):
    """A list no notice type is routed to, so only notices naming it reach it."""
    return DistributionListFactory(name="NOTICE_TEST")


def subscribe(dl, *emails, status=Subscription.Status.CONFIRMED):
    return [SubscriptionFactory(distribution_list=dl, email=e, status=status) for e in emails]


@pytest.fixture
def draft_factory(publisher, credit):
    """``draft_factory(**fields)``: a draft through ``notice_create`` (a fixture calling the service, not a
    factory_boy factory: the services give a notice its thread and ID; ``NoticeFactory`` writes rows directly)."""

    def make(**kwargs):
        kwargs.setdefault("notice_type", credit)
        kwargs.setdefault("short_description", "TPE calculations affected by ERS resettlements")
        kwargs.setdefault("long_description", "ERCOT removed the affected Operating Day.")
        actor = kwargs.pop("actor", publisher)
        return notice_create(actor=actor, data=NoticeInput(**kwargs))

    return make


@pytest.fixture
def publish(publisher, approver, draft_factory):
    """Draft, review, approve (another publisher) and publish a notice; returns it."""

    def run(notice=None, *, now=None, **kwargs):
        notice = notice or draft_factory(**kwargs)
        notice_submit_for_review(actor=notice.author, notice=notice)
        other = approver if notice.author_id != approver.pk else publisher
        notice_approve(actor=other, notice=notice)
        return notice_publish(actor=other, notice=notice, now=now)

    return run


@pytest.fixture
def credit_contact(db):
    """An MP (REP) with a credit contact: a member of NOTICE_CREDIT by role."""
    return MembershipFactory(participant__role_codes=["REP", "LSE"], contact_role=ContactRole.CREDIT).user
