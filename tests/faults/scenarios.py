"""Fault scenarios on a real stack, shared by tests/faults and ``bench/delivery_faults.py``.

A :class:`Stack` is a private Redis, a :class:`~tests.faults.smtp.FaultySmtp`, two Celery workers (prefork, one
child each) and beat, all on the database the caller's Django is configured with. :func:`run_notice_scenario`
publishes a notice to N subscribers through the services, injects one fault once 30 % of them were sent,
clears it, waits until every row is done, and measures what the issue's targets name: the time from the
fault clearing to the last recipient having the notice, recipients lost, duplicates (and whether they share
the row's Message-ID), and whether the delivery report matches what the mail server accepted.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from .processes import ROOT, CeleryProcess, RedisServer, free_port, wait_until
from .smtp import FaultySmtp

# One recipient in this many is answered 550 (rejected for good), another 451 once (deferred, then accepted).
REJECT_EVERY = 97
DEFER_EVERY = 89
PROGRESS_AT = 0.3


@dataclasses.dataclass
class Stack:
    workdir: Path
    redis: RedisServer
    smtp: FaultySmtp
    workers: list[CeleryProcess]
    beat: CeleryProcess

    @classmethod
    def start(cls, workdir: Path, *, database_url: str, environment: dict | None = None, workers: int = 2) -> Stack:
        redis = RedisServer(workdir).start()
        smtp = FaultySmtp(free_port()).start()
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="tests.faults.worker_settings",
            DATABASE_URL=database_url,
            CELERY_BROKER_URL=redis.url(0),
            CELERY_RESULT_BACKEND=redis.url(0),
            CACHE_URL=redis.url(1),
            EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
            ERCOT_VAR_DIR=str(workdir / "var"),
            PYTHONPATH=str(ROOT),
            LOG_LEVEL="INFO",
            **(environment or {}),
        )
        processes = [CeleryProcess(f"worker{i + 1}", env, workdir) for i in range(workers)]
        beat = CeleryProcess("beat", env, workdir, beat=True)
        stack = cls(workdir=workdir, redis=redis, smtp=smtp, workers=processes, beat=beat)
        try:
            for process in processes:
                process.start(wait=False)
            for process in processes:
                process.wait_ready()
            beat.start()
        except BaseException:
            stack.stop()
            raise
        return stack

    def stop(self) -> None:
        for process in [self.beat, *self.workers]:
            with contextlib.suppress(Exception):
                process.stop()
        with contextlib.suppress(Exception):
            self.smtp.stop()
        with contextlib.suppress(Exception):
            self.redis.stop()

    def ensure_running(self) -> None:
        """Between scenarios: Redis and the mail server up, every worker and beat running."""
        if self.redis.process is None:
            self.redis.start()
        self.smtp.recover()
        for process in [*self.workers, self.beat]:
            if process.process is None or process.process.poll() is not None:
                process.start()

    def logs(self) -> str:
        return "\n\n".join(f"--- {p.name} ---\n{p.tail()}" for p in [*self.workers, self.beat])


def database_url(database: dict) -> str:
    """The URL of Django's ``DATABASES["default"]`` (the test database, in a test) for the worker processes."""
    user = database.get("USER") or ""
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{database.get('HOST') or '127.0.0.1'}:{database.get('PORT') or 5432}/{database['NAME']}"


@contextlib.contextmanager
def publishing_to(broker_url: str):
    """Send this process's tasks (the publishing side: the web app) to ``broker_url``, not eagerly."""
    from ercot_services.celery import app

    keys = ("broker_url", "broker_write_url", "result_backend", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}
    saved_env = os.environ.get("CELERY_BROKER_URL")

    def reset():
        app._pool = None
        app.amqp._producer_pool = None

    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    os.environ["CELERY_BROKER_URL"] = broker_url
    app.conf.update(broker_url=broker_url, broker_write_url=broker_url, result_backend=broker_url)
    app.conf.update(task_always_eager=False)
    reset()
    try:
        yield app
    finally:
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env
        app.conf.update(saved)
        reset()


# --- the audience and the notice -------------------------------------------------------------------------------


@dataclasses.dataclass
class Audience:
    distribution_list: object
    emails: list[str]
    rejected: set[str]
    deferred: set[str]


