"""Bounce ingestion: DSN messages (RFC 3464) and normalized provider events suppress hard bounces and complaints.

``ingest_dsn(raw)`` reads a ``multipart/report; report-type=delivery-status``
message: every per-recipient block with ``Action: failed`` or a ``5.x.x``
``Status`` is a hard bounce and its ``Final-Recipient`` (or
``Original-Recipient``) is suppressed; ``4.x.x`` (delayed, transient) is
ignored. ``ingest_bounce_event(payload)`` takes ``{"email": ..., "type":
"hard_bounce" | "complaint" | "soft_bounce"}`` as a provider webhook or
``manage.py ingest_bounces`` passes it.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from ercot_services.core.mail_parsing import is_delivery_status_report

from .models import Suppression
from .services.subscriptions import suppression_add

EVENT_REASONS = {
    "hard_bounce": Suppression.Reason.HARD_BOUNCE,
    "bounce": Suppression.Reason.HARD_BOUNCE,
    "complaint": Suppression.Reason.COMPLAINT,
    "spam_complaint": Suppression.Reason.COMPLAINT,
}
IGNORED_EVENTS = {"soft_bounce", "deferred", "delayed", "delivered"}
_STATUS = re.compile(r"^\s*([245])\.\d{1,3}\.\d{1,3}")


@dataclass
class BounceResult:
    suppressed: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def __add__(self, other: BounceResult) -> BounceResult:
        return BounceResult(self.suppressed + other.suppressed, self.ignored + other.ignored)


def _address(value: str | None) -> str | None:
    """``rfc822; user@example.com`` → ``user@example.com`` (or None when it is no address)."""
    if not value:
        return None
    address = value.split(";", 1)[-1].strip().strip("<>").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        return None
    return address


def ingest_bounce_event(payload: dict) -> BounceResult:
    """A normalized event: ``{"email": "...", "type": "hard_bounce" | "complaint", "detail": "..."}``."""
    if not isinstance(payload, dict):
        raise ValueError("A bounce event is a JSON object.")
    address = _address(str(payload.get("email") or ""))
    kind = str(payload.get("type") or "").strip().lower()
    if address is None:
        raise ValueError("The bounce event has no valid email address.")
    if kind in IGNORED_EVENTS:
        return BounceResult(ignored=[address])
    reason = EVENT_REASONS.get(kind)
    if reason is None:
        raise ValueError(f"Unknown bounce event type {kind!r}.")
    detail = str(payload.get("detail") or f"Provider event: {kind}")[:1000]
    suppression_add(email=address, reason=reason, detail=detail)
    return BounceResult(suppressed=[address])


def _delivery_status_blocks(message) -> list:
    """The per-recipient header blocks of the message/delivery-status part(s)."""
    blocks = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        if isinstance(payload, list):
            # The email package parses each block (per-message, then per-recipient) as a sub-message.
            blocks.extend(payload)
        else:
            text = (
                payload
                if isinstance(payload, str)
                else (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
            )
            for chunk in re.split(r"\r?\n\s*\r?\n", text.strip()):
                blocks.append(email.message_from_string(chunk + "\n", policy=email.policy.compat32))
    return blocks


def ingest_dsn(raw: bytes) -> BounceResult:
    """A DSN: suppress each permanently failed recipient; 4.x.x (transient) is ignored."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    if not is_delivery_status_report(message):
        raise ValueError("Not a delivery status notification (multipart/report; report-type=delivery-status).")
    result = BounceResult()
    for block in _delivery_status_blocks(message):
        recipient = _address(block.get("Final-Recipient")) or _address(block.get("Original-Recipient"))
        if recipient is None:
            continue  # the per-message block (Reporting-MTA, Arrival-Date)
        status = (block.get("Status") or "").strip()
        action = (block.get("Action") or "").strip().lower()
        match = _STATUS.match(status)
        hard = (match is not None and match.group(1) == "5") or (match is None and action == "failed")
        if not hard:
            result.ignored.append(recipient)
            continue
        diagnostic = " ".join((block.get("Diagnostic-Code") or "").split())
        suppression_add(
            email=recipient,
            reason=Suppression.Reason.HARD_BOUNCE,
            detail=f"DSN status {status or '?'}: {diagnostic}"[:1000],
        )
        result.suppressed.append(recipient)
    return result


def ingest(raw: bytes) -> BounceResult:
    """A file's content: a DSN message, a JSON event, a JSON list of events, or JSON lines."""
    import json

    text = raw.lstrip()
    if text[:1] in (b"{", b"["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            data = [json.loads(line) for line in text.splitlines() if line.strip()]
        events = data if isinstance(data, list) else [data]
        result = BounceResult()
        for event in events:
            result = result + ingest_bounce_event(event)
        return result
    return ingest_dsn(raw)
