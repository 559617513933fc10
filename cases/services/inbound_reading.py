"""Reading one received email for ``cases.services.inbound``: whether it must be ignored, which of our addresses it
reached, when it was received, its subject, text and checked attachments, and which case's thread it continues
(and whether its sender may write there)."""

from __future__ import annotations

import datetime
import email.utils
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import validate_email

from accounts.email_address import canonical_email
from accounts.models import User
from ercot_services.core import mail_parsing
from ercot_services.core.site import site_host
from ercot_services.core.text_limits import MESSAGE_TEXT
from ercot_services.core.uploads import CheckedUpload, check_upload

from ..models import KIND_PREFIX, Case, CaseNotification, CaseSettings, InboundMessage
from ..outbox import case_notification_pk

MAX_AGE = datetime.timedelta(days=30)  # an older Date/Received header is not believed: the case gets the arrival
CLOCK_SKEW = datetime.timedelta(minutes=5)
_SUBJECT_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|tr|sv|antw)\s*(\[\d+\])?\s*:\s*)+", re.I)


# --- what the message is ------------------------------------------------------------------------------------


def ignore_reason(message, address: str) -> str:
    """Why this message must not become a case (nor be answered), or ``""``."""
    reason = mail_parsing.automatic_reason(message)
    if reason:
        return f"Automatic mail: {reason}."
    if address in own_addresses():
        return "Sent from one of this application's own addresses."
    ids = mail_parsing.message_ids(mail_parsing.header_text(message, "Message-ID"))
    if ids and ids[0].lower().endswith(f"@{site_host().lower()}>"):
        return "A message this application sent (its own Message-ID)."
    if not valid_address(address):
        return "No valid sender address."
    return ""


def own_addresses() -> set[str]:
    own = {address.lower() for address in settings.INBOUND_MAIL_ADDRESSES}
    for value in (settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL):
        own.add(email.utils.parseaddr(value)[1].lower())
    return own - {""}


def our_address(message) -> tuple[str, str]:
    """The address of ours the message was sent to and what it means; the Client Services inbox by default."""
    addresses = {key.lower(): value for key, value in settings.INBOUND_MAIL_ADDRESSES.items()}
    for address in mail_parsing.recipients(message):
        if address in addresses:
            return address, addresses[address]
    return "", "client_services"


def valid_address(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def received_moment(message, now: datetime.datetime) -> datetime.datetime:
    """The message's own time, unless it is in the future or implausibly old (then the moment we read it)."""
    moment = mail_parsing.received_at(message)
    if moment is None or moment > now + CLOCK_SKEW or moment < now - MAX_AGE:
        return now
    return min(moment, now)


def clean_subject(subject: str) -> str:
    return _SUBJECT_PREFIX.sub("", subject).strip()[:200] or "(no subject)"


def bounded(text: str) -> str:
    note = "\n\n[The email was longer; the rest is in the original message.]"
    return text if len(text) <= MESSAGE_TEXT else text[: MESSAGE_TEXT - len(note)] + note


def sender_user(address: str) -> User | None:
    return User.objects.filter(email=canonical_email(address), is_active=True).first() if address else None


def checked_attachments(message) -> tuple[list[CheckedUpload], list[str]]:
    """The attachments that pass the upload checks, and a line for each refused one."""
    max_bytes = CaseSettings.load().max_attachment_mb * 1024 * 1024
    accepted, refused = [], []
    for attachment in mail_parsing.attachments(message):
        upload = SimpleUploadedFile(attachment.filename[:255], attachment.content, attachment.content_type)
        try:
            accepted.append(check_upload(upload, max_bytes=max_bytes))
        except ValidationError as error:
            refused.append(" ".join(error.messages))
    return accepted, refused


# --- which case it belongs to ---------------------------------------------------------------------------------


REFERENCE = re.compile(r"\b(" + "|".join(sorted(set(KIND_PREFIX.values()))) + r")-(\d{4})-(\d{6})\b")


def thread_case(message) -> Case | None:
    """The case this message replies to: by the Message-IDs it answers (newest first), else by the subject."""
    ids = mail_parsing.message_ids(mail_parsing.header_text(message, "In-Reply-To"))
    ids += list(reversed(mail_parsing.message_ids(mail_parsing.header_text(message, "References"))))
    for message_id in ids:
        pk = case_notification_pk(message_id)
        if pk is not None:
            case_id = CaseNotification.objects.filter(pk=pk).values_list("case_id", flat=True).first()
        else:
            case_id = (
                InboundMessage.objects.filter(message_id=message_id, case__isnull=False)
                .values_list("case_id", flat=True)
                .first()
            )
        if case_id is not None:
            return Case.objects.select_related("participant", "submitted_by").get(pk=case_id)
    match = REFERENCE.search(mail_parsing.header_text(message, "Subject"))
    if match is None:
        return None
    return Case.objects.select_related("participant", "submitted_by").filter(reference=match.group(0)).first()


def may_add(case: Case, *, user: User | None, address: str) -> bool:
    """The original requester, or an active contact of the case's MP; nobody else writes on a case by email."""
    if address and address in {case.contact_email.lower(), case.requester_email.lower()}:
        return True
    return bool(
        user is not None
        and case.participant_id
        and User.objects.active_contacts(case.participant).filter(pk=user.pk).exists()
    )


_QUOTE_START = re.compile(r"^(-{2,}\s*original message\s*-{2,}|_{10,}|from:\s.+@.+)$", re.I)


def reply_text(text: str) -> str:
    """A reply's own words: the text above the quoted thread ("On … wrote:", "-----Original Message-----", an
    Outlook header block) without ``>`` lines. The whole text when nothing of its own would remain (the original
    message is kept on its ``InboundMessage``)."""
    lines = text.splitlines()
    cut = len(lines)
    for index, line in enumerate(lines[1:], start=1):
        stripped = line.strip()
        joined = f"{stripped} {lines[index + 1].strip()}" if index + 1 < len(lines) else stripped
        if _QUOTE_START.match(stripped) or (
            stripped.startswith("On ") and (stripped.endswith("wrote:") or joined.endswith("wrote:"))
        ):
            cut = index
            break
    own = "\n".join(line for line in lines[:cut] if not line.lstrip().startswith(">")).strip()
    return own or text
