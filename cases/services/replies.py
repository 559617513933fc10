"""The conversation: a public reply or an internal note, and what a reply does to the workflow."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from ercot_services.core.audit import audit_record
from ercot_services.core.calendar import business_calendar
from ercot_services.core.models import DomainError
from ercot_services.core.uploads import CheckedUpload

from .. import policies
from ..error_codes import CaseErrorCode
from ..events import CaseEvent
from ..models import (
    Case,
    CaseMessage,
    CaseNotification,
    CaseStatus,
)
from . import sla
from .attachments import attach_uploads
from .notifications import assignee_recipients, notify, requester_recipients
from .workflow import case_transition


@transaction.atomic
def case_reply(
    *,
    actor: User,
    case: Case,
    body: str,
    internal: bool = False,
    attachments: Iterable[CheckedUpload] = (),
    wait_on_participant: bool = False,
    now: datetime.datetime | None = None,
) -> CaseMessage:
    """Add a public reply or an internal note.

    A staff reply is the first response if none came before. A participant
    reply to a case Waiting on Participant puts it back In Progress.
    """
    if actor.is_staff:
        policies.check_reply_case(actor)
    case = Case.objects.select_for_update(of=("self",)).select_related("submitted_by", "assignee").get(pk=case.pk)
    if not body.strip():
        raise DomainError("Write a message before sending.", code=CaseErrorCode.MESSAGE_REQUIRED)
    if internal and not actor.is_staff:
        raise DomainError("Only staff can add internal notes.", code=CaseErrorCode.PERMISSION_DENIED)
    if case.status in (CaseStatus.CLOSED, CaseStatus.WITHDRAWN):
        raise DomainError(
            f"{case.reference} is {case.get_status_display().lower()}: it takes no more replies.",
            code=CaseErrorCode.CASE_CLOSED,
        )
    now = now or timezone.now()
    message = CaseMessage.objects.create(
        case=case, author=actor, author_name=actor.full_name, body=body.strip(), is_internal=internal, created_at=now
    )
    attach_uploads(case=case, uploads=attachments, actor=actor, message=message, internal=internal)
    audit_record(
        actor=actor,
        verb=CaseEvent.CASE_NOTE_ADDED if internal else CaseEvent.CASE_REPLIED,
        target=case,
        at=now,
        changes={"attachments": (None, len(list(message.attachments.all())))} if message.attachments.exists() else {},
    )
    if internal:
        return message

    if actor.is_staff:
        if case.first_response_at is None:
            case.first_response_at = now
            case.first_response_business_seconds = sla.elapsed_seconds(case, business_calendar(), now)
            case.save(update_fields=["first_response_at", "first_response_business_seconds", "updated_at"])
        notify(
            case=case,
            event=CaseNotification.Event.REPLY,
            event_key=f"reply-{message.pk}",
            recipients=requester_recipients(case),
            context={"author_name": actor.full_name, "body": message.body},
        )
        if wait_on_participant and case.status != CaseStatus.WAITING:
            case_transition(
                actor=actor, case=case, to_status=CaseStatus.WAITING, reason="Reply asks the participant", now=now
            )
    else:
        notify(
            case=case,
            event=CaseNotification.Event.REPLY,
            event_key=f"reply-{message.pk}",
            recipients=assignee_recipients(case),
            context={"author_name": actor.full_name, "body": message.body},
        )
        if case.status == CaseStatus.WAITING:
            case_transition(
                actor=actor, case=case, to_status=CaseStatus.IN_PROGRESS, reason="Participant replied", now=now
            )
    return message
