"""Recovery of a notice's fan-out without waiting for the clock: the claim is a lease renewed while a chunk sends,
a finished chunk queues the next, the sweep queues a notice again only when nothing moved, and the progress page
says why a fan-out stalled (``notice_delivery_health``)."""

from __future__ import annotations

import datetime
from collections import Counter
from unittest import mock

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from ercot_services.core import delivery, delivery_claims
from ercot_services.core.delivery import UNAVAILABLE, outbox_enqueue
from ercot_services.core.delivery_recovery import (
    SWEPT_KEY,
    DeliveryState,
    StallReason,
    outbox_sweep,
)
from notices.models import NoticeDelivery
from notices.outbox import notice_delivery_health
from notices.tasks import _claim, send_notice_chunk

from .conftest import subscribe

EMAILS = [f"r{i}@example.com" for i in range(6)]
S = NoticeDelivery.Status


@pytest.fixture
def notice(publish, public_list, django_capture_on_commit_callbacks):
    subscribe(public_list, *EMAILS)
    with django_capture_on_commit_callbacks(execute=False):  # no fan-out: the tests drive it
        return publish(lists=[public_list])


def ago(seconds: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


def rows(notice):
    return NoticeDelivery.objects.filter(notice=notice)


def published(notice, seconds_ago: float) -> None:
    type(notice).objects.filter(pk=notice.pk).update(published_at=ago(seconds_ago))
    notice.refresh_from_db()


class Clock:
    """``time.monotonic`` for the engine: ``tick`` seconds pass at every reading, more when a test moves it on."""

    def __init__(self, tick: float = 0):
        self.now = 1000.0
        self.tick = tick

    def __call__(self):
        self.now += self.tick
        return self.now


# --- the lease -------------------------------------------------------------------------------------------------


def test_a_chunk_renews_its_claim_while_it_sends_so_a_short_timeout_does_not_expire_it(notice, settings):
    settings.NOTICE_CLAIM_TIMEOUT_SECONDS = 60
    clock = Clock()  # each message takes a third of the timeout: the chunk outlives its first claim
    claims_seen = []
    original = delivery_claims.send_into_report

    def send_one(kind, row, connection, report):
        clock.now += 20
        claims_seen.append(set(rows(notice).filter(status=S.CLAIMED).values_list("claimed_at", flat=True)))
        return original(kind, row, connection, report)

    with (
        mock.patch.object(delivery_claims.time, "monotonic", clock),
        mock.patch.object(delivery_claims, "send_into_report", send_one),
    ):
        assert send_notice_chunk(notice_id=notice.pk)["sent"] == len(EMAILS)

    # Renewed (every quarter of the timeout): the rows still to send never carried the claim of the start.
    assert len({stamp for seen in claims_seen for stamp in seen}) > 1
    assert Counter(m.to[0] for m in mail.outbox) == Counter(EMAILS)


def test_a_chunk_leaves_alone_the_rows_another_run_took_over_after_its_claim_expired(notice, settings):
    settings.NOTICE_CLAIM_TIMEOUT_SECONDS = 60
    mine = _claim(notice.pk, 100)
    deliveries = list(rows(notice).order_by("pk"))
    for d in deliveries:
        d.notice = notice
    # This run stalled past its claim; another run took the last three rows over (a new claimed_at).
    theirs = mine[3:]
    rows(notice).filter(pk__in=theirs).update(claimed_at=ago(1))
    clock = Clock(tick=100)  # the first renewal is due at once

    with mock.patch.object(delivery_claims.time, "monotonic", clock):
        report = delivery_claims.outbox_send_claimed(kind="notice", rows=deliveries)

    assert report.sent == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(d.email for d in deliveries[:3])
    assert set(rows(notice).filter(pk__in=theirs).values_list("status", flat=True)) == {S.CLAIMED}


def test_a_chunk_task_redelivered_after_its_worker_was_killed_takes_its_rows_back_at_once(notice, settings):
    settings.NOTICE_CLAIM_TIMEOUT_SECONDS = 30
    settings.NOTICE_CHUNK_SIZE = 4
    first = _claim(notice.pk, 4, owner="task-1")  # ... and the worker running task-1 is killed: nothing releases
    others = _claim(notice.pk, 4, owner="task-2")
    assert set(others) == set(rows(notice).values_list("pk", flat=True)) - set(first)
    # The broker redelivers task-1 (acks_late, reject on worker lost): it sends its rows now, not in 30 s.
    assert send_notice_chunk.apply(kwargs={"notice_id": notice.pk}, task_id="task-1").get()["sent"] == 4
    assert set(rows(notice).filter(pk__in=first).values_list("status", flat=True)) == {S.SENT}
    assert set(rows(notice).filter(pk__in=others).values_list("status", flat=True)) == {S.CLAIMED}  # task-2's
    assert _claim(notice.pk, 4, owner="task-1") == []  # its run ended: nothing is task-1's any more


def test_a_released_chunk_says_the_mail_server_was_unavailable_and_counts_no_attempt(notice):
    connection = mock.Mock()
    connection.open.side_effect = ConnectionRefusedError(111, "Connection refused")
    with (
        mock.patch("notices.tasks.get_connection", return_value=connection),
        mock.patch.object(send_notice_chunk, "retry", side_effect=RuntimeError("retry")) as retry,
        pytest.raises(RuntimeError),
    ):
        send_notice_chunk(notice_id=notice.pk)
    assert retry.call_args.kwargs["countdown"] == 5  # seconds, not minutes: nothing was charged
    assert set(rows(notice).values_list("status", "attempts", "claimed_at")) == {("pending", 0, None)}
    assert all(
        e.startswith(f"{UNAVAILABLE}: ConnectionRefusedError")
        for e in rows(notice).values_list("last_error", flat=True)
    )
    assert delivery.mail_server_state()["ok"] is False


# --- the relay --------------------------------------------------------------------------------------------------


@pytest.fixture
def not_eager():
    conf = send_notice_chunk.app.conf
    previous = conf.task_always_eager
    conf.task_always_eager = False
    yield
    conf.task_always_eager = previous


def test_a_chunk_that_finishes_queues_the_next_while_rows_wait(notice, settings, not_eager):
    settings.NOTICE_CHUNK_SIZE = 4
    with mock.patch.object(send_notice_chunk, "apply_async") as apply_async:
        assert send_notice_chunk.run(notice_id=notice.pk)["sent"] == 4
        apply_async.assert_called_once()
        assert apply_async.call_args.kwargs["kwargs"] == {"notice_id": notice.pk}
        assert apply_async.call_args.kwargs["retry_policy"]["max_retries"] > 0  # waits out a broker restart
        apply_async.reset_mock()
        assert send_notice_chunk.run(notice_id=notice.pk)["sent"] == 2
        apply_async.assert_not_called()  # nothing left: the chain ends


def test_a_broker_that_cannot_take_the_next_chunk_fails_nothing(notice, settings, not_eager):
    settings.NOTICE_CHUNK_SIZE = 4
    with mock.patch.object(send_notice_chunk, "apply_async", side_effect=OperationalError("Connection refused")):
        assert send_notice_chunk.run(notice_id=notice.pk)["sent"] == 4  # the sweep finds the other two


@pytest.fixture
def broker_task(monkeypatch):
    """A task on a real (not eager) broker, and a clock for the engine's broker backoff."""
    task = mock.Mock()
    task.name = "notices.send_chunk"
    task.app.conf.task_always_eager = False
    clock = Clock()
    monkeypatch.setattr(delivery.time, "monotonic", clock)
    monkeypatch.setattr(delivery, "_broker_down_until", 0.0)
    return task, clock


def test_queueing_while_the_broker_is_down_logs_returns_false_and_holds_no_request_up(broker_task, caplog):
    task, clock = broker_task
    task.apply_async.side_effect = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    assert outbox_enqueue(task, notice_id=7) is False
    assert "could not be queued" in caplog.text and "the outbox sweep will" in caplog.text
    # The broker was down a moment ago: the next ones in this process do not wait for it again.
    task.apply_async.reset_mock()
    assert outbox_enqueue(task, notice_id=8) is False
    task.apply_async.assert_not_called()
    # A worker queueing the next chunk always tries, and waits (about a minute) for the broker to come back.
    task.apply_async.side_effect = None
    assert outbox_enqueue(task, patient=True, notice_id=9) is True
    assert task.apply_async.call_args.kwargs["retry_policy"]["max_retries"] > 0
    clock.now += delivery.BROKER_BACKOFF
    assert outbox_enqueue(task, notice_id=10) is True
    # No result is asked for: with Redis as the result backend that would block on a Redis that is down.
    task.apply_async.assert_called_with(kwargs={"notice_id": 10}, ignore_result=True)


def test_publishing_while_the_broker_is_down_still_publishes(publish, public_list, django_capture_on_commit_callbacks):
    subscribe(public_list, *EMAILS)
    from notices.tasks import fan_out_notice

    refused = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with (
        mock.patch.object(fan_out_notice, "apply_async", side_effect=refused) as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        notice = publish(lists=[public_list])
    queued.assert_called_once()
    notice.refresh_from_db()
    assert notice.is_published and rows(notice).filter(status=S.PENDING).count() == len(EMAILS)


# --- the sweep ---------------------------------------------------------------------------------------------------


def test_the_sweep_leaves_a_moving_fan_out_alone_however_old(notice, settings):
    settings.OUTBOX_STALLED_SECONDS = 60
    published(notice, 3600)
    first = rows(notice).order_by("pk").first()
    rows(notice).filter(pk=first.pk).update(status=S.SENT, sent_at=ago(10))
    with mock.patch.object(send_notice_chunk, "apply_async") as queued:
        assert outbox_sweep(kinds=["notice"]) == {"notice": 0}
    queued.assert_not_called()


def test_the_sweep_queues_every_stranded_row_of_a_fan_out_that_stopped_moving(notice, settings):
    settings.OUTBOX_STALLED_SECONDS = 60
    settings.NOTICE_CHUNK_SIZE = 4
    published(notice, 600)
    first = rows(notice).order_by("pk").first()
    rows(notice).filter(pk=first.pk).update(status=S.SENT, sent_at=ago(61))
    with mock.patch.object(send_notice_chunk, "apply_async") as queued:
        assert outbox_sweep(kinds=["notice"]) == {"notice": 2}  # 5 rows, chunks of 4, in one pass
    assert queued.call_count == 2


def test_a_fan_out_just_published_is_left_to_its_own_tasks(notice, settings):
    settings.OUTBOX_STALLED_SECONDS = 60
    published(notice, 30)
    with mock.patch.object(send_notice_chunk, "apply_async") as queued:
        assert outbox_sweep(kinds=["notice"]) == {"notice": 0}
    queued.assert_not_called()


def test_a_dead_worker_s_claim_is_taken_over_a_claim_timeout_after_its_last_renewal(notice, settings):
    settings.NOTICE_CLAIM_TIMEOUT_SECONDS = 60
    published(notice, 5)  # the rest of the fan-out is moving: only the dead claim is stranded
    claimed = _claim(notice.pk, 2)
    rows(notice).filter(pk__in=claimed).update(claimed_at=ago(59))
    with mock.patch.object(send_notice_chunk, "apply_async") as queued:
        assert outbox_sweep(kinds=["notice"]) == {"notice": 0}
        rows(notice).filter(pk__in=claimed).update(claimed_at=ago(61))
        assert outbox_sweep(kinds=["notice"]) == {"notice": 1}
    queued.assert_called_once_with(kwargs={"notice_id": notice.pk}, ignore_result=True)


def test_a_row_the_server_deferred_keeps_its_backoff(notice, settings):
    settings.OUTBOX_STALLED_SECONDS = 60
    published(notice, 200)
    rows(notice).exclude(email=EMAILS[0]).update(status=S.SENT, sent_at=ago(200))
    rows(notice).filter(email=EMAILS[0]).update(attempts=2, last_error="451 4.7.1 Try again later")
    with mock.patch.object(send_notice_chunk, "apply_async") as queued:
        assert outbox_sweep(kinds=["notice"]) == {"notice": 0}  # 2 attempts: 4 minutes
        published(notice, 241)
        assert outbox_sweep(kinds=["notice"]) == {"notice": 1}
    assert queued.call_count == 1


def test_the_sweep_does_not_queue_work_for_a_mail_server_that_cannot_be_reached(notice, settings):
    settings.OUTBOX_STALLED_SECONDS = 60
    published(notice, 600)
    connection = mock.Mock()
    connection.open.side_effect = TimeoutError("timed out")
    with (
        mock.patch.object(delivery, "get_connection", return_value=connection),
        mock.patch.object(send_notice_chunk, "apply_async") as queued,
    ):
        assert outbox_sweep(kinds=["notice"]) == {"notice": 0}
    queued.assert_not_called()
    assert delivery.mail_server_state()["error"] == "TimeoutError: timed out"
    with mock.patch.object(send_notice_chunk, "apply_async") as queued:  # back
        assert outbox_sweep(kinds=["notice"]) == {"notice": 1}
    assert delivery.mail_server_state()["ok"] is True


# --- the health on the progress page ----------------------------------------------------------------------------


def test_health_queued_sending_finished(notice, settings):
    settings.OUTBOX_STALLED_SECONDS = 60
    health = notice_delivery_health(notice)
    assert (health.state, health.pending, health.stalled) == (DeliveryState.QUEUED, len(EMAILS), False)
    _claim(notice.pk, 2)
    health = notice_delivery_health(notice)
    assert (health.state, health.claimed, health.pending) == (DeliveryState.SENDING, 2, 4)
    rows(notice).update(status=S.SENT, sent_at=timezone.now())
    assert notice_delivery_health(notice).state == DeliveryState.FINISHED


def test_health_stalled_because_the_mail_server_refuses(notice, settings):
    settings.OUTBOX_STALLED_SECONDS = 60
    published(notice, 300)
    rows(notice).update(last_error=f"{UNAVAILABLE}: ConnectionRefusedError: [Errno 111] Connection refused")
    health = notice_delivery_health(notice)  # no word from the workers in the cache: the rows say it
    assert (health.state, health.reason) == (DeliveryState.STALLED, StallReason.MAIL_SERVER)
    assert "not accepting connections" in health.message and "resumes by itself" in health.message
    cache.set(delivery.MAIL_SERVER_KEY, {"ok": False, "error": "TimeoutError: timed out", "at": ago(5)})
    assert "TimeoutError: timed out" in notice_delivery_health(notice).message


def test_health_stalled_with_no_worker_or_with_work_not_taken(notice, settings):
    settings.OUTBOX_STALLED_SECONDS = 60
    settings.OUTBOX_SWEEP_SECONDS = 30
    published(notice, 300)
    health = notice_delivery_health(notice)
    assert (health.state, health.reason) == (DeliveryState.STALLED, StallReason.NO_WORKER)
    assert "Nothing was sent or claimed for 5 min" in health.message and "no Celery worker" in health.message
    cache.set(SWEPT_KEY, ago(200))
    assert notice_delivery_health(notice).reason == StallReason.NO_WORKER
    cache.set(SWEPT_KEY, ago(20))
    health = notice_delivery_health(notice)
    assert health.reason == StallReason.NO_PROGRESS and "queued the rest again" in health.message


def test_the_progress_page_shows_why_a_fan_out_stalled(client, notice, publisher, settings):
    settings.OUTBOX_STALLED_SECONDS = 60
    client.force_login(publisher)
    url = reverse("workspace:notice-progress", args=[notice.pk])
    html = client.get(url).content.decode()
    assert 'data-state="queued"' in html and "data-stall-reason" not in html
    published(notice, 300)
    cache.set(delivery.MAIL_SERVER_KEY, {"ok": False, "error": "ConnectionRefusedError: refused", "at": ago(3)})
    html = client.get(url).content.decode()
    assert 'data-stall-reason="mail_server"' in html
    assert "Stalled: the mail server is not accepting connections." in html and "ConnectionRefusedError" in html
    assert 'hx-trigger="every 2s"' in html  # it keeps polling: the page recovers by itself
    detail = client.get(reverse("workspace:notice-detail", args=[notice.pk])).content.decode()
    assert 'data-stall-reason="mail_server"' in detail
