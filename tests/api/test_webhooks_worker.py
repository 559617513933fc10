"""Webhooks with real processes: a Celery worker (and beat running the outbox sweep) on a private Redis, as
tests/faults starts them, delivering to receivers on 127.0.0.1 that verify every signature with the reference
``standardwebhooks`` library. A case filed through the service reaches the receiver that answers 200 once; the
receiver that answers 500 gets its retries, then its endpoint is disabled and the MP's USA is emailed (through the
outbox, to the stack's SMTP sink)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from api.models import WebhookDelivery, WebhookEndpoint, WebhookEventType
from ercot_services.core.models import OutboundEmail
from tests.accounts.factories import MembershipFactory
from tests.cases.factories import SubmittedCaseFactory
from tests.conftest import _missing
from tests.faults.processes import RedisServer, wait_until
from tests.faults.scenarios import Stack, database_url, publishing_to

from .factories import WebhookEndpointFactory
from .webhook_receiver import receiver_running

pytestmark = [pytest.mark.slow, pytest.mark.subprocess, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Three attempts a second apart; one delivery failed for good disables its endpoint.
WORKER_ENVIRONMENT = {
    "WEBHOOK_ALLOW_HTTP": "1",
    "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "1",
    "WEBHOOK_RETRY_DELAYS": "1,1",
    "WEBHOOK_DISABLE_AFTER_FAILURES": "1",
    "OUTBOX_SWEEP_SECONDS": "5",
    "OUTBOX_STALLED_SECONDS": "10",
}


@pytest.fixture(scope="module")
def worker_stack(django_db_setup, tmp_path_factory):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        _missing("the webhook worker test runs the worker as a process: DATABASE_URL must point at PostgreSQL")
    if RedisServer.binary is None:
        _missing("the webhook worker test starts a private redis-server: the binary is not on PATH")
    stack = Stack.start(
        tmp_path_factory.mktemp("webhooks"),
        database_url=database_url(settings.DATABASES["default"]),
        environment=WORKER_ENVIRONMENT,
        workers=1,
    )
    try:
        with publishing_to(stack.redis.url(0)):
            yield stack
    finally:
        stack.stop()


@pytest.fixture
def healthy():
    with receiver_running() as receiver:
        yield receiver


@pytest.fixture
def failing():
    with receiver_running() as receiver:
        receiver.status = 500
        yield receiver


def test_a_real_worker_delivers_signed_webhooks_retries_a_failing_receiver_then_disables_it(
    worker_stack, healthy, failing, participant, mp_user
):
    usa = MembershipFactory(participant=participant, usa=True).user
    good = WebhookEndpointFactory(participant=participant, url=healthy.url, event_types=[WebhookEventType.CASE_CREATED])
    bad = WebhookEndpointFactory(participant=participant, url=failing.url, event_types=[WebhookEventType.CASE_CREATED])
    healthy.secret, failing.secret = good.secret, bad.secret

    case = SubmittedCaseFactory(actor=mp_user, participant=participant)  # commits: the fan-out runs, tasks queued

    try:
        wait_until(lambda: len(failing.requests) >= 3, timeout=60, what="three attempts at the failing receiver")
        wait_until(
            lambda: not WebhookEndpoint.objects.get(pk=bad.pk).enabled, timeout=30, what="the failing endpoint disabled"
        )
        wait_until(lambda: worker_stack.smtp.rcpt_count(usa.email) >= 1, timeout=60, what="the USA's email at the sink")
    except TimeoutError:
        print(worker_stack.logs())
        raise

    (received,) = healthy.requests  # one attempt cycle, one POST: the id is never seen twice
    assert received.verified
    body = json.loads(received.body)
    assert (body["type"], body["data"]["reference"]) == ("case.created", case.reference)
    delivered = WebhookDelivery.objects.get(endpoint=good)
    assert (delivered.status, delivered.attempts, received.headers["webhook-id"]) == ("sent", 1, delivered.event_id)

    assert len(failing.requests) == 3 and all(request.verified for request in failing.requests)
    failed = WebhookDelivery.objects.get(endpoint=bad)
    assert failed.status == "failed" and failed.attempts == 3
    assert set(failing.webhook_ids()) == {failed.event_id}
    assert [attempt.status_code for attempt in failed.attempt_log.all()] == [500, 500, 500]
    assert OutboundEmail.objects.get(to=[usa.email]).subject.startswith("Webhook endpoint disabled")
