"""Audit events → webhook deliveries.

``AuditEvent`` rows are saved by every service inside its transaction; a ``post_save`` receiver (connected in
``api.apps``) checks the verb without a query and, for a verb that may be a webhook event, writes the deliveries
once the transaction commits: one row per enabled endpoint subscribed to the event's type, of the event's MP
(for a public event, every MP it is addressed to: a notice's intended audience). The event's id, ``msg_<audit event id>``, is the ``webhook-id``: a row per
(endpoint, event id) is unique, so the same event handled twice writes no second delivery.
"""

from __future__ import annotations

import functools
import logging

from django.db import transaction

from ercot_services.core.delivery import outbox_enqueue
from ercot_services.core.models import AuditEvent
from ercot_services.core.outbox import outbox_is_suppressed

from .mapping import WEBHOOK_VERBS, event_payload, webhook_event_for
from .models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)


def event_id_of(audit: AuditEvent) -> str:
    return f"msg_{audit.pk}"


def on_audit_event_saved(sender, instance: AuditEvent, created: bool, raw: bool = False, **kwargs) -> None:
    """The ``post_save`` receiver: a new event that is a webhook event gets its deliveries after commit (robust: a
    failure is logged and never undoes, nor fails, the change that was committed)."""
    if not created or raw or instance.verb not in WEBHOOK_VERBS or outbox_is_suppressed():
        return
    transaction.on_commit(functools.partial(webhook_fanout, audit_event_id=instance.pk), robust=True)


def webhook_fanout(*, audit_event_id: int) -> list[WebhookDelivery]:
    """Write the deliveries of one audit event and queue their sending; returns the rows written now."""
    from ..tasks import deliver_webhook

    audit = AuditEvent.objects.get(pk=audit_event_id)
    event = webhook_event_for(audit)
    if event is None:
        return []
    endpoints = WebhookEndpoint.objects.filter(enabled=True).select_related("participant").order_by("pk")
    if not event.public:
        if audit.participant_id is None:
            return []  # a case of nobody's (a potential MP's contact request)
        endpoints = endpoints.filter(participant_id=audit.participant_id)
    elif event.addressed_to is not None:
        endpoints = endpoints.filter(participant__in=event.addressed_to(audit))
    # Subscriptions are read in Python: few endpoints per MP, and JSON containment is not portable (SQLite).
    subscribed = [endpoint for endpoint in endpoints if event.type in endpoint.event_types]
    payloads: dict[int | None, dict] = {}
    written = []
    with transaction.atomic():
        for endpoint in subscribed:
            reader = None if event.public else endpoint.participant_id  # a public resource reads the same for all
            if reader not in payloads:
                payloads[reader] = event_payload(audit, event, endpoint.participant)
            delivery, created = WebhookDelivery.objects.get_or_create(
                endpoint=endpoint,
                event_id=event_id_of(audit),
                defaults={"event_type": event.type, "payload": payloads[reader]},
            )
            if created:
                written.append(delivery)
        for delivery in written:
            transaction.on_commit(functools.partial(outbox_enqueue, deliver_webhook, delivery_id=delivery.pk))
    return written
