"""What the MP's USA does with webhook endpoints: create, update, rotate the secret, disable, enable, re-send a
delivery, send a test event. Each checks the actor (``api.policies``), runs in one transaction and writes an audit
event on the endpoint; sending happens after commit, through the outbox (``api.webhooks.sending``)."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from rest_framework.fields import DateTimeField

from ercot_services.core.audit import apply_changes, audit_record
from ercot_services.core.delivery import DeliveryStatus, outbox_enqueue
from ercot_services.core.models import DomainError

from .. import policies
from ..error_codes import ApiErrorCode
from ..events import ApiEvent
from .models import TEST_EVENT_TYPE, WebhookDelivery, WebhookEndpoint, WebhookEventType
from .signing import new_secret


@dataclasses.dataclass(frozen=True)
class WebhookEndpointInput:
    url: str
    event_types: Iterable[str]
    description: str = ""


def _clean(data: WebhookEndpointInput) -> dict:
    """The endpoint's fields from ``data``: an https URL (http too when ``WEBHOOK_ALLOW_HTTP``), known events."""
    url = data.url.strip()
    schemes = ["https", "http"] if settings.WEBHOOK_ALLOW_HTTP else ["https"]
    try:
        URLValidator(schemes=schemes)(url)
    except ValidationError:
        message = "Enter a full https:// URL of your receiver."
        raise DomainError(message, code=ApiErrorCode.INSECURE_URL, fields={"url": [message]}) from None
    event_types = list(dict.fromkeys(data.event_types))
    if not event_types:
        raise DomainError("Choose at least one event.", code=ApiErrorCode.EVENTS_REQUIRED)
    unknown = [value for value in event_types if value not in WebhookEventType.values]
    if unknown:
        raise DomainError(f"Unknown event: {', '.join(unknown)}.", code=ApiErrorCode.UNKNOWN_EVENT)
    return {"url": url, "event_types": event_types, "description": data.description.strip()}


