"""Email that opens cases: a message received at the Client Services or Service Desk address becomes a case, or a
message on the case whose thread it replies to.

One row per message (``InboundMessage``, unique by Message-ID) is written first, in its own transaction, so a
repeated delivery or a re-run of a source never makes a second case, and a failure is recorded with its reason and
the raw message (staff reprocess it from the admin). Then :func:`inbound_message_process` decides, in one
transaction:

- automatic mail (auto-replies, bounces, list mail, mailer-daemon senders; ``core.mail_parsing.automatic_reason``),
  mail from our own addresses or Message-IDs, and mail from staff addresses is **ignored** (never answered: no loop);
- a reply to a case's thread (``In-Reply-To``/``References`` naming one of our case emails or an email already
  received on the case, else the case reference in the subject, e.g. ``[INQ-2026-000123]``) from a sender **allowed
  on that case** (an active contact of its MP, or the original requester) becomes a message on it; a reply to a
  closed or withdrawn case opens a new case linked to it, and the receipt says so;
- anything else opens a new case: an inquiry routed to the sender's MP's Account Manager (mail to the Service Desk
  address: a service request in the Service Desk queue), or, for an unknown sender or an MP not registered yet, a
  potential-MP contact in the Service Desk queue. A sender quoting another MP's case reference gets a new case of
  their own: nothing is added to, or disclosed about, the case they quoted.

Email opens inquiries, never disputes: a dispute needs its Operating Day, statement and amount, which an email does
not carry in a form the filing window can check. The case's received time is the message's (its newest
``Received`` header, else ``Date``, bounded by now and :data:`MAX_AGE`), so an AM who logs a dispute from it can
show when the MP wrote. Attachments pass the upload checks of every other way in (``core.uploads``); a refused one
is listed in an internal note, and the message itself is kept. Receipts are rate-limited per sender
(``INBOUND_ACKS_PER_SENDER_PER_HOUR``).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import MarketParticipant, User
from accounts.roles import StaffGroup
from accounts.selectors.participants import participants_for_user
from ercot_services.core import mail_parsing
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError
from ercot_services.core.uploads import CheckedUpload

from .. import policies
from ..error_codes import CaseErrorCode
from ..events import CaseEvent
from ..models import (
    Case,
    CaseCategory,
    CaseMessage,
    CaseNotification,
    CaseStatus,
    Channel,
    InboundMessage,
    InboundOutcome,
    InboundStatus,
)
from ..summary import refresh_case_summary
from . import inbound_reading as reading
from .attachments import attach_uploads
from .notifications import assignee_recipients, notify, requester_recipients
from .replies import case_reply
from .submission import (
    ContactRequestInput,
    InquiryInput,
    ServiceRequestInput,
    contact_request_submit,
    inquiry_submit,
    service_request_submit,
)
from .workflow import case_start_work

logger = logging.getLogger(__name__)

SERVICE_DESK = "service_desk"
SYSTEM_AUTHOR = "Inbound email"


@dataclass
class _Mail:
    """What the processing reads from one message."""

    message: object
    name: str
    address: str
    subject: str
    text: str
    uploads: list[CheckedUpload] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


# --- recording ----------------------------------------------------------------------------------------------


def inbound_message_receive(
    *, raw: bytes, source: str, source_ref: str = "", now: datetime.datetime | None = None
) -> InboundMessage:
    """Record ``raw`` once (by Message-ID) and process it; a message recorded before is returned as it is (a
    duplicate delivery makes nothing), unless it was left unprocessed by a crash, which is processed now."""
    row, created = inbound_message_record(raw=raw, source=source, source_ref=source_ref, now=now)
    if created or row.status == InboundStatus.RECEIVED:
        row = inbound_message_process(message=row, now=now)
    return row


def inbound_message_record(
    *, raw: bytes, source: str, source_ref: str = "", now: datetime.datetime | None = None
) -> tuple[InboundMessage, bool]:
    """The row of this message (created, committed, status Received), and whether it is new."""
    now = now or timezone.now()
    message = mail_parsing.parse_message(raw)
    name, address = mail_parsing.sender(message)
    ids = mail_parsing.message_ids(mail_parsing.header_text(message, "Message-ID"))
    message_id = ids[0] if ids else f"<sha256-{hashlib.sha256(raw).hexdigest()}@inbound.invalid>"
    if len(message_id) > 255:
        message_id = f"<sha256-{hashlib.sha256(message_id.encode()).hexdigest()}@inbound.invalid>"
    too_large = len(raw) > settings.INBOUND_MAX_BYTES
    recipient, _ = reading.our_address(message)
    defaults = {
        "source": source,
        "source_ref": source_ref[:255],
        "received_at": reading.received_moment(message, now),
        "sender": address[:254] if reading.valid_address(address) else "",
        "sender_name": name[:150],
        "recipient": recipient,
        "subject": mail_parsing.header_text(message, "Subject")[:255],
        "raw": b"" if too_large else raw,
        "created_at": now,
    }
    if too_large:
        defaults.update(status=InboundStatus.IGNORED, reason=f"Larger than {settings.INBOUND_MAX_BYTES} bytes.")
    with transaction.atomic():
        return InboundMessage.objects.get_or_create(message_id=message_id, defaults=defaults)


# --- processing ---------------------------------------------------------------------------------------------


def inbound_message_process(*, message: InboundMessage, now: datetime.datetime | None = None) -> InboundMessage:
    """Turn a received (or failed) row into a case or a case message, or ignore it; a failure is recorded on the
    row (status Failed, with the reason) and everything the attempt wrote is rolled back."""
    now = now or timezone.now()
    with transaction.atomic():
        row = InboundMessage.objects.select_for_update().get(pk=message.pk)
        if row.status not in (InboundStatus.RECEIVED, InboundStatus.FAILED):
            return row
        row.attempts += 1
        try:
            with transaction.atomic():
                _process(row, now)
        except (DomainError, ValidationError) as error:
            _finish(row, InboundStatus.FAILED, now, reason=_reason_of(error))
        except Exception as error:  # noqa: BLE001 - any failure is kept on the row for staff, never lost
            logger.exception("inbound message %s failed", row.pk)
            _finish(row, InboundStatus.FAILED, now, reason=f"{type(error).__name__}: {error}"[:1000])
        return row


@transaction.atomic
def inbound_message_reprocess(*, actor: User, message: InboundMessage) -> InboundMessage:
    """Staff try a failed message again (after fixing what made it fail, e.g. a missing category)."""
    policies.check_work_case(actor)
    row = InboundMessage.objects.select_for_update().get(pk=message.pk)
    if row.status != InboundStatus.FAILED:
        raise DomainError(
            f"Only a failed message can be processed again; this one is {row.get_status_display().lower()}.",
            code=CaseErrorCode.INBOUND_NOT_FAILED,
        )
    audit_record(
        actor=actor,
        verb=CaseEvent.INBOUND_REPROCESSED,
        target=row,
        changes={"status": (row.status, "reprocessing")},
        reason=row.reason,
    )
    return inbound_message_process(message=row)


def _process(row: InboundMessage, now: datetime.datetime) -> None:
    message = mail_parsing.parse_message(bytes(row.raw))
    name, address = mail_parsing.sender(message)
    reason = reading.ignore_reason(message, address)
    if reason:
        _finish(row, InboundStatus.IGNORED, now, reason=reason)
        return
    user = reading.sender_user(address)
    if user is not None and user.is_staff:
        _finish(row, InboundStatus.IGNORED, now, reason="From a staff address: staff answer cases in the workspace.")
        return
    mail = _Mail(
        message=message,
        name=name,
        address=address,
        subject=reading.clean_subject(mail_parsing.header_text(message, "Subject")),
        text=reading.bounded(mail_parsing.body_text(message)),
    )
    mail.uploads, mail.refused = reading.checked_attachments(message)
    case = reading.thread_case(message)
    if case is not None and reading.may_add(case, user=user, address=address):
        if case.status in (CaseStatus.CLOSED, CaseStatus.WITHDRAWN):
            new = _open_case(row=row, mail=mail, user=user, now=now, follows=case)
            _finish(row, InboundStatus.PROCESSED, now, case=new, outcome=InboundOutcome.FOLLOW_UP)
            return
        case_message = _add_reply(row=row, mail=mail, case=case, user=user)
        _finish(row, InboundStatus.PROCESSED, now, case=case, case_message=case_message, outcome=InboundOutcome.REPLY)
        return
    new = _open_case(row=row, mail=mail, user=user, now=now)
    _finish(row, InboundStatus.PROCESSED, now, case=new, outcome=InboundOutcome.NEW_CASE)


def _finish(row, status, now, *, reason="", case=None, case_message=None, outcome="") -> None:
    row.status, row.reason, row.processed_at, row.outcome = status, reason[:5000], now, outcome
    if status == InboundStatus.FAILED:
        row.acknowledged = False  # the receipt was rolled back with the rest of the attempt
    row.case, row.case_message = case, case_message
    row.save()


def _reason_of(error) -> str:
    if isinstance(error, DomainError):
        return str(error)[:1000]
    return "; ".join(error.messages)[:1000]


# --- what it becomes ------------------------------------------------------------------------------------------


def _participant_for(user: User | None, preferred: MarketParticipant | None) -> MarketParticipant | None:
    """The MP the sender writes for: ``preferred`` when they are its contact, else their first MP (by name)."""
    if user is None:
        return None
    mps = participants_for_user(user).order_by("short_name")
    if preferred is not None and mps.filter(pk=preferred.pk).exists():
        return preferred
    return mps.first()


def _category(*codes: str) -> CaseCategory:
    for code in codes:
        category = CaseCategory.objects.filter(code=code, is_active=True).first()
        if category is not None:
            return category
    category = CaseCategory.objects.filter(is_active=True).first()
    if category is None:
        raise DomainError("No active case category: add one in the admin.", code=CaseErrorCode.INVALID)
    return category


def _open_case(
    *, row: InboundMessage, mail: _Mail, user: User | None, now: datetime.datetime, follows: Case | None = None
) -> Case:
    """A new case for the message; its receipt (unless rate-limited) says when it follows a closed case."""
    participant = _participant_for(user, follows.participant if follows else None)
    _, mailbox = reading.our_address(mail.message)
    # References quoted in the subject are dropped: the case gets its own (and another MP's is never repeated).
    subject = reading.clean_subject(re.sub(r"\[?" + reading.REFERENCE.pattern + r"\]?", "", mail.subject))
    if follows is not None:
        subject = f"{subject} (follow-up to {follows.reference})"[:200]
    common = {
        "subject": subject,
        "description": mail.text or "(The email had no text.)",
        "participant": participant,
        "requester": user if participant is not None else None,
        "channel": Channel.EMAIL,
        "attachments": mail.uploads,
    }
    # The receipt _file queued is replaced in _acknowledge (its wording, and the per-sender limit); nothing else is
    # suppressed: the MP's API webhooks hear of the case as of any other.
    if participant is not None and participant.is_registered and mailbox == SERVICE_DESK:
        queue = Group.objects.filter(name=StaffGroup.SERVICE_DESK).first()
        service_request = ServiceRequestInput(category=_category("other"), queue=queue, **common)
        case = service_request_submit(actor=None, service_request=service_request, now=row.received_at)
    elif participant is not None and participant.is_registered:
        case = inquiry_submit(
            actor=None, inquiry=InquiryInput(category=_category("other"), **common), now=row.received_at
        )
    else:
        contact = ContactRequestInput(
            category=_category("registration", "other"),
            name=(mail.name or (user.full_name if user else "") or mail.address)[:150],
            email=mail.address,
            company=participant.legal_name if participant else "",
            **{**common, "requester": user},
        )
        case = contact_request_submit(actor=None, contact=contact, now=row.received_at)
    if follows is not None:
        case.related.add(follows)
        for one, other in ((case, follows), (follows, case)):
            audit_record(
                actor=None, verb=CaseEvent.CASE_LINKED, target=one, changes={"related": (None, other.reference)}
            )
        _note(
            case,
            f"Opened from an email that replied to {follows.reference}, which is {follows.get_status_display().lower()}.",
        )
    _note_refused(case, mail)
    _acknowledge(row=row, case=case, address=mail.address, follows=follows)
    return case


def _add_reply(*, row: InboundMessage, mail: _Mail, case: Case, user: User | None) -> CaseMessage:
    body = reading.reply_text(mail.text) or "(The email had no text; see its attachments.)"
    if user is not None:
        message = case_reply(actor=user, case=case, body=body, attachments=mail.uploads, now=row.received_at)
    else:  # the original requester without an account (a potential MP's contact)
        message = CaseMessage.objects.create(
            case=case, author_name=(mail.name or mail.address)[:150], body=body, created_at=row.received_at
        )
        attach_uploads(case=case, uploads=mail.uploads, actor=None, message=message)
        refresh_case_summary(case.participant_id)
        audit_record(actor=None, verb=CaseEvent.CASE_REPLIED, target=case, at=row.received_at)
        notify(
            case=case,
            event=CaseNotification.Event.REPLY,
            event_key=f"reply-{message.pk}",
            recipients=assignee_recipients(case),
            context={"author_name": message.author_name, "body": message.body},
        )
        if case.status == CaseStatus.WAITING:
            # The participant side, without an account: the workflow's participant move, audited without an actor.
            case_start_work(
                actor=AnonymousUser(), case=case, reason="Participant replied by email", now=row.received_at
            )
    _note_refused(case, mail)
    return message


def _note(case: Case, body: str) -> CaseMessage:
    return CaseMessage.objects.create(case=case, author_name=SYSTEM_AUTHOR, body=body, is_internal=True)


def _note_refused(case: Case, mail: _Mail) -> None:
    if mail.refused:
        lines = "\n".join(f"- {line}" for line in mail.refused)
        _note(case, f"Attachments of the email from {mail.address} that were not accepted:\n{lines}")


def _acknowledge(*, row: InboundMessage, case: Case, address: str, follows: Case | None) -> None:
    """Replace the receipt the submission queued (still pending, before commit) with one saying it came by email and
    which closed case it follows; at most ``INBOUND_ACKS_PER_SENDER_PER_HOUR`` an hour per sender (a loop stops here)."""
    CaseNotification.objects.filter(
        case=case, event=CaseNotification.Event.SUBMITTED, status=CaseNotification.Status.PENDING
    ).delete()
    since = timezone.now() - datetime.timedelta(hours=1)
    sent = InboundMessage.objects.filter(sender=address, acknowledged=True, processed_at__gte=since).count()
    if sent >= settings.INBOUND_ACKS_PER_SENDER_PER_HOUR:
        _note(case, f"No receipt was emailed to {address}: the hourly limit of receipts to one sender was reached.")
        return
    queued = notify(
        case=case,
        event=CaseNotification.Event.SUBMITTED,
        event_key="submitted",
        recipients=requester_recipients(case),
        context={"received_by_email": True, "follows": follows},
    )
    row.acknowledged = queued > 0
