"""Webhook deliveries: signed per Standard Webhooks (checked with the reference library), written for the audit
events that are webhook events (only to the MP's own subscribed, enabled endpoints; once per event), rotation's
double signature, retries with backoff, failing for good, disabling a failing endpoint with an email to its USAs,
re-sending, and no second POST when the task runs twice."""

import datetime
import json

import pytest
import time_machine
from django.utils import timezone
from standardwebhooks import Webhook, WebhookVerificationError

from api.models import WebhookAttempt, WebhookDelivery, WebhookEventType
from api.tasks import deliver_webhook
from api.webhooks import services
from api.webhooks.fanout import webhook_fanout
from api.webhooks.mapping import webhook_event_for
from api.webhooks.sending import webhook_delivery_attempt
from cases.events import CaseEvent
from cases.models import CaseStatus
from cases.services import case_reply, case_resolve
from ercot_services.core import delivery_recovery
from ercot_services.core.delivery import DeliveryStatus
from ercot_services.core.delivery_recovery import outbox_sweep
from ercot_services.core.models import AuditEvent, OutboundEmail
from tests.cases.factories import SubmittedCaseFactory

from .factories import WebhookDeliveryFactory, WebhookEndpointFactory

pytestmark = pytest.mark.django_db

E = WebhookEventType


@pytest.fixture
def endpoint(participant, receiver):
    endpoint = WebhookEndpointFactory(participant=participant, url=receiver.url)
    receiver.secret = endpoint.secret
    return endpoint


def _file_case(mp_user, participant, capture):
    with capture(execute=True):
        return SubmittedCaseFactory(actor=mp_user, participant=participant)


def test_a_delivery_is_signed_as_the_reference_library_verifies_it(endpoint, receiver):
    delivery = WebhookDeliveryFactory(endpoint=endpoint, payload={"type": "case.created", "data": {"a": "é"}})

    outcome = webhook_delivery_attempt(delivery_id=delivery.pk)

    assert outcome.status == DeliveryStatus.SENT
    (request,) = receiver.requests
    assert request.headers["webhook-id"] == delivery.event_id
    assert request.headers["content-type"] == "application/json"
    assert Webhook(endpoint.secret).verify(request.body, request.headers) == {
        "type": "case.created",
        "data": {"a": "é"},
    }
    tampered = dict(request.headers, **{"webhook-id": "msg_other"})
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(request.body, tampered)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("sent", 1, 200)
    assert delivery.sent_at is not None and delivery.claimed_at is None


def test_a_case_filed_through_the_service_is_delivered_to_its_mps_subscribed_endpoints_only(
    participant, other_participant, mp_user, receiver, django_capture_on_commit_callbacks
):
    subscribed = WebhookEndpointFactory(participant=participant, url=receiver.url, event_types=[E.CASE_CREATED])
    WebhookEndpointFactory(participant=participant, url=receiver.url, event_types=[E.NOTICE_PUBLISHED])
    WebhookEndpointFactory(participant=participant, url=receiver.url, enabled=False)
    WebhookEndpointFactory(participant=other_participant, url=receiver.url, event_types=[E.CASE_CREATED])
    receiver.secret = subscribed.secret

    case = _file_case(mp_user, participant, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.endpoint, delivery.event_type, delivery.status) == (subscribed, "case.created", "sent")
    audit = AuditEvent.objects.get(verb=CaseEvent.CASE_SUBMITTED)
    assert delivery.event_id == f"msg_{audit.pk}"
    (request,) = receiver.requests
    assert request.verified
    body = json.loads(request.body)
    assert body["type"] == "case.created" and body["timestamp"]
    assert body["data"]["reference"] == case.reference and body["data"]["status"] == CaseStatus.NEW
    assert body["data"]["description"] == case.description and "messages" in body["data"]