def make_audience(size: int, tag: str) -> Audience:
    """``size`` confirmed subscribers of a new list; some are rejected (550) or deferred once (451) by the sink."""
    from notices.models import DistributionList, Subscription

    dl = DistributionList.objects.create(name=f"NOTICE_FAULTS_{tag.upper()}", description="Fault tests")
    emails, rejected, deferred = [], set(), set()
    for i in range(size):
        if i % REJECT_EVERY == REJECT_EVERY - 1:
            address = f"reject{i:05d}.{tag}@faults.example"
            rejected.add(address)
        elif i % DEFER_EVERY == DEFER_EVERY - 1:
            address = f"defer{i:05d}.{tag}@faults.example"
            deferred.add(address)
        else:
            address = f"reader{i:05d}.{tag}@faults.example"
        emails.append(address)
    Subscription.objects.bulk_create(
        (Subscription(distribution_list=dl, email=e, status=Subscription.Status.CONFIRMED) for e in emails),
        batch_size=5000,
    )
    return Audience(distribution_list=dl, emails=emails, rejected=rejected, deferred=deferred)


def publish_notice(audience: Audience):
    """Draft, approve (a second publisher) and publish a notice to the audience's list, through the services."""
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import StaffGroup
    from notices.models import NoticeType
    from notices.services import NoticeInput, notice_approve, notice_create, notice_publish, notice_submit_for_review

    group = Group.objects.get(name=StaffGroup.NOTICE_PUBLISHER)
    author, approver = (
        User.objects.get_or_create(
            email=f"faults-publisher{i}@ercot.example",
            defaults={"full_name": f"Fault Publisher {i}", "is_staff": True},
        )[0]
        for i in (1, 2)
    )
    author.groups.add(group)
    approver.groups.add(group)
    data = NoticeInput(
        notice_type=NoticeType.objects.get(name="Financial/Credit"),
        lists=[audience.distribution_list],
        short_description="Fault injection: TPE calculations affected by ERS resettlements",
        long_description="ERCOT removed the affected Operating Day from the calculation. **Fault test**.",
        action_required="Counter-Parties should review their revised reports.",
    )
    notice = notice_create(actor=author, data=data)
    notice_submit_for_review(actor=author, notice=notice)
    notice_approve(actor=approver, notice=notice)
    return notice_publish(actor=approver, notice=notice)


# --- one scenario ----------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Outcome:
    scenario: str
    recipients: int
    publish_seconds: float = 0.0
    fault_at_sent: int = 0
    fault_seconds: float = 0.0
    resume_seconds: float | None = None  # fault cleared -> next message accepted
    recovery_seconds: float | None = None  # fault cleared -> every recipient has its message
    lost: int = 0
    duplicates: int = 0
    duplicates_share_message_id: bool = True
    report_matches: bool = True
    rejected_tries_max: int = 0
    deferred_delivered_once: bool = True
    sent: int = 0
    failed: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)

    def line(self) -> str:
        recovery = f"{self.recovery_seconds:7.1f} s" if self.recovery_seconds is not None else "   n/a   "
        resume = f"{self.resume_seconds:5.1f} s" if self.resume_seconds is not None else "  n/a  "
        return (
            f"{self.scenario:<24} {self.recipients:>6}  fault at {self.fault_at_sent:>6} sent, lasted "
            f"{self.fault_seconds:5.1f} s  resume {resume}  recovery {recovery}  lost {self.lost}  "
            f"duplicates {self.duplicates}  report {'matches' if self.report_matches else 'DIFFERS'}"
        )


@dataclasses.dataclass
class Scenario:
    """``fault(stack)`` injects the fault, holds it, clears it and returns; ``before_publish`` faults (Redis down
    at the moment of publishing) are injected before the notice is published, and cleared by ``fault``."""

    name: str
    fault: Callable[[Stack], None]
    before_publish: Callable[[Stack], None] | None = None


def _sent(notice) -> int:
    from notices.models import NoticeDelivery

    return NoticeDelivery.objects.filter(notice=notice, status=NoticeDelivery.Status.SENT).count()


def _open_rows(notice) -> int:
    from notices.models import NoticeDelivery

    return NoticeDelivery.objects.filter(
        notice=notice, status__in=[NoticeDelivery.Status.PENDING, NoticeDelivery.Status.CLAIMED]
    ).count()


