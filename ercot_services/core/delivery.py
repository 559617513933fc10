"""The one outbox engine: every email of the project is a delivery row, sent and marked by :func:`delivery_send`.

Each domain keeps its own delivery table (``OutboundEmail`` here, case emails, letter deliveries, notice
deliveries): the delivery reports, the resend actions and the unique constraints that stop a recipient getting
the same thing twice are per domain, and their columns differ (a letter delivery says in what capacity a person is
copied, a notice delivery carries an unsubscribe token). Merging them into ``OutboundEmail`` would mean copying
every body into it and re-deriving each report from it. What is common is how a row is sent, and that lives once,
here:

- **one attempt limit** (:data:`MAX_ATTEMPTS`) and **one retry policy**: an SMTP reply in the 5xx range is
  permanent (the row is failed at once); anything else (4xx, a refused or dropped connection, a timeout) is
  transient: the row goes back to pending with the attempt counted, and is failed once it reaches the limit.
  A mail server that cannot be reached at all charges no row: the run stops, hands back what it claimed and
  asks its task to retry (:func:`retry_countdown` is the one backoff).
- **one sweep** (:func:`outbox_sweep`): rows whose task was lost (a broker restart, a killed worker) are queued
  again, for every kind registered in :func:`outbox_register`. Apps register their kinds in an ``outbox`` module
  that core discovers at start-up (as the admin discovers ``admin`` modules), so core imports no app.

Exactly once: a row is claimed before it is sent (by a row lock, :func:`outbox_send`, or by a ``claimed`` status
for chunked fan-outs, :func:`outbox_send_claimed`) and marked in its own commit right after the send, so a run
repeated or retried finds it sent and skips it, and a killed worker repeats at most the message in flight, with
the same Message-ID (each kind's builder derives it from the row).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import logging
import smtplib
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from django.core.exceptions import FieldDoesNotExist
from django.core.mail import EmailMessage, get_connection
from django.db import DatabaseError, models, transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

# A row is tried at most this many times (a staff resend starts it again). Tasks retry one time fewer.
MAX_ATTEMPTS = 5
TASK_MAX_RETRIES = MAX_ATTEMPTS - 1
# Rows still pending this long after they were written lost their task: the sweep queues them again.
STALE_AFTER = datetime.timedelta(minutes=10)


class DeliveryStatus(models.TextChoices):
    """The states every delivery table shares (each model's ``Status`` uses the same values)."""

    PENDING = "pending", "Pending"
    CLAIMED = "claimed", "Sending"  # only kinds that claim rows by status (chunked fan-outs)
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class DeliveryRow(Protocol):
    """What the engine needs of a delivery row.

    Every delivery model has ``status`` (:class:`DeliveryStatus` values), ``attempts``, ``last_error`` and
    ``sent_at``. Two columns are optional and used when present: ``claimed_at`` (rows claimed by status, released
    again on failure) and ``message_id`` (records the Message-ID the row was sent with).
    """

    pk: Any
    status: str
    attempts: int
    last_error: str
    sent_at: datetime.datetime | None


@dataclasses.dataclass(frozen=True)
class OutboxKind:
    """One kind of delivery row: its model, how one row becomes a message, and how lost rows are queued again.

    ``build(row)`` returns the message with its deterministic ``Message-ID`` header. ``requeue(rows)`` queues the
    tasks that send ``rows`` (grouped as the kind's task takes them) and returns how many it queued.
    ``written_at`` is the lookup of the time a row was queued, for the sweep. ``claim_timeout`` is set for kinds
    whose rows are claimed by status: a claim older than it belongs to a worker that died.
    """

    name: str
    model: type[models.Model]
    build: Callable[[Any], EmailMessage]
    requeue: Callable[[models.QuerySet], int]
    written_at: str = "created_at"
    claim_timeout: Callable[[], datetime.timedelta] | None = None

    def _has(self, field: str) -> bool:
        try:
            self.model._meta.get_field(field)
        except FieldDoesNotExist:
            return False
        return True

    @property
    def records_message_id(self) -> bool:
        return self._has("message_id")

    def stranded(self, now: datetime.datetime) -> models.QuerySet:
        """Rows whose task was lost: pending since before :data:`STALE_AFTER`, or claimed by a dead worker."""
        lost = Q(status=DeliveryStatus.PENDING, **{f"{self.written_at}__lt": now - STALE_AFTER})
        if self.claim_timeout is not None:
            lost |= Q(status=DeliveryStatus.CLAIMED, claimed_at__lt=now - self.claim_timeout())
        return self.model._default_manager.filter(lost)


_kinds: dict[str, OutboxKind] = {}


def outbox_register(kind: OutboxKind) -> OutboxKind:
    """Add a kind to the registry (from an app's ``outbox`` module); registering a name again replaces it."""
    _kinds[kind.name] = kind
    return kind


def outbox_kind(name: str) -> OutboxKind:
    return _kinds[name]


def outbox_kinds() -> list[OutboxKind]:
    return list(_kinds.values())


@dataclasses.dataclass
class SendReport:
    """What a run did: rows sent, failed for good, and left pending for a retry (``error``: the last such error)."""

    sent: int = 0
    failed: int = 0
    retry: int = 0
    error: Exception | None = None

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "failed": self.failed, "retry": self.retry}