def test_replies_and_status_changes_are_case_events_and_internal_notes_are_not(
    participant, mp_user, account_manager, receiver, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpointFactory(
        participant=participant, url=receiver.url, event_types=[E.CASE_REPLIED, E.CASE_RESOLVED, E.CASE_UPDATED]
    )
    case = _file_case(mp_user, participant, django_capture_on_commit_callbacks)
    staff = account_manager.user
    with django_capture_on_commit_callbacks(execute=True):
        case_reply(actor=staff, case=case, body="We are looking into it.")
        case_reply(actor=staff, case=case, body="Internal: check the statement run.", internal=True)
        case_resolve(actor=staff, case=case, resolution_summary="The statement was reissued.")

    types = list(WebhookDelivery.objects.filter(endpoint=endpoint).order_by("pk").values_list("event_type", flat=True))
    assert "case.replied" in types and types[-1] == "case.resolved" and "case.created" not in types
    replied = json.loads(receiver.requests[types.index("case.replied")].body)
    bodies = [message["body"] for message in replied["data"]["messages"]]
    assert "We are looking into it." in bodies and not any("Internal" in body for body in bodies)


def test_status_changes_map_to_resolved_or_updated_and_other_verbs_to_nothing():
    def event(verb, **changes):
        return webhook_event_for(AuditEvent(verb=verb, changes=changes))

    assert event(CaseEvent.CASE_STATUS_CHANGED, status=["in_progress", "resolved"]).type == E.CASE_RESOLVED
    assert event(CaseEvent.CASE_STATUS_CHANGED, status=["resolved", "in_progress"]).type == E.CASE_UPDATED
    assert event(CaseEvent.CASE_SUBMITTED).type == E.CASE_CREATED
    assert event(CaseEvent.CASE_NOTE_ADDED) is None
    assert event(CaseEvent.CASE_ASSIGNED) is None
    assert event("api_key.created") is None


def test_the_same_event_handled_twice_writes_one_delivery(
    participant, mp_user, endpoint, receiver, django_capture_on_commit_callbacks
):
    _file_case(mp_user, participant, django_capture_on_commit_callbacks)
    audit = AuditEvent.objects.get(verb=CaseEvent.CASE_SUBMITTED)

    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_fanout(audit_event_id=audit.pk) == []

    assert WebhookDelivery.objects.count() == 1 and len(receiver.requests) == 1


def test_during_a_rotation_both_secrets_verify_and_afterwards_only_the_new_one(endpoint, usa, receiver):
    old = endpoint.secret
    endpoint = services.webhook_endpoint_rotate_secret(actor=usa, endpoint=endpoint)
    assert endpoint.secret != old and endpoint.secret.startswith("whsec_")

    webhook_delivery_attempt(delivery_id=WebhookDeliveryFactory(endpoint=endpoint).pk)
    request = receiver.requests[-1]
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    for secret in (old, endpoint.secret):
        Webhook(secret).verify(request.body, request.headers)

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        webhook_delivery_attempt(delivery_id=WebhookDeliveryFactory(endpoint=endpoint).pk)
        request = receiver.requests[-1]
        assert len(request.headers["webhook-signature"].split(" ")) == 1
        Webhook(endpoint.secret).verify(request.body, request.headers)
        with pytest.raises(WebhookVerificationError):
            Webhook(old).verify(request.body, request.headers)
    assert AuditEvent.objects.filter(verb="webhook_endpoint.secret_rotated", changes__has_key="secret").count() == 0


def test_a_failing_endpoint_gets_retries_with_backoff_then_the_delivery_fails(endpoint, receiver, settings):
    settings.WEBHOOK_RETRY_DELAYS = [10, 40]
    receiver.status, receiver.answer = 503, b"x" * 5000
    delivery = WebhookDeliveryFactory(endpoint=endpoint)

    started = timezone.now()
    first = webhook_delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (first.status, first.retry_in) == ("pending", 10)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 503)
    assert (
        started + datetime.timedelta(seconds=10)
        <= delivery.next_attempt_at
        <= timezone.now() + datetime.timedelta(seconds=10)
    )
    assert webhook_delivery_attempt(delivery_id=delivery.pk).status is None  # not due before its backoff
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=11)):
        assert webhook_delivery_attempt(delivery_id=delivery.pk).retry_in == 40
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=52)):
        last = webhook_delivery_attempt(delivery_id=delivery.pk)

    assert (last.status, last.retry_in) == ("failed", None)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert "503" in delivery.last_error
    attempts = list(delivery.attempt_log.all())
    assert [a.status_code for a in attempts] == [503, 503, 503]
    assert len(attempts[0].response_excerpt) == 2048
    assert len(receiver.webhook_ids()) == 3 and set(receiver.webhook_ids()) == {delivery.event_id}
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1 and endpoint.failing_since is not None and endpoint.enabled
    assert webhook_delivery_attempt(delivery_id=delivery.pk).status is None  # failed rows are not sent again


def test_a_receiver_that_cannot_be_reached_is_an_attempt_with_its_error(participant, settings):
    settings.WEBHOOK_RETRY_DELAYS = [5]
    delivery = WebhookDeliveryFactory(endpoint__participant=participant, endpoint__url="http://127.0.0.1:9/hook")

    outcome = webhook_delivery_attempt(delivery_id=delivery.pk)

    attempt = WebhookAttempt.objects.get()
    assert outcome.retry_in == 5 and attempt.status_code is None and "ConnectionError" in attempt.error
    assert WebhookDelivery.objects.get().last_error == attempt.error


