"""The audit verbs the api app writes (``AuditEvent.verb``)."""

from django.db import models


class ApiEvent(models.TextChoices):
    API_KEY_CREATED = "api_key.created", "API key created"
    API_KEY_REVOKED = "api_key.revoked", "API key revoked"
    STAFF_API_KEY_CREATED = "api_key.staff_created", "Staff API key created"
    WEBHOOK_ENDPOINT_CREATED = "webhook_endpoint.created", "Webhook endpoint created"
    WEBHOOK_ENDPOINT_UPDATED = "webhook_endpoint.updated", "Webhook endpoint updated"
    WEBHOOK_ENDPOINT_SECRET_ROTATED = "webhook_endpoint.secret_rotated", "Webhook endpoint secret rotated"
    WEBHOOK_ENDPOINT_DISABLED = "webhook_endpoint.disabled", "Webhook endpoint disabled"
    WEBHOOK_ENDPOINT_ENABLED = "webhook_endpoint.enabled", "Webhook endpoint enabled"
    WEBHOOK_DELIVERY_RESENT = "webhook_delivery.resent", "Webhook delivery re-sent"
