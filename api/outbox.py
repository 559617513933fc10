"""Webhook deliveries as a kind of the outbox engine (core.delivery): claimed, marked in their own commit, and
queued again by the one outbox sweep when they stop moving. Not email: ``api.tasks.deliver_webhook`` sends them,
and the sweep does not wait for the mail server to queue them."""

from __future__ import annotations

import datetime

from django.conf import settings

from ercot_services.core.delivery import OutboxKind, outbox_enqueue, outbox_register

from .webhooks.models import WebhookDelivery
from .webhooks.sending import KIND, webhook_request


def _requeue(rows) -> int:
    from .tasks import deliver_webhook

    queued = 0
    for delivery_id in rows.values_list("pk", flat=True):
        if not outbox_enqueue(deliver_webhook, delivery_id=delivery_id):
            break  # the broker is down: the next sweep
        queued += 1
    return queued


WEBHOOKS = outbox_register(
    OutboxKind(
        name=KIND,
        model=WebhookDelivery,
        build=webhook_request,
        requeue=_requeue,
        # A pending row is stranded once it is overdue: its next attempt's time, not when it was written.
        written_at="next_attempt_at",
        claim_timeout=lambda: datetime.timedelta(seconds=settings.WEBHOOK_CLAIM_TIMEOUT_SECONDS),
        mail=False,
    )
)