def test_an_endpoint_that_keeps_failing_is_disabled_and_its_usas_are_emailed(endpoint, usa, receiver, settings):
    settings.WEBHOOK_RETRY_DELAYS = []
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 2
    receiver.status = 500
    first, second, third = (WebhookDeliveryFactory(endpoint=endpoint) for _ in range(3))

    webhook_delivery_attempt(delivery_id=first.pk)
    endpoint.refresh_from_db()
    assert endpoint.enabled and not OutboundEmail.objects.exists()
    webhook_delivery_attempt(delivery_id=second.pk)

    endpoint.refresh_from_db()
    assert not endpoint.enabled and "2 deliveries in a row failed" in endpoint.disabled_reason
    email = OutboundEmail.objects.get()
    assert email.to == [usa.email] and endpoint.url in email.subject
    assert f"/portal/webhooks/{endpoint.pk}/" in email.body
    assert AuditEvent.objects.filter(verb="webhook_endpoint.disabled", actor=None).count() == 1
    # What was still pending is not sent to a disabled endpoint.
    assert webhook_delivery_attempt(delivery_id=third.pk).status == "failed"
    assert len(receiver.requests) == 2


def test_an_endpoint_failing_every_attempt_for_a_day_is_disabled(endpoint, receiver, settings):
    settings.WEBHOOK_DISABLE_AFTER_SECONDS = 24 * 3600
    receiver.status = 502
    endpoint.failing_since = timezone.now() - datetime.timedelta(hours=24, seconds=1)
    endpoint.save()

    webhook_delivery_attempt(delivery_id=WebhookDeliveryFactory(endpoint=endpoint).pk)

    endpoint.refresh_from_db()
    assert not endpoint.enabled and "every delivery attempt failed since" in endpoint.disabled_reason


def test_a_success_clears_the_failure_record(endpoint, receiver):
    endpoint.consecutive_failures, endpoint.failing_since = 3, timezone.now()
    endpoint.save()

    webhook_delivery_attempt(delivery_id=WebhookDeliveryFactory(endpoint=endpoint).pk)

    endpoint.refresh_from_db()
    assert (endpoint.consecutive_failures, endpoint.failing_since) == (0, None)


def test_a_resend_starts_a_new_cycle_with_the_same_webhook_id(
    endpoint, usa, receiver, django_capture_on_commit_callbacks
):
    delivery = WebhookDeliveryFactory(endpoint=endpoint)
    webhook_delivery_attempt(delivery_id=delivery.pk)

    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_delivery_resend(actor=usa, delivery=delivery)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert receiver.webhook_ids() == [delivery.event_id, delivery.event_id]
    assert delivery.attempt_log.count() == 2
    assert AuditEvent.objects.filter(verb="webhook_delivery.resent", actor=usa).count() == 1


def test_the_task_run_twice_posts_once(endpoint, receiver):
    delivery = WebhookDeliveryFactory(endpoint=endpoint)

    deliver_webhook.apply(kwargs={"delivery_id": delivery.pk})
    deliver_webhook.apply(kwargs={"delivery_id": delivery.pk})

    assert receiver.webhook_ids() == [delivery.event_id]


def test_a_delivery_another_run_holds_is_left_to_it_until_its_claim_expires(endpoint, receiver, settings):
    settings.WEBHOOK_CLAIM_TIMEOUT_SECONDS = 60
    delivery = WebhookDeliveryFactory(endpoint=endpoint, status=DeliveryStatus.CLAIMED, claimed_at=timezone.now())

    assert webhook_delivery_attempt(delivery_id=delivery.pk).status is None
    assert receiver.requests == []

    WebhookDelivery.objects.filter(pk=delivery.pk).update(claimed_at=timezone.now() - datetime.timedelta(minutes=2))
    assert webhook_delivery_attempt(delivery_id=delivery.pk).status == "sent"
    assert len(receiver.requests) == 1


def test_the_sweep_queues_overdue_webhooks_even_while_the_mail_server_is_down(endpoint, monkeypatch):
    overdue = timezone.now() - datetime.timedelta(hours=1)
    WebhookDeliveryFactory(endpoint=endpoint, next_attempt_at=overdue)
    WebhookDeliveryFactory(endpoint=endpoint, next_attempt_at=timezone.now() + datetime.timedelta(minutes=5))
    OutboundEmail.objects.create(key="stranded", to=["a@example.com"], subject="s", body="b", created_at=overdue)
    monkeypatch.setattr(delivery_recovery, "mail_server_probe", lambda: ConnectionRefusedError("down"))
    queued = []
    monkeypatch.setattr(deliver_webhook, "apply_async", lambda **options: queued.append(options["kwargs"]))

    result = outbox_sweep(kinds=["webhook", "email"])

    assert result == {"webhook": 1, "email": 0}
    assert len(queued) == 1


@pytest.mark.parametrize("host", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "[::1]", "localhost"])
def test_an_endpoint_on_a_non_public_address_is_not_sent_to(participant, settings, host):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    delivery = WebhookDeliveryFactory(endpoint__participant=participant, endpoint__url=f"https://{host}/hook")

    webhook_delivery_attempt(delivery_id=delivery.pk)

    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and "non-public address" in attempt.error
