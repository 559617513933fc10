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
  A mail server that cannot be reached at all (refused, or silent past ``EMAIL_TIMEOUT``: a hung server counts
  as a dead one) charges no row: the run stops, hands back what it claimed at once, and its task retries within
  seconds (:func:`retry_countdown`, :func:`outbox_retry`).
- **recovery without waiting for the clock** (``core.delivery_recovery``): one sweep (beat, every
  ``OUTBOX_SWEEP_SECONDS``) queues again, for every kind registered in :func:`outbox_register`, the rows that
  stopped moving: pending rows of a group (a notice) with no send or claim for ``OUTBOX_STALLED_SECONDS``, and
  claims whose worker died. Apps register their kinds in an ``outbox`` module that core discovers at start-up
  (as the admin discovers ``admin`` modules), so core imports no app.

Exactly once: a row is claimed before it is sent (by a row lock, :func:`outbox_send`, or by a ``claimed`` status
for chunked fan-outs: ``core.delivery_claims``, where the claim is a lease renewed while the run sends) and marked
in its own commit right after the send, so a run repeated or retried finds it sent and skips it, and a killed
worker repeats at most the message in flight, with the same Message-ID (each kind's builder derives it from the
row). A row marked sent is never put back, whatever a late failure of another run says.

Publishing a task never fails the caller's work (:func:`outbox_enqueue`): a broker that is down leaves the rows
pending, and the sweep queues them when it is back.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import logging
import smtplib
import time
from collections.abc import Callable
from typing import Any, Protocol

import kombu.exceptions
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends import smtp as smtp_backend
from django.db import connections, models, router, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# A row is tried at most this many times (a staff resend starts it again). Tasks retry one time fewer.
MAX_ATTEMPTS = 5
TASK_MAX_RETRIES = MAX_ATTEMPTS - 1
# What a row handed back because the mail server could not be reached says (no attempt counted).
UNAVAILABLE = "Mail server unavailable"
# Publishing a follow-up task from a worker: wait up to about a minute for a broker that restarts.
PATIENT_PUBLISH = {"max_retries": 30, "interval_start": 1, "interval_step": 1, "interval_max": 2}
# After a failed publish, a process queues nothing more for this many seconds (the sweep queues the rows).
BROKER_BACKOFF = 5.0
MAIL_SERVER_KEY = "outbox:mail-server"


class DeliveryStatus(models.TextChoices):
    """The states every delivery table shares (each model's ``Status`` uses the same values)."""

    PENDING = "pending", "Pending"
    CLAIMED = "claimed", "Sending"  # only kinds that claim rows by status (chunked fan-outs)
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


@dataclasses.dataclass(frozen=True)
class WireMessage:
    """A message as the bytes an SMTP server is given (what Django's SMTP backend would send), for kinds that can
    make them cheaper than building an ``EmailMessage`` (``OutboxKind.wire``)."""

    from_email: str
    to: list[str]
    data: bytes
    message_id: str

    def recipients(self) -> list[str]:
        """The envelope's recipients, as ``EmailMessage.recipients()`` names them."""
        return self.to


class DeliveryRow(Protocol):
    """What the engine needs of a delivery row.

    Every delivery model has ``status`` (:class:`DeliveryStatus` values), ``attempts``, ``last_error`` and
    ``sent_at``. Two columns are optional and used when present: ``claimed_at`` (rows claimed by status: the
    lease, released again on failure) and ``message_id`` (records the Message-ID the row was sent with).
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
    ``written_at`` is the lookup of the time a row was queued. ``claim_timeout`` is set for kinds whose rows are
    claimed by status: a claim not renewed for that long belongs to a worker that died. ``group`` names the
    field whose rows move together (a notice's fan-out): the sweep judges progress per group, so one row sent
    or claimed in the last ``OUTBOX_STALLED_SECONDS`` keeps the whole group from being queued again. ``wire(row)``,
    if set, gives the row's message as bytes for an SMTP connection (or ``None``: then ``build`` is used); other
    backends (files, memory in tests) always get ``build``'s message. ``mail`` is false for a kind that is not
    email (webhooks): its own task sends it (``build`` gives the request), and the sweep queues its stranded rows
    whether or not the mail server answers.
    """

    name: str
    model: type[models.Model]
    build: Callable[[Any], EmailMessage]
    requeue: Callable[[models.QuerySet], int]
    written_at: str = "created_at"
    claim_timeout: Callable[[], datetime.timedelta] | None = None
    group: str | None = None
    wire: Callable[[Any], WireMessage | None] | None = None
    mail: bool = True

    def _has(self, field: str) -> bool:
        try:
            self.model._meta.get_field(field)
        except FieldDoesNotExist:
            return False
        return True

    @property
    def records_message_id(self) -> bool:
        return self._has("message_id")


