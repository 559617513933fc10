"""Webhook endpoints and deliveries of an MP, for its USA's pages (another MP's is a 404)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import MarketParticipant

from ..webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


def webhook_endpoints_for_participant(participant: MarketParticipant) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(participant=participant)


def webhook_endpoint_get(participant: MarketParticipant, pk: int) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint.objects.select_related("participant"), participant=participant, pk=pk)


def webhook_deliveries(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """The endpoint's deliveries, newest first, each with its attempts (one prefetch query per page)."""
    return WebhookDelivery.objects.filter(endpoint=endpoint).prefetch_related(
        Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("-attempted_at", "-id"))
    )


def webhook_delivery_get(endpoint: WebhookEndpoint, pk: int) -> WebhookDelivery:
    return get_object_or_404(WebhookDelivery.objects.select_related("endpoint__participant"), endpoint=endpoint, pk=pk)
