"""Which audit events are webhook events, and what a webhook event carries.

Every service writes an ``AuditEvent`` (a verb, a target, the MP); the lower apps cannot import ``api``, so the
webhooks read those. :data:`WEBHOOK_VERBS` (checked when the event is saved, without a query) are the verbs that
may be one; :func:`webhook_event_for` (after commit) decides which:

- cases: ``case.submitted`` → ``case.created``; ``case.updated`` (priority, category) → ``case.updated``; a public
  reply → ``case.replied`` (an internal note is another verb); a status change → ``case.resolved`` when the new
  status is Resolved, ``case.updated`` otherwise;
- notices (public: the endpoints of every MP the notice is addressed to): publishing an original → ``notice.published``, an update →
  ``notice.updated``, a cancellation → ``notice.cancelled`` (a published notice changes only through those);
- qualification: a letter issued (and emailed) → ``letter.sent``;
- registration: an application approved or rejected → ``registration.decided``.

The payload is ``{"type", "timestamp", "data"}``, ``data`` the resource as the API's own serializer shows it to the
MP (``GET /api/v1/...``), read through the API's selectors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.db.models import QuerySet
from rest_framework.fields import DateTimeField

from cases.events import CaseEvent
from cases.models import Case, CaseStatus
from ercot_services.core.models import AuditEvent
from notices.events import NoticeEvent
from notices.models import Notice
from notices.selectors import participants_addressed_by
from qualification.events import QualificationEvent
from qualification.models import QualificationLetter
from registration.events import RegistrationEvent
from registration.models import Application

from ..selectors.cases import api_case_get
from ..selectors.notices import api_notice_get
from ..selectors.qualification import api_letter_get
from ..selectors.registration import api_application_get
from ..serializers.cases import CaseDetailSerializer
from ..serializers.notices import NoticeSerializer
from ..serializers.qualification import LetterSerializer
from ..serializers.registration import RegistrationApplicationSerializer
from .models import WebhookEventType

E = WebhookEventType


@dataclasses.dataclass(frozen=True)
class WebhookEvent:
    """The webhook event an audit event stands for. ``data(audit, participant)`` is the resource as that MP reads
    it; ``public``: the event goes to other MPs' endpoints too (a published notice), not only to its MP's: to those of
    the MPs ``addressed_to(audit)`` returns (a queryset of Market Participants), or to every MP's without it."""

    type: str
    data: Callable[[AuditEvent, object], dict]
    public: bool = False
    addressed_to: Callable[[AuditEvent], QuerySet] | None = None


def _case_data(audit: AuditEvent, participant) -> dict:
    """The case as ``GET /api/v1/cases/{reference}`` shows it to its MP, public messages included."""
    reference = Case.objects.filter(pk=audit.target_object_id).values_list("reference", flat=True).get()
    return CaseDetailSerializer(api_case_get(participant=participant, reference=reference)).data


def _notice_data(audit: AuditEvent, participant) -> dict:
    notice_id = Notice.objects.filter(pk=audit.target_object_id).values_list("notice_id", flat=True).get()
    return NoticeSerializer(api_notice_get(notice_id)).data


def _letter_data(audit: AuditEvent, participant) -> dict:
    """The letter the event issued (the event's target is the enrollment)."""
    letter_id = QualificationLetter.objects.filter(enrollment_id=audit.target_object_id).values_list("pk", flat=True)
    return LetterSerializer(api_letter_get(participant, letter_id.get())).data


def _application_data(audit: AuditEvent, participant) -> dict:
    reference = Application.objects.filter(pk=audit.target_object_id).values_list("reference", flat=True).get()
    return RegistrationApplicationSerializer(api_application_get(participant=participant, reference=reference)).data


def _case_status_event(audit: AuditEvent) -> WebhookEvent:
    _, new = audit.changes.get("status") or (None, None)
    return WebhookEvent(E.CASE_RESOLVED if new == CaseStatus.RESOLVED else E.CASE_UPDATED, _case_data)


NOTICE_EVENTS = {
    Notice.Kind.ORIGINAL: E.NOTICE_PUBLISHED,
    Notice.Kind.UPDATE: E.NOTICE_UPDATED,
    Notice.Kind.CANCELLATION: E.NOTICE_CANCELLED,
}


def _notice_readers(audit: AuditEvent) -> QuerySet:
    """The MPs the notice is addressed to (its intended audience's market roles): the portal inbox's rule."""
    return participants_addressed_by(Notice(pk=audit.target_object_id))


def _notice_event(audit: AuditEvent) -> WebhookEvent:
    kind = Notice.objects.filter(pk=audit.target_object_id).values_list("kind", flat=True).get()
    return WebhookEvent(NOTICE_EVENTS[kind], _notice_data, public=True, addressed_to=_notice_readers)


_ROUTES: dict[str, Callable[[AuditEvent], WebhookEvent]] = {
    CaseEvent.CASE_SUBMITTED: lambda audit: WebhookEvent(E.CASE_CREATED, _case_data),
    CaseEvent.CASE_UPDATED: lambda audit: WebhookEvent(E.CASE_UPDATED, _case_data),
    CaseEvent.CASE_REPLIED: lambda audit: WebhookEvent(E.CASE_REPLIED, _case_data),
    CaseEvent.CASE_STATUS_CHANGED: _case_status_event,
    NoticeEvent.NOTICE_PUBLISHED: _notice_event,
    QualificationEvent.LETTER_ISSUED: lambda audit: WebhookEvent(E.LETTER_SENT, _letter_data),
    RegistrationEvent.APPLICATION_APPROVED: lambda audit: WebhookEvent(E.REGISTRATION_DECIDED, _application_data),
    RegistrationEvent.APPLICATION_REJECTED: lambda audit: WebhookEvent(E.REGISTRATION_DECIDED, _application_data),
}

#: The verbs that may be a webhook event (a set lookup when an audit event is saved).
WEBHOOK_VERBS = frozenset(_ROUTES)


def webhook_event_for(audit: AuditEvent) -> WebhookEvent | None:
    """The webhook event of ``audit``, or ``None`` when its verb is none (a notice's costs one query)."""
    route = _ROUTES.get(audit.verb)
    return route(audit) if route is not None else None


def event_payload(audit: AuditEvent, event: WebhookEvent, participant) -> dict:
    """The body of the event's deliveries to ``participant``'s endpoints (the resource as it is after the commit)."""
    return {
        "type": event.type,
        "timestamp": DateTimeField().to_representation(audit.created_at),
        "data": event.data(audit, participant),
    }