_kinds: dict[str, OutboxKind] = {}


def outbox_register(kind: OutboxKind) -> OutboxKind:
    """Add a kind to the registry (from an app's ``outbox`` module); registering a name again replaces it."""
    _kinds[kind.name] = kind
    return kind


def outbox_kind(name: str) -> OutboxKind:
    return _kinds[name]


def outbox_kinds() -> list[OutboxKind]:
    return list(_kinds.values())


def _resolve(kind: OutboxKind | str) -> OutboxKind:
    return outbox_kind(kind) if isinstance(kind, str) else kind


@dataclasses.dataclass
class SendReport:
    """What a run did: rows sent, failed for good, and left pending for a retry (``error``: the last such error)."""

    sent: int = 0
    failed: int = 0
    retry: int = 0
    error: Exception | None = None

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "failed": self.failed, "retry": self.retry}

    @property
    def unreachable(self) -> bool:
        """The run stopped because the mail server could not be reached."""
        return isinstance(self.error, MailServerUnavailable)


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
    untouched, if the connection cannot be opened. A row someone else marked sent meanwhile stays sent.
    """
    attempts = row.attempts + 1
    unsent = kind.model._default_manager.filter(pk=row.pk).exclude(status=DeliveryStatus.SENT)  # lazy: no query
    release = {"claimed_at": None} if kind.claim_timeout is not None else {}
    smtp = isinstance(connection, smtp_backend.EmailBackend)
    try:
        message = (kind.wire(row) if smtp and kind.wire is not None else None) or kind.build(row)
    except Exception as error:
        # A message that cannot be built (a template or data error) will not build on a retry either: the row fails
        # with the reason, where the delivery reports show it, instead of being swept again every few minutes.
        logger.exception("%s %s could not be built", kind.name, row.pk)
        reason = f"The message could not be built: {error!r}"[:1000]
        unsent.update(status=DeliveryStatus.FAILED, attempts=attempts, last_error=reason, **release)
        return DeliveryStatus.FAILED, error
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        raise MailServerUnavailable(f"{type(error).__name__}: {error}") from error
    try:
        if isinstance(message, WireMessage):
            connection.connection.sendmail(message.from_email, message.to, message.data)
        else:
            message.connection = connection
            message.send()
    except (smtplib.SMTPException, OSError) as error:
        give_up = is_permanent(error) or attempts >= MAX_ATTEMPTS
        status = DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING
        logger.warning("%s %s to %s: %s (%s)", kind.name, row.pk, ", ".join(message.recipients()), error, status)
        unsent.update(status=status, attempts=attempts, last_error=str(error)[:1000] or repr(error), **release)
        if _connection_suspect(error):
            close_quietly(connection)  # the next row opens a fresh one
        return status, error
    sent = {"status": DeliveryStatus.SENT, "sent_at": timezone.now(), "attempts": attempts}
    if kind.records_message_id:
        wired = isinstance(message, WireMessage)
        sent["message_id"] = message.message_id if wired else message.extra_headers.get("Message-ID", "")
    _mark(kind.model, row.pk, sent)
    return DeliveryStatus.SENT, None


def _mark(model: type[models.Model], pk, values: dict) -> None:
    """``UPDATE`` one row by primary key, in SQL made here rather than by the ORM: building the ORM's query cost as
    much CPU as the statement, once per message of a fan-out. Values go through their fields' own preparation."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in values]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    params = [field.get_db_prep_save(values[field.name], connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s",  # noqa: S608 - names from the model, values as parameters
            [*params, pk],
        )


def close_quietly(connection) -> None:
    """Close quietly: a connection that already failed must not hide what happened to the rows."""
    with contextlib.suppress(smtplib.SMTPException, OSError):
        connection.close()