def run_notice_scenario(stack: Stack, scenario: Scenario, audience: Audience, *, timeout: float) -> Outcome:
    outcome = Outcome(scenario=scenario.name, recipients=len(audience.emails))
    if scenario.before_publish is not None:
        scenario.before_publish(stack)
    started = time.monotonic()
    notice = publish_notice(audience)
    outcome.publish_seconds = time.monotonic() - started
    prefix = f"<notice-{notice.pk}-"
    if scenario.before_publish is None:
        threshold = int(len(audience.emails) * PROGRESS_AT)
        outcome.fault_at_sent = wait_until(
            lambda: (n := _sent(notice)) >= threshold and n, timeout=timeout, interval=0.05, what="30 % sent"
        )
    fault_started = time.monotonic()
    scenario.fault(stack)
    cleared = time.monotonic()
    outcome.fault_seconds = cleared - fault_started
    expected = set(audience.emails) - audience.rejected
    try:
        wait_until(
            lambda: not _open_rows(notice) and expected <= {r for r, _, _ in stack.smtp.accepted(prefix)},
            timeout=timeout,
            interval=0.25,
            what=f"{scenario.name}: every recipient delivered",
        )
    except TimeoutError as error:
        outcome.problems.append(str(error))
    time.sleep(1)  # anything still in flight lands before the count
    _measure(outcome, notice, audience, stack.smtp.accepted(prefix), stack.smtp, cleared)
    return outcome


def _measure(outcome: Outcome, notice, audience: Audience, accepted, smtp: FaultySmtp, cleared: float) -> None:
    from notices.models import NoticeDelivery

    rows = dict(NoticeDelivery.objects.filter(notice=notice).values_list("email", "status"))
    expected = set(audience.emails) - audience.rejected
    counts = Counter(r for r, _, _ in accepted)
    first = {}
    for rcpt, _, at in accepted:
        first.setdefault(rcpt, at)
    after = [at for _, _, at in accepted if at >= cleared]
    outcome.resume_seconds = (min(after) - cleared) if after else None
    if expected <= set(first):
        outcome.recovery_seconds = max(0.0, max(first[r] for r in expected) - cleared)
    outcome.lost = len(expected - set(first))
    outcome.duplicates = sum(n - 1 for n in counts.values())
    ids = {}
    for rcpt, message_id, _ in accepted:
        ids.setdefault(rcpt, set()).add(message_id)
    outcome.duplicates_share_message_id = all(len(v) == 1 for v in ids.values())
    sent = {e for e, s in rows.items() if s == NoticeDelivery.Status.SENT}
    failed = {e for e, s in rows.items() if s == NoticeDelivery.Status.FAILED}
    outcome.sent, outcome.failed = len(sent), len(failed)
    outcome.report_matches = sent == set(counts) and failed == audience.rejected
    outcome.rejected_tries_max = max((smtp.rcpt_count(a) for a in audience.rejected), default=0)
    outcome.deferred_delivered_once = all(counts[a] == 1 for a in audience.deferred)
    if not outcome.report_matches:
        outcome.problems.append(
            f"report: {len(sent - set(counts))} sent rows not accepted, {len(set(counts) - sent)} accepted not "
            f"marked sent, failed {sorted(failed ^ audience.rejected)[:5]}"
        )


# --- the faults ------------------------------------------------------------------------------------------------


def smtp_down(seconds: float) -> Callable[[Stack], None]:
    def fault(stack: Stack) -> None:
        stack.smtp.go_down()
        time.sleep(seconds)
        stack.smtp.recover()

    return fault


def smtp_hang(seconds: float) -> Callable[[Stack], None]:
    def fault(stack: Stack) -> None:
        stack.smtp.hang()
        time.sleep(seconds)
        stack.smtp.recover()

    return fault


def kill_pool_child(stack: Stack) -> None:
    stack.workers[0].kill_child()


def kill_worker(stack: Stack) -> None:
    """kill -9 the main process and its child; a supervisor starts the worker again."""
    stack.workers[0].kill()
    stack.workers[0].start(wait=False)


def redis_restart(stack: Stack) -> None:
    stack.redis.restart()


def redis_down_before_publish(stack: Stack) -> None:
    stack.redis.stop()


def redis_back_after(seconds: float) -> Callable[[Stack], None]:
    def fault(stack: Stack) -> None:
        time.sleep(seconds)
        stack.redis.start()

    return fault


def scenarios(*, smtp_seconds: float = 20, hang_seconds: float = 25, redis_seconds: float = 10) -> list[Scenario]:
    return [
        Scenario("smtp-down", smtp_down(smtp_seconds)),
        Scenario("smtp-hang", smtp_hang(hang_seconds)),
        Scenario("kill-pool-child", kill_pool_child),
        Scenario("kill-worker", kill_worker),
        Scenario("redis-restart", redis_restart),
        Scenario("redis-down-at-publish", redis_back_after(redis_seconds), before_publish=redis_down_before_publish),
    ]
