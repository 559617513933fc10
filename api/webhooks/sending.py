"""One attempt of a webhook delivery, the way the outbox engine sends an email (``core.delivery``).

The row is claimed first (``outbox_claim``: status ``claimed`` with a lease, so no transaction is held open while
the receiver answers), POSTed, and marked in its own commit; a run repeated or retried finds it sent (or held by
another run) and sends nothing. A row marked sent is never put back. A 2xx answer delivers it; anything else (a
status, a timeout, a refused connection) is recorded as an attempt and the row waits for the next one
(``WEBHOOK_RETRY_DELAYS``), or fails once they are used up. The endpoint is disabled automatically, and its USAs
emailed, after ``WEBHOOK_DISABLE_AFTER_FAILURES`` deliveries failed in a row or when every attempt has failed for
``WEBHOOK_DISABLE_AFTER_SECONDS``.
"""

from __future__ import annotations

import dataclasses
import datetime
import ipaddress
import logging
import socket
import time
from urllib.parse import urlsplit

import requests
import requests.adapters
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services.access import active_security_administrator_ids
from ercot_services.core.audit import audit_record
from ercot_services.core.delivery import DeliveryStatus
from ercot_services.core.delivery_claims import outbox_claim
from ercot_services.core.outbox import email_queue

from ..events import ApiEvent
from .models import RESPONSE_EXCERPT, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .signing import body_of, signed_headers

logger = logging.getLogger(__name__)

KIND = "webhook"
# A retry may arrive this much before its row's ``next_attempt_at`` (clocks of the web and worker hosts differ).
DUE_TOLERANCE = datetime.timedelta(seconds=5)


@dataclasses.dataclass(frozen=True)
class AttemptResult:
    """What one POST got: a status code and the start of the body, or the error that kept it from an answer."""

    status_code: int | None = None
    response_excerpt: str = ""
    error: str = ""
    duration_ms: int = 0

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What a run did with a delivery: its status afterwards, and in how many seconds to try again (pending)."""

    status: str | None
    retry_in: int | None = None


def retry_delay(attempts: int) -> int | None:
    """Seconds to wait after failed attempt number ``attempts`` of a cycle, or ``None`` after the last one."""
    delays = settings.WEBHOOK_RETRY_DELAYS
    return delays[attempts - 1] if attempts <= len(delays) else None


def webhook_request(delivery: WebhookDelivery, at: datetime.datetime | None = None) -> tuple[bytes, dict]:
    """The body and signed headers of ``delivery`` sent at ``at`` (the ``webhook`` kind's message)."""
    body = body_of(delivery.payload)
    return body, signed_headers(delivery.endpoint, webhook_id=delivery.event_id, body=body, at=at or timezone.now())


@dataclasses.dataclass(frozen=True)
class Destination:
    """Where a POST to an endpoint's URL goes: the addresses its host resolved to once, before sending. The POST
    connects to ``address`` itself, so a name that resolves to a public address when checked and to a private one a
    moment later (DNS rebinding) still reaches only the address that was checked."""

    hostname: str
    addresses: tuple[str, ...] = ()

    @property
    def address(self) -> str | None:
        return self.addresses[0] if self.addresses else None

    @property
    def non_public(self) -> str | None:
        """An address not on the public internet (loopback, private, link-local such as a cloud's metadata service,
        reserved), or ``None``. The MP's USA sees what an endpoint answers, so the site must not be made to probe its
        own network (``WEBHOOK_ALLOW_PRIVATE_ADDRESSES`` allows it for local receivers)."""
        return next((address for address in self.addresses if not is_public(address)), None)


def is_public(address: str) -> bool:
    return ipaddress.ip_address(address).is_global


def destination(url: str) -> Destination:
    """Resolve ``url``'s host once. A name that does not resolve has no address: the POST then reports it."""
    hostname = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(hostname, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return Destination(hostname)
    addresses = dict.fromkeys(info[4][0].split("%")[0] for info in infos)
    return Destination(hostname, tuple(addresses))


class _PinnedHostAdapter(requests.adapters.HTTPAdapter):
    """HTTPS to a pinned address that still presents and verifies the endpoint's own name (SNI and certificate)."""

    def __init__(self, hostname: str):
        self.hostname = hostname
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, server_hostname=self.hostname, assert_hostname=self.hostname, **kwargs)


def _pinned(url: str, target: Destination) -> tuple[str, dict, requests.Session]:
    """The URL with its host replaced by the checked address, the Host header naming the endpoint, and a session
    that verifies TLS against the endpoint's name."""
    parts = urlsplit(url)
    session = requests.Session()
    if target.address is None:
        return url, {}, session
    host = f"[{target.address}]" if ":" in target.address else target.address
    netloc = f"{host}:{parts.port}" if parts.port else host
    session.mount("https://", _PinnedHostAdapter(target.hostname))
    host_header = f"{target.hostname}:{parts.port}" if parts.port else target.hostname
    return parts._replace(netloc=netloc).geturl(), {"Host": host_header}, session


def post(delivery: WebhookDelivery) -> AttemptResult:
    """POST the delivery once (connect and read timeouts: ``WEBHOOK_CONNECT_TIMEOUT``, ``WEBHOOK_READ_TIMEOUT``), to
    the address its host resolved to when checked."""
    target = destination(delivery.endpoint.url)
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES and (address := target.non_public):
        return AttemptResult(error=f"Not sent: the endpoint's host resolves to a non-public address ({address}).")
    body, headers = webhook_request(delivery)
    url, host_header, session = _pinned(delivery.endpoint.url, target)
    started = time.monotonic()
    try:
        with session:
            response = session.post(
                url,
                data=body,
                headers={**headers, **host_header},
                timeout=(settings.WEBHOOK_CONNECT_TIMEOUT, settings.WEBHOOK_READ_TIMEOUT),
                allow_redirects=False,
                stream=True,
            )
            with response:
                excerpt = response.raw.read(RESPONSE_EXCERPT, decode_content=True).decode("utf-8", errors="replace")
    except requests.RequestException as error:
        elapsed = int((time.monotonic() - started) * 1000)
        return AttemptResult(error=f"{type(error).__name__}: {error}"[:1000], duration_ms=elapsed)
    elapsed = int((time.monotonic() - started) * 1000)
    return AttemptResult(status_code=response.status_code, response_excerpt=excerpt, duration_ms=elapsed)


def webhook_delivery_attempt(*, delivery_id: int, owner: str | None = None) -> Outcome:
    """Claim the delivery if it is pending and due (or its claim expired), POST it once and mark it. Safe to run
    twice: a second task for the same row (the sweep's, next to a late retry) sends nothing before the backoff."""
    due = WebhookDelivery.objects.filter(pk=delivery_id, next_attempt_at__lte=timezone.now() + DUE_TOLERANCE)
    if not outbox_claim(kind=KIND, rows=due, limit=1, owner=owner):
        return Outcome(status=None)  # sent, failed, not due yet, or another run holds it
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if not delivery.endpoint.enabled:
        _unsent(delivery).update(
            status=DeliveryStatus.FAILED, claimed_at=None, last_error="The endpoint is disabled: not sent."
        )
        return Outcome(status=DeliveryStatus.FAILED)
    result = post(delivery)
    return _record(delivery, result)


def _unsent(delivery: WebhookDelivery):
    return WebhookDelivery.objects.filter(pk=delivery.pk).exclude(status=DeliveryStatus.SENT)


def _record(delivery: WebhookDelivery, result: AttemptResult) -> Outcome:
    """Log the attempt and mark the row, in one commit; then count a success or a failure on the endpoint."""
    now = timezone.now()
    attempts = delivery.attempts + 1
    marked = {"attempts": attempts, "claimed_at": None, "last_status_code": result.status_code}
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            attempted_at=now,
            status_code=result.status_code,
            response_excerpt=result.response_excerpt,
            error=result.error,
            duration_ms=result.duration_ms,
        )
        if result.delivered:
            _unsent(delivery).update(status=DeliveryStatus.SENT, sent_at=now, last_error="", **marked)
            WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).exclude(
                consecutive_failures=0, failing_since=None
            ).update(consecutive_failures=0, failing_since=None)
            return Outcome(status=DeliveryStatus.SENT)
        delay = retry_delay(attempts)
        reason = result.error or f"The endpoint answered {result.status_code}."
        if delay is None:
            _unsent(delivery).update(status=DeliveryStatus.FAILED, last_error=reason, **marked)
        else:
            next_at = now + datetime.timedelta(seconds=delay)
            _unsent(delivery).update(
                status=DeliveryStatus.PENDING, last_error=reason, next_attempt_at=next_at, **marked
            )
        _count_failure(delivery.endpoint_id, now=now, delivery_failed=delay is None)
    logger.info("webhook %s to %s: %s", delivery.event_id, delivery.endpoint.url, reason)
    return Outcome(status=DeliveryStatus.FAILED if delay is None else DeliveryStatus.PENDING, retry_in=delay)


