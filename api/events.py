"""The audit verbs the api app writes (``AuditEvent.verb``)."""

from django.db import models


class ApiEvent(models.TextChoices):
    API_KEY_CREATED = "api_key.created", "API key created"
    API_KEY_REVOKED = "api_key.revoked", "API key revoked"
    STAFF_API_KEY_CREATED = "api_key.staff_created", "Staff API key created"
