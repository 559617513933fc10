"""Where inbound email comes from: a message store per source, each handing raw messages to
``cases.services.inbound.inbound_message_receive`` and marking what it handed over.

- :class:`MaildirSource` (the embedded default, ``INBOUND_MAILDIR``, ``var/inbound/``): every message in ``new/`` or
  in ``cur/`` without the Seen flag; once recorded it moves to ``cur/`` with the Seen flag (``:2,S``). Drop a
  ``.eml`` file into ``var/inbound/new/`` and the next poll opens its case.
- :class:`ImapSource` (``INBOUND_IMAP_*``): UID-based; searches the folder for messages without ``\\Seen``, fetches
  each with ``BODY.PEEK[]`` (fetching marks nothing), and sets ``\\Seen`` only once the message is recorded.
- the webhook (``InboundMailWebhookView`` in ``cases.views.public``) pushes instead of being polled.

A poll is resumable and idempotent: a message is recorded once by its Message-ID, so one marked too late (a crash
between recording and marking) is simply recognised on the next poll; rows left Received by a crash are processed by
the next poll (:func:`inbound_poll`).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import imaplib
import logging
import mailbox
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .models import InboundMessage, InboundSource, InboundStatus

logger = logging.getLogger(__name__)

STUCK_AFTER = datetime.timedelta(minutes=5)
SIGNATURE_HEADER = "X-Inbound-Signature"


def inbound_signature(body: bytes, secret: str) -> str:
    """The webhook's signature header value (``cases.views.public.InboundMailWebhookView``): ``sha256=`` and the
    hex HMAC-SHA256 of the raw message under ``INBOUND_WEBHOOK_SECRET``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class MaildirSource:
    name = InboundSource.MAILDIR

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path or settings.INBOUND_MAILDIR)

    def poll(self, *, limit: int) -> int:
        from .services.inbound import inbound_message_receive

        for folder in ("tmp", "new", "cur"):  # a newcomer may have made only new/
            (self.path / folder).mkdir(parents=True, exist_ok=True)
        box = mailbox.Maildir(self.path, factory=None, create=True)
        handled = 0
        for key in sorted(box.iterkeys()):
            if handled >= limit:
                break
            message = box.get_message(key)
            if message.get_subdir() == "cur" and "S" in message.get_flags():
                continue
            raw = box.get_bytes(key)
            inbound_message_receive(raw=raw, source=self.name, source_ref=key)
            message.set_subdir("cur")
            message.add_flag("S")
            box[key] = message
            handled += 1
        return handled


class ImapSource:
    name = InboundSource.IMAP

    def __init__(self, connect: Callable[[], imaplib.IMAP4] | None = None):
        self.connect = connect or self._connect

    @staticmethod
    def _connect() -> imaplib.IMAP4:
        cls = imaplib.IMAP4_SSL if settings.INBOUND_IMAP_SSL else imaplib.IMAP4
        connection = cls(settings.INBOUND_IMAP_HOST, settings.INBOUND_IMAP_PORT, timeout=settings.EMAIL_TIMEOUT)
        connection.login(settings.INBOUND_IMAP_USER, settings.INBOUND_IMAP_PASSWORD)
        return connection

    def poll(self, *, limit: int) -> int:
        from .services.inbound import inbound_message_receive

        connection = self.connect()
        try:
            status, _ = connection.select(settings.INBOUND_IMAP_FOLDER)
            if status != "OK":
                raise imaplib.IMAP4.error(f"Cannot open the folder {settings.INBOUND_IMAP_FOLDER!r}.")
            uidvalidity = _first(connection.response("UIDVALIDITY")[1])
            status, data = connection.uid("SEARCH", None, "UNSEEN")
            uids = (data[0] or b"").split() if status == "OK" and data else []
            handled = 0
            for uid in sorted(uids, key=int)[:limit]:
                status, parts = connection.uid("FETCH", uid, "(BODY.PEEK[])")
                raw = next((part[1] for part in parts or [] if isinstance(part, tuple)), None)
                if status != "OK" or raw is None:
                    continue  # expunged meanwhile
                uid_text = uid.decode()
                inbound_message_receive(raw=raw, source=self.name, source_ref=f"{uidvalidity}:{uid_text}")
                connection.uid("STORE", uid, "+FLAGS", "(\\Seen)")
                handled += 1
            return handled
        finally:
            try:
                connection.logout()
            except (imaplib.IMAP4.error, OSError):
                pass


def _first(values) -> str:
    value = (values or [b""])[0] or b""
    return value.decode() if isinstance(value, bytes) else str(value)


def configured_source():
    """The source the periodic poll reads (``INBOUND_MAIL_SOURCE``), or None when only the webhook delivers mail."""
    return {"maildir": MaildirSource, "imap": ImapSource}.get(settings.INBOUND_MAIL_SOURCE, lambda: None)()


def inbound_poll(source=None, *, limit: int | None = None, now: datetime.datetime | None = None) -> int:
    """Read the next messages of the configured source and finish any row a crash left unprocessed."""
    from .services.inbound import inbound_message_process

    now = now or timezone.now()
    source = source or configured_source()
    handled = source.poll(limit=limit or settings.INBOUND_POLL_BATCH) if source is not None else 0
    stuck = InboundMessage.objects.filter(status=InboundStatus.RECEIVED, created_at__lt=now - STUCK_AFTER)
    for row in stuck[: settings.INBOUND_POLL_BATCH]:
        inbound_message_process(message=row)
    return handled