def _count_failure(endpoint_id: int, *, now: datetime.datetime, delivery_failed: bool) -> None:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    endpoint.failing_since = endpoint.failing_since or now
    endpoint.consecutive_failures += int(delivery_failed)
    failing_for = (now - endpoint.failing_since).total_seconds()
    too_many = endpoint.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER_FAILURES
    too_long = failing_for >= settings.WEBHOOK_DISABLE_AFTER_SECONDS
    endpoint.save(update_fields=["failing_since", "consecutive_failures"])
    if endpoint.enabled and (too_many or too_long):
        _disable_failing(endpoint, now=now, too_many=too_many)


def _disable_failing(endpoint: WebhookEndpoint, *, now: datetime.datetime, too_many: bool) -> None:
    """Disable an endpoint that keeps failing (no actor: the system did it) and email its MP's USAs."""
    if too_many:
        reason = f"Disabled automatically: {endpoint.consecutive_failures} deliveries in a row failed."
    else:
        reason = f"Disabled automatically: every delivery attempt failed since {timezone.localtime(endpoint.failing_since):%Y-%m-%d %H:%M}."
    endpoint.enabled, endpoint.disabled_at, endpoint.disabled_reason = False, now, reason
    endpoint.save(update_fields=["enabled", "disabled_at", "disabled_reason"])
    audit_record(
        actor=None,
        verb=ApiEvent.WEBHOOK_ENDPOINT_DISABLED,
        target=endpoint,
        changes={"enabled": (True, False)},
        reason=reason,
    )
    administrators = User.objects.filter(pk__in=active_security_administrator_ids(endpoint.participant))
    email_queue(
        key=f"api:webhook-disabled:{endpoint.pk}:{now.isoformat()}",
        to=[user.email for user in administrators],
        subject=f"Webhook endpoint disabled for {endpoint.participant.short_name}: {endpoint.url}",
        body=render_to_string(
            "emails/api/webhook_endpoint_disabled.txt",
            {
                "endpoint": endpoint,
                "reason": reason,
                "link": settings.SITE_URL + reverse("portal:webhook", args=[endpoint.pk]),
            },
        ),
    )