def send_into_report(kind: OutboxKind, row, connection, report: SendReport) -> None:
    """Send one claimed row (:func:`delivery_send`) and count the outcome in ``report``."""
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
    the row it was about to send, which says why in ``last_error`` (no attempt counted).
    """
    kind = _resolve(kind)
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
                    send_into_report(kind, row, connection, report)
                except MailServerUnavailable as unavailable:
                    rows.filter(pk=row.pk).update(last_error=f"{UNAVAILABLE}: {unavailable}"[:1000])
                    report.retry += 1
                    report.error = unavailable
                    break
    finally:
        close_quietly(connection)
    mail_server_seen(report)
    return report


# --- retries and publishing ------------------------------------------------------------------------------------


def retry_countdown(retries: int, *, unreachable: bool = False) -> int:
    """Seconds before retry number ``retries + 1`` of a delivery task.

    A mail server that could not be reached charged no row: 5, 10, 20, 30 seconds, so sending resumes within half
    a minute of it being back (the sweep takes over once the retries run out). Rows that failed transiently (a
    4xx) wait longer, as the server asked: 1, 2, 4, 8 minutes …, at most 30.
    """
    if unreachable:
        return min(5 * 2**retries, 30)
    return min(60 * 2**retries, 1800)


def outbox_retry(task, report: SendReport):
    """The ``Retry`` a delivery task raises for ``report`` (``raise outbox_retry(self, report)``)."""
    return task.retry(countdown=retry_countdown(task.request.retries, unreachable=report.unreachable))


_broker_down_until = 0.0


def outbox_enqueue(task, *, patient: bool = False, **kwargs) -> bool:
    """Queue ``task(**kwargs)`` (the way every outbox task is queued, after commit and by the sweep); if the broker
    cannot take it, log and return False instead of raising.

    The rows the task would send are in the database already, pending: the sweep queues them once the broker is
    back, so a broker outage never fails the work that wrote them, nor holds it up for long: once a publish
    failed, this process does not try again for :data:`BROKER_BACKOFF` seconds (a request queueing ten emails
    pays for one failed publish, not ten). Nobody reads an outbox task's result, so none is asked for: with Redis
    as the result backend, asking subscribes to the result first, which blocks for about 20 s on a Redis that is
    down. ``patient`` (a worker queueing the next chunk of a fan-out) retries the publish for about a minute, so a
    broker restart does not break the chain.
    """
    global _broker_down_until
    eager = task.app.conf.task_always_eager
    if not patient and not eager and time.monotonic() < _broker_down_until:
        logger.info("%s%s not queued: the broker was down moments ago; the outbox sweep will", task.name, kwargs)
        return False
    options = {"retry": True, "retry_policy": PATIENT_PUBLISH} if patient else {}
    try:
        task.apply_async(kwargs=kwargs, ignore_result=True, **options)
    except kombu.exceptions.OperationalError as error:
        _broker_down_until = time.monotonic() + BROKER_BACKOFF
        logger.warning("%s%s could not be queued (%s); the outbox sweep will", task.name, kwargs, error)
        return False
    except Exception:
        # Eager mode (no broker): the task itself failed. Its rows stay pending all the same, for its retry or the sweep.
        logger.warning("%s%s failed; its rows stay pending", task.name, kwargs, exc_info=True)
        return False
    return True


# --- the mail server, as the workers last saw it ------------------------------------------------------------------


def mail_server_seen(report: SendReport) -> None:
    """Remember whether the mail server answered this run (for the delivery health); a cache that is down is
    ignored."""
    if report.unreachable:
        _mail_server_is(report.error)
    elif report.sent:
        _mail_server_is(None)


def mail_server_state() -> dict | None:
    """``{"ok", "error", "at"}`` of the last run or probe that reached (or failed to reach) the mail server."""
    return hint_get(MAIL_SERVER_KEY)


def mail_server_probe() -> Exception | None:
    """Open and close a connection to the mail server (``EMAIL_TIMEOUT`` bounds it); the error, or None."""
    connection = get_connection()
    error = None
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as failure:
        error = MailServerUnavailable(f"{type(failure).__name__}: {failure}")
    finally:
        close_quietly(connection)
    _mail_server_is(error)
    return error


def _mail_server_is(error: Exception | None) -> None:
    hint_set(MAIL_SERVER_KEY, {"ok": error is None, "error": str(error or "")[:300], "at": timezone.now()})


# Hints in the shared cache (production requires a shared one): the mail server as last seen, the last sweep, which
# task holds which lease. They speed recovery up and explain a stall; none is needed for a row to be sent once, so
# a cache that is down is logged and ignored.


def hint_set(key: str, value) -> None:
    try:
        cache.set(key, value, timeout=24 * 3600)
    except Exception:
        logger.debug("cache unavailable for %s", key, exc_info=True)


def hint_get(key: str):
    try:
        return cache.get(key)
    except Exception:
        logger.debug("cache unavailable for %s", key, exc_info=True)
        return None


def hint_delete(key: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        logger.debug("cache unavailable for %s", key, exc_info=True)


def stalled_after() -> datetime.timedelta:
    """A group of rows with pending rows and no send or claim for this long has stalled (``OUTBOX_STALLED_SECONDS``)."""
    return datetime.timedelta(seconds=settings.OUTBOX_STALLED_SECONDS)
