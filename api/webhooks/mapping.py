"""Which audit events are webhook events, and what a webhook event carries.

Every service writes an ``AuditEvent`` (a verb, a target, the MP); the lower apps cannot import ``api``, so the
webhooks read those. A verb maps to at most one event type, decided from the event alone (no query): a case's
status change is ``case.resolved`` when the new status is Resolved, ``case.updated`` otherwise. The payload is
``{"type", "timestamp", "data"}``, ``data`` the resource as the API's own serializer shows it to the MP.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from rest_framework.fields import DateTimeField

from cases.events import CaseEvent
from cases.models import Case, CaseStatus
from ercot_services.core.models import AuditEvent

from ..selectors.cases import api_case_get
from ..serializers.cases import CaseDetailSerializer
from .models import WebhookEventType


@dataclasses.dataclass(frozen=True)
class WebhookEvent:
    """The webhook event an audit event stands for. ``public``: it goes to every MP's endpoints (a published
    notice), not only to those of the event's MP."""

    type: str
    data: Callable[[AuditEvent, object], dict]
    public: bool = False


def _case_data(audit: AuditEvent, participant) -> dict:
    """The case as ``GET /api/v1/cases/{reference}`` shows it to its MP, messages included."""
    reference = Case.objects.filter(pk=audit.target_object_id).values_list("reference", flat=True).get()
    return CaseDetailSerializer(api_case_get(participant=participant, reference=reference)).data


def _case_status_event(audit: AuditEvent) -> WebhookEvent:
    _, new = audit.changes.get("status") or (None, None)
    resolved = new == CaseStatus.RESOLVED
    return WebhookEvent(WebhookEventType.CASE_RESOLVED if resolved else WebhookEventType.CASE_UPDATED, _case_data)


_ROUTES: dict[str, Callable[[AuditEvent], WebhookEvent]] = {
    CaseEvent.CASE_SUBMITTED: lambda audit: WebhookEvent(WebhookEventType.CASE_CREATED, _case_data),
    CaseEvent.CASE_UPDATED: lambda audit: WebhookEvent(WebhookEventType.CASE_UPDATED, _case_data),
    CaseEvent.CASE_REPLIED: lambda audit: WebhookEvent(WebhookEventType.CASE_REPLIED, _case_data),
    CaseEvent.CASE_STATUS_CHANGED: _case_status_event,
}


def webhook_event_for(audit: AuditEvent) -> WebhookEvent | None:
    """The webhook event of ``audit``, or ``None`` when its verb is none (no query)."""
    route = _ROUTES.get(audit.verb)
    return route(audit) if route is not None else None


def event_payload(audit: AuditEvent, event: WebhookEvent, participant) -> dict:
    """The body of the event's deliveries to ``participant``'s endpoints (the resource as it is now, after the
    commit of the change)."""
    return {
        "type": event.type,
        "timestamp": DateTimeField().to_representation(audit.created_at),
        "data": event.data(audit, participant),
    }
