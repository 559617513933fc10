"""The quarterly access review: opened once per MP per quarter, confirmed by the USA, closed when due by suspending
whoever was not confirmed, kept as an audit record, and shown on the MP's 360° page."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.error_codes import AccountErrorCode
from accounts.events import AccountEvent
from accounts.models import (
    AccessReview,
    AccessReviewOutcome,
    ContactRole,
    PortalAccess,
    PortalAccessStatus,
)
from accounts.services.access import NOT_CONFIRMED_IN_REVIEW
from accounts.tasks import run_access_reviews
from ercot_services.core.models import AuditEvent, DomainError, OutboundEmail
from ercot_services.core.permissions import ActionNotAllowed
from tests.accounts.factories import MembershipFactory

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
QUARTER_START = datetime.datetime(2026, 10, 1, 6, 15, tzinfo=TZ)


@pytest.fixture
def usa(participant):
    return MembershipFactory(participant=participant, usa=True).user


@pytest.fixture
def people(participant):
    return [
        MembershipFactory(participant=participant, contact_role=ContactRole.SETTLEMENT).user,
        MembershipFactory(participant=participant, contact_role=ContactRole.CREDIT).user,
    ]


def _status(participant, user):
    return PortalAccess.objects.get(participant=participant, user=user).status


def test_the_daily_task_opens_one_review_per_mp_per_quarter_and_emails_the_usa(usa, people, participant):
    with time_machine.travel(QUARTER_START, tick=False):
        assert run_access_reviews() == {"closed": 0, "opened": 1}
        assert run_access_reviews() == {"closed": 0, "opened": 0}
    with time_machine.travel(QUARTER_START + datetime.timedelta(days=5), tick=False):
        assert run_access_reviews()["opened"] == 0
    review = AccessReview.objects.get(participant=participant)
    assert review.quarter == "2026-Q4" and review.is_open
    assert review.due_at == QUARTER_START + datetime.timedelta(days=30)
    assert set(review.entries.values_list("user_id", flat=True)) == {usa.pk, *[p.pk for p in people]}
    email = OutboundEmail.objects.get(key=f"accounts:access-review:{review.pk}:opened")
    assert email.to == [usa.email] and "/portal/people/review/" in email.body
    assert AuditEvent.objects.filter(verb=AccountEvent.ACCESS_REVIEW_OPENED, participant=participant).count() == 1


def test_an_mp_without_anyone_to_review_gets_no_review(other_participant):
    with time_machine.travel(QUARTER_START, tick=False):
        run_access_reviews()
    assert not AccessReview.objects.filter(participant=other_participant).exists()


def test_closing_suspends_the_unconfirmed_and_keeps_the_record(usa, people, participant, account_manager):
    confirmed, forgotten = people
    with time_machine.travel(QUARTER_START, tick=False):
        review = services.access_review_open(actor=None, participant=participant)
        assert services.access_review_confirm(actor=usa, review=review, user_ids=[usa.pk, confirmed.pk]) == 2
        assert services.access_review_confirm(actor=usa, review=review, user_ids=[confirmed.pk]) == 0
    with time_machine.travel(QUARTER_START + datetime.timedelta(days=29), tick=False):
        assert run_access_reviews()["closed"] == 0
    with time_machine.travel(QUARTER_START + datetime.timedelta(days=30, hours=1), tick=False):
        assert run_access_reviews()["closed"] == 1
        assert run_access_reviews()["closed"] == 0

    review.refresh_from_db()
    assert not review.is_open and review.outcome == AccessReviewOutcome.USERS_SUSPENDED
    assert _status(participant, forgotten) == PortalAccessStatus.SUSPENDED
    assert _status(participant, confirmed) == PortalAccessStatus.ACTIVE
    assert PortalAccess.objects.get(participant=participant, user=confirmed).last_confirmed_at is not None
    suspension = AuditEvent.objects.get(verb=AccountEvent.PORTAL_ACCESS_SUSPENDED)
    assert suspension.actor is None and suspension.reason == NOT_CONFIRMED_IN_REVIEW
    assert review.entries.get(user=forgotten).suspended_at is not None
    verbs = set(AuditEvent.objects.for_object(review).values_list("verb", flat=True))
    assert verbs == {
        AccountEvent.ACCESS_REVIEW_OPENED,
        AccountEvent.ACCESS_REVIEW_CONFIRMED,
        AccountEvent.ACCESS_REVIEW_CLOSED,
    }


def test_the_last_usa_is_kept_even_unconfirmed(usa, participant):
    with time_machine.travel(QUARTER_START, tick=False):
        review = services.access_review_open(actor=None, participant=participant)
    review = services.access_review_close(review=review)
    assert _status(participant, usa) == PortalAccessStatus.ACTIVE
    assert review.outcome == AccessReviewOutcome.ALL_CONFIRMED
    closed = AuditEvent.objects.get(verb=AccountEvent.ACCESS_REVIEW_CLOSED)
    assert str(usa) in str(closed.changes)


def test_a_closed_review_takes_no_confirmation(usa, participant, people):
    review = services.access_review_open(actor=None, participant=participant)
    services.access_review_close(review=review)
    with pytest.raises(DomainError) as refused:
        services.access_review_confirm(actor=usa, review=review, user_ids=[people[0].pk])
    assert refused.value.code == AccountErrorCode.REVIEW_CLOSED


def test_only_the_mps_usa_confirms(participant, people, other_participant):
    review = services.access_review_open(actor=None, participant=participant)
    other_usa = MembershipFactory(participant=other_participant, usa=True).user
    with pytest.raises(ActionNotAllowed):
        services.access_review_confirm(actor=other_usa, review=review, user_ids=[people[0].pk])
    with pytest.raises(ActionNotAllowed):
        services.access_review_confirm(actor=people[0], review=review, user_ids=[people[0].pk])


def test_the_usa_sees_the_banner_and_confirms_on_the_review_page(client, usa, people, participant):
    review = services.access_review_open(actor=None, participant=participant)
    client.force_login(usa)
    home = client.get(reverse("portal:home")).content.decode()
    assert "access-review-banner" in home
    page = client.get(reverse("portal:access-review"))
    assert page.status_code == 200 and people[0].full_name in page.content.decode()
    response = client.post(reverse("portal:access-review"), {"users": [p.pk for p in people]})
    assert response.status_code == 302
    assert review.entries.filter(confirmed_at__isnull=False).count() == 2
    bad = client.post(reverse("portal:access-review"), {"users": ["999999"]})
    assert bad.status_code == 400


def test_other_portal_users_see_no_banner(client, usa, people, participant):
    services.access_review_open(actor=None, participant=participant)
    client.force_login(people[0])
    assert "access-review-banner" not in client.get(reverse("portal:home")).content.decode()


def test_the_am_sees_the_review_and_who_it_suspended_on_the_360_page(
    client, staff_user, usa, people, participant, django_assert_max_num_queries
):
    review = services.access_review_open(actor=None, participant=participant)
    services.access_review_close(review=review)
    client.force_login(staff_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("workspace:participant-section", args=[participant.pk, "access"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert review.quarter in page and people[0].full_name in page and people[1].full_name in page
    detail = client.get(reverse("workspace:participant-detail", args=[participant.pk])).content.decode()
    assert reverse("workspace:participant-section", args=[participant.pk, "access"]) in detail


def test_the_command_opens_a_review_now(usa, people, participant, capsys):
    call_command("open_access_review", participant.short_name)
    assert AccessReview.objects.filter(participant=participant).count() == 1
    call_command("open_access_review", participant.short_name, "--close")
    assert not AccessReview.objects.get(participant=participant).is_open
