"""Double opt-in (48 hours) and the suppression list, honoured on every send."""

from __future__ import annotations

import datetime
import time
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from ercot_services.core.models import AuditEvent, DomainError
from notices.events import NoticeEvent
from notices.models import NoticeDelivery, Subscription, Suppression
from notices.services import subscription_confirm, subscription_request, suppression_add
from notices.services.subscriptions import _subscribe_token
from notices.tasks import send_notice_chunk

from .conftest import subscribe

HOUR = 3600


def _later(seconds):
    now = time.time()
    return mock.patch("django.core.signing.time.time", return_value=now + seconds)


def test_request_sends_a_confirmation_link(public_list, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        subscription = subscription_request(email=" New@Example.com ", distribution_list=public_list)
    assert subscription.status == Subscription.Status.PENDING and subscription.email == "new@example.com"
    assert len(mail.outbox) == 1 and "/notices/lists/confirm/" in mail.outbox[0].body
    assert _subscribe_token(subscription).split(":")[0] == str(subscription.pk)


def test_twenty_requests_for_one_address_and_list_send_one_confirmation(
    public_list, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(20):
            subscription_request(email="victim@example.com", distribution_list=public_list)
    assert [m.to for m in mail.outbox] == [["victim@example.com"]]


def test_a_request_an_hour_later_resends_the_same_link(public_list, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        subscription = subscription_request(email="slow@example.com", distribution_list=public_list)
    Subscription.objects.filter(pk=subscription.pk).update(
        confirmation_sent_at=subscription.confirmation_sent_at - datetime.timedelta(minutes=61)
    )
    with django_capture_on_commit_callbacks(execute=True):
        subscription_request(email="slow@example.com", distribution_list=public_list)
        subscription_request(email="slow@example.com", distribution_list=public_list)
    assert len(mail.outbox) == 2 and mail.outbox[0].body == mail.outbox[1].body
    assert subscription.confirmation_token in mail.outbox[1].body


def test_a_request_after_the_link_expired_sends_a_new_link(public_list, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        subscription_request(email="late@example.com", distribution_list=public_list)
    with (
        _later(48 * HOUR + 60),
        mock.patch(
            "notices.services.subscriptions.timezone.now", return_value=timezone.now() + datetime.timedelta(hours=49)
        ),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            subscription = subscription_request(email="late@example.com", distribution_list=public_list)
        assert subscription_confirm(token=subscription.confirmation_token).status == Subscription.Status.CONFIRMED
    assert len(mail.outbox) == 2 and mail.outbox[0].body != mail.outbox[1].body


def test_an_address_already_subscribed_is_sent_nothing(public_list, django_capture_on_commit_callbacks):
    subscribe(public_list, "member@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        subscription_request(email="member@example.com", distribution_list=public_list)
    assert mail.outbox == []


def test_confirm_within_48_hours(public_list):
    subscription = subscription_request(email="new@example.com", distribution_list=public_list)
    token = _subscribe_token(subscription)
    with _later(47 * HOUR):
        confirmed = subscription_confirm(token=token)
    assert confirmed.status == Subscription.Status.CONFIRMED and confirmed.confirmed_at


def test_confirm_after_48_hours_is_refused(public_list):
    subscription = subscription_request(email="late@example.com", distribution_list=public_list)
    token = _subscribe_token(subscription)
    with _later(48 * HOUR + 60), pytest.raises(DomainError, match="expired"):
        subscription_confirm(token=token)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING


def test_tampered_token_is_refused(public_list):
    subscription = subscription_request(email="x@example.com", distribution_list=public_list)
    with pytest.raises(DomainError, match="not valid"):
        subscription_confirm(token=_subscribe_token(subscription) + "x")


def test_pending_subscriptions_receive_nothing(publish, public_list):
    subscription_request(email="pending@example.com", distribution_list=public_list)
    subscribe(public_list, "confirmed@example.com")
    notice = publish(lists=[public_list])
    assert list(NoticeDelivery.objects.filter(notice=notice).values_list("email", flat=True)) == [
        "confirmed@example.com"
    ]


def test_private_lists_refuse_public_subscription(lists):
    lst = lists["NOTICE_CREDIT"]
    lst.is_public = False
    lst.save()
    with pytest.raises(DomainError):
        subscription_request(email="x@example.com", distribution_list=lst)


def test_suppression_after_publication_is_honoured_by_the_chunk(
    publish, public_list, django_capture_on_commit_callbacks
):
    subscribe(public_list, "a@example.com", "b@example.com", "c@example.com")
    with django_capture_on_commit_callbacks(execute=False):  # the fan-out has not run yet
        notice = publish(lists=[public_list])
    suppression_add(email="B@example.com", reason=Suppression.Reason.HARD_BOUNCE)
    # Written directly (not through the service), as an import or another path might.
    Suppression.objects.create(email="c@example.com", reason=Suppression.Reason.COMPLAINT)
    send_notice_chunk(notice_id=notice.pk)
    assert [m.to for m in mail.outbox] == [["a@example.com"]]
    rows = dict(NoticeDelivery.objects.filter(notice=notice).values_list("email", "status"))
    assert rows == {"a@example.com": "sent", "b@example.com": "failed", "c@example.com": "failed"}


def test_confirming_again_lifts_an_unsubscribe_suppression(public_list):
    Suppression.objects.create(email="back@example.com", reason=Suppression.Reason.UNSUBSCRIBED)
    subscription = subscription_request(email="back@example.com", distribution_list=public_list)
    subscription_confirm(token=_subscribe_token(subscription))
    assert not Suppression.objects.filter(email="back@example.com").exists()


def test_a_suppression_is_audited_with_why_and_how_many_deliveries_it_stopped(
    publish, public_list, django_capture_on_commit_callbacks
):
    subscribe(public_list, "a@example.com", "b@example.com")
    with django_capture_on_commit_callbacks(execute=False):
        publish(lists=[public_list])

    suppression = suppression_add(email=" B@Example.com ", reason=Suppression.Reason.HARD_BOUNCE, detail="550 5.1.1")

    event = AuditEvent.objects.get(verb=NoticeEvent.NOTICE_ADDRESS_SUPPRESSED)
    assert event.target_object_id == str(suppression.pk) and event.actor is None and event.reason == "550 5.1.1"
    assert event.changes == {"reason": [None, "hard_bounce"], "pending_deliveries_stopped": [None, 1]}
