"""Reading received email: what every app that takes mail in shares (the case inbox, the notice bounce endpoint).

Parsing is lenient (real mail is often malformed) and never raises on bad content: headers in undeclared 8-bit
charsets, bodies in ISO-8859-1 or windows-1252, HTML-only messages (turned into plain text, scripts and styles
dropped: the text is shown escaped, never as markup), attachments with encoded names. The classification of
automatic mail (:func:`automatic_reason`) follows RFC 3834 (``Auto-Submitted``), RFC 3464 (delivery status
notifications) and the common vendor headers, so an auto-reply, a bounce or a list message is never answered.
"""

from __future__ import annotations

import datetime
import email
import email.policy
import email.utils
import html
import re
from dataclasses import dataclass
from email.message import EmailMessage, Message
from html.parser import HTMLParser

_FALLBACK_CHARSETS = ("utf-8", "windows-1252")
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


def parse_message(raw: bytes) -> EmailMessage:
    """The message of ``raw`` (RFC 5322 bytes) with the modern policy: headers decoded, parts iterable."""
    return email.message_from_bytes(raw, policy=email.policy.default)


def is_delivery_status_report(message: Message) -> bool:
    """A DSN (RFC 3464): ``multipart/report; report-type=delivery-status``."""
    return (
        message.get_content_type() == "multipart/report"
        and (message.get_param("report-type") or "").lower() == "delivery-status"
    )


def header_text(message: Message, name: str) -> str:
    """A header as text; raw 8-bit bytes (no RFC 2047 encoding) are read as UTF-8, else windows-1252."""
    raw = next((value for key, value in message.raw_items() if key.lower() == name.lower()), None)
    if raw is None:
        return ""
    if any("\udc80" <= ch <= "\udcff" for ch in raw):
        data = raw.encode("ascii", "surrogateescape")
        text = next((_decoded(data, charset) for charset in _FALLBACK_CHARSETS if _decoded(data, charset)), "")
    else:
        try:
            text = str(message.get(name) or "")
        except (ValueError, IndexError, TypeError, AttributeError):  # a header even the lenient policy cannot parse
            text = raw
    return " ".join(text.split())


def _decoded(data: bytes, charset: str) -> str:
    try:
        return data.decode(charset)
    except UnicodeDecodeError:
        return ""


def sender(message: Message) -> tuple[str, str]:
    """``(display name, address)`` of the sender (``From``), the address lower-cased; ``("", "")`` when none."""
    name, address = email.utils.parseaddr(header_text(message, "From"))
    return name.strip(), address.strip().lower()


def recipients(message: Message) -> list[str]:
    """Every address the message was delivered to (To, Cc, Delivered-To, X-Original-To, Envelope-To), lower-cased."""
    values = [header_text(message, name) for name in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")]
    return [address.lower() for _, address in email.utils.getaddresses(values) if address]


def message_ids(value: str) -> list[str]:
    """The ``<id@host>`` tokens of a Message-ID, In-Reply-To or References header, in order."""
    return _MESSAGE_ID.findall(value or "")


AUTO_SUBMITTED_HUMAN = "no"
AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
AUTOMATIC_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)([+@._-]|$)", re.I)


def automatic_reason(message: Message) -> str:
    """Why this message was written by a machine (never to be answered or turned into a case), or ``""``."""
    if is_delivery_status_report(message) or message.get_content_type() == "multipart/report":
        return "a delivery status notification (bounce)"
    auto_submitted = header_text(message, "Auto-Submitted").lower()
    if auto_submitted and not auto_submitted.startswith(AUTO_SUBMITTED_HUMAN):
        return f"Auto-Submitted: {auto_submitted}"
    for header in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        value = header_text(message, header).lower()
        if value and (header != "X-Auto-Response-Suppress" or value in {"all", "oof"}):
            return f"{header}: {value}"
    precedence = header_text(message, "Precedence").lower()
    if precedence in AUTOMATIC_PRECEDENCE:
        return f"Precedence: {precedence}"
    if header_text(message, "List-Id") or header_text(message, "List-Unsubscribe"):
        return "a mailing-list message"
    _, address = sender(message)
    if not address:
        return "no sender address"
    if AUTOMATIC_SENDERS.match(address) or header_text(message, "Return-Path") == "<>":
        return f"an automatic sender ({address})"
    return ""


def received_at(message: Message) -> datetime.datetime | None:
    """When the message reached us: the newest (topmost) ``Received`` header's date, else ``Date``; aware, or None."""
    candidates = []
    received = message.get_all("Received") or []
    if received:
        candidates.append(str(received[0]).rpartition(";")[2])
    candidates.append(header_text(message, "Date"))
    for value in candidates:
        try:
            moment = email.utils.parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError):
            continue
        if moment is not None and moment.tzinfo is not None:
            return moment
    return None


class _TextFromHtml(HTMLParser):
    """Text of an HTML body: block elements become line breaks, script/style/head are dropped, links keep their URL."""

    BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "hr"}
    SKIPPED = {"script", "style", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.href: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag == "a":
            self.href.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag == "a" and self.href:
            href = self.href.pop()
            if href.startswith(("http://", "https://", "mailto:")):
                self.parts.append(f" ({href})")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextFromHtml()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True) or b""
    declared = part.get_content_charset()
    for charset in ((declared,) if declared else ()) + _FALLBACK_CHARSETS:
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("utf-8", "replace")


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str
    content: bytes


def _is_attachment(part: Message) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    return disposition == "attachment" or (
        bool(part.get_filename()) and part.get_content_maintype() not in ("multipart", "text")
    )


def body_text(message: Message) -> str:
    """The message's text: its first text/plain part, else its first text/html part turned into text."""
    plain = markup = None
    for part in message.walk():
        if part.is_multipart() or _is_attachment(part):
            continue
        if part.get_content_type() == "text/plain" and plain is None:
            plain = _part_text(part)
        elif part.get_content_type() == "text/html" and markup is None:
            markup = _part_text(part)
    if plain is not None and plain.strip():
        return plain.replace("\r\n", "\n").strip()
    if markup is not None:
        return html_to_text(markup)
    return ""


def attachments(message: Message) -> list[MailAttachment]:
    """The attached files (inline images with a name included), in order."""
    found = []
    for part in message.walk():
        if part.is_multipart() or not _is_attachment(part):
            continue
        try:
            filename = part.get_filename() or ""
        except (ValueError, TypeError):
            filename = ""
        found.append(
            MailAttachment(
                filename=filename or "attachment",
                content_type=part.get_content_type(),
                content=part.get_payload(decode=True) or b"",
            )
        )
    return found
