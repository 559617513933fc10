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
from ..models import Case, CaseMessage, CaseNotification, CaseStatus
from ..summary import refresh_case_summary
from . import sla
from .attachments import attach_uploads
from .notifications import assignee_recipients, notify, requester_recipients
from .workflow import case_start_work, case_wait_on_participant


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
    """Add a public reply (emailed to the other side) or an internal note (staff only, never emailed).

    A staff reply is the first response if none came before, and may put the case Waiting on Participant (case
    work: refused to groups that only reply). A participant reply to a case Waiting on them puts it back In Progress.
    """
    case = _locked_for_reply(actor=actor, case=case, body=body, internal=internal, wait=wait_on_participant)
    now = now or timezone.now()
    message = _add_message(actor=actor, case=case, body=body, internal=internal, attachments=attachments, now=now)
    if internal:
        return message
    if actor.is_staff and case.first_response_at is None:
        case.first_response_at = now
        case.first_response_business_seconds = sla.elapsed_seconds(case, business_calendar(), now)
        case.save(update_fields=["first_response_at", "first_response_business_seconds", "updated_at"])
    notify(
        case=case,
        event=CaseNotification.Event.REPLY,
        event_key=f"reply-{message.pk}",
        recipients=requester_recipients(case) if actor.is_staff else assignee_recipients(case),
        context={"author_name": actor.full_name, "body": message.body},
    )
    if actor.is_staff and wait_on_participant and case.status != CaseStatus.WAITING:
        case_wait_on_participant(actor=actor, case=case, reason="Reply asks the participant", now=now)
    elif not actor.is_staff and case.status == CaseStatus.WAITING:
        case_start_work(actor=actor, case=case, reason="Participant replied", now=now)
    return message


def _locked_for_reply(*, actor: User, case: Case, body: str, internal: bool, wait: bool) -> Case:
    """The case, locked, once the reply is allowed: who may write it, a message, a case still taking replies."""
    if actor.is_staff:
        policies.check_reply_case(actor)
        if wait:
            policies.check_work_case(actor)  # waiting on the participant is a status change
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
    return case


def _add_message(
    *,
    actor: User,
    case: Case,
    body: str,
    internal: bool,
    attachments: Iterable[CheckedUpload],
    now: datetime.datetime,
) -> CaseMessage:
    message = CaseMessage.objects.create(
        case=case, author=actor, author_name=actor.full_name, body=body.strip(), is_internal=internal, created_at=now
    )
    attach_uploads(case=case, uploads=attachments, actor=actor, message=message, internal=internal)
    if not internal:
        refresh_case_summary(case.participant_id)
    audit_record(
        actor=actor,
        verb=CaseEvent.CASE_NOTE_ADDED if internal else CaseEvent.CASE_REPLIED,
        target=case,
        at=now,
        changes={"attachments": (None, len(list(message.attachments.all())))} if message.attachments.exists() else {},
    )
    return message