class MailServerUnavailable(Exception):
    """The connection to the mail server could not be opened: no row was tried, the run stops and retries."""


def is_permanent(error: Exception) -> bool:
    """An SMTP reply in the 5xx range (every refused recipient, for a refusal) will not change on a retry."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code >= 500 for code, _ in error.recipients.values())
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def _connection_suspect(error: Exception) -> bool:
    """Anything but a server reply (a refused recipient, a 4xx/5xx) may have left the connection unusable."""
    return not isinstance(error, (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused))


def delivery_send(*, kind: OutboxKind, row: DeliveryRow, connection) -> tuple[str, Exception | None]:
    """Build ``row``'s message, send it over ``connection`` (opened here if needed) and mark the row.

    The caller has claimed the row (a lock or a ``claimed`` status). Returns the row's new status and the error:
    ``sent``; ``failed`` (a message that cannot be built, a permanent error, or the last allowed attempt);
    ``pending`` (a transient error: try again later). Raises :class:`MailServerUnavailable`, leaving the row
    untouched, if the connection cannot be opened.
    """
    attempts = row.attempts + 1
    rows = kind.model._default_manager.filter(pk=row.pk)
    release = {"claimed_at": None} if kind.claim_timeout is not None else {}
    try:
        message = kind.build(row)
    except Exception as error:
        # A message that cannot be built (a template or data error) will not build on a retry either: the row fails
        # with the reason, where the delivery reports show it, instead of being swept again every few minutes.
        logger.exception("%s %s could not be built", kind.name, row.pk)
        reason = f"The message could not be built: {error!r}"[:1000]
        rows.update(status=DeliveryStatus.FAILED, attempts=attempts, last_error=reason, **release)
        return DeliveryStatus.FAILED, error
    message.connection = connection
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        raise MailServerUnavailable(str(error)) from error
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        give_up = is_permanent(error) or attempts >= MAX_ATTEMPTS
        status = DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING
        logger.warning("%s %s to %s: %s (%s)", kind.name, row.pk, ", ".join(message.recipients()), error, status)
        rows.update(status=status, attempts=attempts, last_error=str(error)[:1000], **release)
        if _connection_suspect(error):
            _close(connection)  # the next row opens a fresh one
        return status, error
    sent = {"status": DeliveryStatus.SENT, "sent_at": timezone.now(), "attempts": attempts}
    if kind.records_message_id:
        sent["message_id"] = message.extra_headers.get("Message-ID", "")
    rows.update(**sent)
    return DeliveryStatus.SENT, None


def _close(connection) -> None:
    """Close quietly: a connection that already failed must not hide what happened to the rows."""
    with contextlib.suppress(smtplib.SMTPException, OSError):
        connection.close()


def _send_one(kind: OutboxKind, row, connection, report: SendReport) -> None:
    status, error = delivery_send(kind=kind, row=row, connection=connection)
    if status == DeliveryStatus.SENT:
        report.sent += 1
    elif status == DeliveryStatus.FAILED:
        report.failed += 1
    else:
        report.retry += 1
        report.error = error


def outbox_send(*, kind: OutboxKind | str, rows: models.QuerySet, connection=None) -> SendReport:
    """Send the pending rows of ``rows``, one at a time, over one connection; safe to run twice, or at once.

    Each row is locked (``SKIP LOCKED``: a row another run holds is left to it), sent and marked in one
    transaction. A row that fails transiently is not tried again in the same run, so it does not hold back the
    others. If the mail server cannot be reached the run stops with ``report.error`` set and ``retry`` counting
    the row it was about to send.
    """
    kind = outbox_kind(kind) if isinstance(kind, str) else kind
    report = SendReport()
    tried: list = []
    connection = connection or get_connection()
    try:
        while True:
            with transaction.atomic():
                row = (
                    rows.select_for_update(skip_locked=True, of=("self",))
                    .filter(status=DeliveryStatus.PENDING)
                    .exclude(pk__in=tried)
                    .order_by("pk")
                    .first()
                )
                if row is None:
                    break
                tried.append(row.pk)
                try:
                    _send_one(kind, row, connection, report)
                except MailServerUnavailable as unavailable:
                    report.retry += 1
                    report.error = unavailable
                    break
    finally:
        _close(connection)
    return report


def outbox_send_claimed(*, kind: OutboxKind | str, rows: Iterable, connection=None) -> SendReport:
    """Send rows the caller claimed by status (a chunk of a fan-out), each marked in its own commit.

    If the mail server cannot be reached, the rows not sent yet go back to pending at once (no attempt counted)
    rather than waiting for their claim to time out, and ``report.retry`` counts them.
    """
    kind = outbox_kind(kind) if isinstance(kind, str) else kind
    report = SendReport()
    rows = list(rows)
    connection = connection or get_connection()
    done = 0
    try:
        for row in rows:
            _send_one(kind, row, connection, report)
            done += 1
    except MailServerUnavailable as unavailable:
        report.retry += _release(kind, rows[done:])
        report.error = unavailable
    except BaseException:
        # A time limit or a worker shutdown: hand the rest back now rather than after the claim timeout (the row
        # in flight, if it went out, goes again with the same Message-ID). Best effort: the claim timeout remains.
        with contextlib.suppress(DatabaseError):
            _release(kind, rows[done:])
        raise
    finally:
        _close(connection)
    return report


def _release(kind: OutboxKind, rows: list) -> int:
    """Put claimed rows back to pending, no attempt counted; returns how many there were."""
    kind.model._default_manager.filter(pk__in=[row.pk for row in rows], status=DeliveryStatus.CLAIMED).update(
        status=DeliveryStatus.PENDING, claimed_at=None
    )
    return len(rows)


def retry_countdown(retries: int) -> int:
    """Seconds before retry number ``retries + 1`` of a delivery task: 1, 2, 4, 8 minutes …, at most 30."""
    return min(60 * 2**retries, 1800)


def outbox_sweep(*, kinds: Iterable[str] | None = None, now: datetime.datetime | None = None) -> dict[str, int]:
    """Queue again the stranded rows of every registered kind (or of ``kinds``); returns the tasks queued per kind.

    Sending skips what was sent meanwhile, so a row queued twice is still sent once.
    """
    now = now or timezone.now()
    selected = outbox_kinds() if kinds is None else [outbox_kind(name) for name in kinds]
    return {kind.name: kind.requeue(kind.stranded(now)) for kind in selected}