def _locked(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    return WebhookEndpoint.objects.select_for_update().select_related("participant").get(pk=endpoint.pk)


@transaction.atomic
def webhook_endpoint_create(*, actor, participant, data: WebhookEndpointInput) -> WebhookEndpoint:
    policies.check_manage_webhooks(actor, participant)
    values = _clean(data)
    endpoint = WebhookEndpoint.objects.create(participant=participant, secret=new_secret(), created_by=actor, **values)
    audit_record(
        actor=actor,
        verb=ApiEvent.WEBHOOK_ENDPOINT_CREATED,
        target=endpoint,
        changes={field: (None, value) for field, value in values.items()},
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_update(*, actor, endpoint: WebhookEndpoint, data: WebhookEndpointInput) -> WebhookEndpoint:
    policies.check_manage_webhooks(actor, endpoint.participant)
    values = _clean(data)
    endpoint = _locked(endpoint)
    changes = apply_changes(endpoint, values)
    if changes:
        endpoint.save(update_fields=list(changes))
        audit_record(actor=actor, verb=ApiEvent.WEBHOOK_ENDPOINT_UPDATED, target=endpoint, changes=changes)
    return endpoint


@transaction.atomic
def webhook_endpoint_rotate_secret(*, actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret; the current one keeps signing too (both signatures in the header) for
    ``WEBHOOK_SECRET_OVERLAP_SECONDS``, so the receiver can switch without rejecting a delivery."""
    policies.check_manage_webhooks(actor, endpoint.participant)
    endpoint = _locked(endpoint)
    until = timezone.now() + datetime.timedelta(seconds=settings.WEBHOOK_SECRET_OVERLAP_SECONDS)
    endpoint.previous_secret, endpoint.previous_secret_expires_at = endpoint.secret, until
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    audit_record(
        actor=actor,
        verb=ApiEvent.WEBHOOK_ENDPOINT_SECRET_ROTATED,
        target=endpoint,
        changes={"previous_secret_expires_at": (None, until)},  # never the secrets themselves
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_disable(*, actor, endpoint: WebhookEndpoint, reason: str = "") -> WebhookEndpoint:
    """Stop sending: no new deliveries; those still pending fail when their turn comes (a re-send sends them)."""
    policies.check_manage_webhooks(actor, endpoint.participant)
    endpoint = _locked(endpoint)
    if not endpoint.enabled:
        raise DomainError("The endpoint is already disabled.", code=ApiErrorCode.ALREADY_DISABLED)
    endpoint.enabled, endpoint.disabled_at = False, timezone.now()
    endpoint.disabled_reason = f"Disabled by {actor.full_name or actor.email}."
    endpoint.save(update_fields=["enabled", "disabled_at", "disabled_reason"])
    audit_record(
        actor=actor,
        verb=ApiEvent.WEBHOOK_ENDPOINT_DISABLED,
        target=endpoint,
        changes={"enabled": (True, False)},
        reason=reason,
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_enable(*, actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Send again, with a clean record: the failures that disabled it no longer count."""
    policies.check_manage_webhooks(actor, endpoint.participant)
    endpoint = _locked(endpoint)
    if endpoint.enabled:
        raise DomainError("The endpoint is already enabled.", code=ApiErrorCode.ALREADY_ENABLED)
    endpoint.enabled, endpoint.disabled_at, endpoint.disabled_reason = True, None, ""
    endpoint.consecutive_failures, endpoint.failing_since = 0, None
    endpoint.save(update_fields=["enabled", "disabled_at", "disabled_reason", "consecutive_failures", "failing_since"])
    audit_record(
        actor=actor, verb=ApiEvent.WEBHOOK_ENDPOINT_ENABLED, target=endpoint, changes={"enabled": (False, True)}
    )
    return endpoint


def _queue(delivery: WebhookDelivery) -> None:
    from ..tasks import deliver_webhook

    transaction.on_commit(functools.partial(outbox_enqueue, deliver_webhook, delivery_id=delivery.pk))


@transaction.atomic
def webhook_delivery_resend(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """A new attempt cycle for ``delivery``: the same ``webhook-id`` and payload, its attempts counted from zero
    (the earlier attempts stay in its log)."""
    endpoint = delivery.endpoint
    policies.check_manage_webhooks(actor, endpoint.participant)
    if not endpoint.enabled:
        raise DomainError("Enable the endpoint first: it is disabled.", code=ApiErrorCode.ENDPOINT_DISABLED)
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status == DeliveryStatus.CLAIMED:
        raise DomainError("The delivery is being sent right now.", code=ApiErrorCode.DELIVERY_IN_FLIGHT)
    old = delivery.status
    delivery.status, delivery.attempts, delivery.next_attempt_at = DeliveryStatus.PENDING, 0, timezone.now()
    delivery.last_error, delivery.sent_at = "", None
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "last_error", "sent_at"])
    audit_record(
        actor=actor,
        verb=ApiEvent.WEBHOOK_DELIVERY_RESENT,
        target=endpoint,
        changes={"delivery": (None, delivery.event_id), "status": (old, delivery.status)},
    )
    _queue(delivery)
    return delivery


@transaction.atomic
def webhook_endpoint_send_test(*, actor, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A ``webhook.test`` event to the endpoint, to check the receiver and its signature check."""
    policies.check_manage_webhooks(actor, endpoint.participant)
    if not endpoint.enabled:
        raise DomainError("Enable the endpoint first: it is disabled.", code=ApiErrorCode.ENDPOINT_DISABLED)
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_id=f"msg_test_{secrets.token_hex(12)}",
        event_type=TEST_EVENT_TYPE,
        payload={
            "type": TEST_EVENT_TYPE,
            "timestamp": DateTimeField().to_representation(now),
            "data": {"participant": endpoint.participant.short_name, "endpoint": endpoint.url},
        },
        created_at=now,
        next_attempt_at=now,
    )
    _queue(delivery)
    return delivery
