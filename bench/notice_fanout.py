"""Benchmark: publish one market notice to N recipients through a real Celery worker on Redis, to a local SMTP
sink, and compare with raw smtplib sending the same messages, built beforehand, over one connection to the same
sink (the headline ratio; raw build + send is printed too).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ercot \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \\
    .venv/bin/python bench/notice_fanout.py --recipients 50000

It creates its own state: the database named by ``--database`` (default ``ercot_bench``, on the server of
DATABASE_URL) is dropped, created and migrated; the broker's Redis database is switched to ``--redis-db``
(default 15) so no other worker on the same Redis takes the benchmark's tasks. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"SMTP sink did not start on port {port}")


def with_path(url: str, path: str) -> str:
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path="/" + path))


def recreate_database(database_url: str, name: str) -> None:
    import psycopg

    admin = with_path(database_url, "postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--database", default="ercot_bench", help="Database created for the benchmark (dropped first).")
    parser.add_argument("--redis-db", type=int, default=15, help="Redis database number used as the broker.")
    parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes (-c).")
    parser.add_argument("--chunk-size", type=int, default=500, help="NOTICE_CHUNK_SIZE.")
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (postgres://user@host:port/any).")
    if not broker_url.startswith(("redis://", "rediss://")):
        raise SystemExit("Set CELERY_BROKER_URL to a Redis server (redis://host:port/0).")

    recreate_database(database_url, args.database)
    port = free_port()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="ercot_services.settings.local",
        DATABASE_URL=with_path(database_url, args.database),
        CELERY_BROKER_URL=with_path(broker_url, str(args.redis_db)),
        CELERY_RESULT_BACKEND=with_path(broker_url, str(args.redis_db)),
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        EMAIL_TIMEOUT="30",
        NOTICE_CHUNK_SIZE=str(args.chunk_size),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command

    print(f"Migrating {args.database} ...", flush=True)
    call_command("migrate", verbosity=0)

    children: list[subprocess.Popen] = []
    try:
        sink = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        children.append(sink)
        wait_port(port)
        from ercot_services.celery import app

        app.control.purge()  # the benchmark's own Redis database: leftovers of an interrupted run
        worker = subprocess.Popen(
            [
                str(VENV_BIN / "celery"),
                "-A",
                "ercot_services",
                "worker",
                "-c",
                str(args.concurrency),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "WARNING",
            ],
            env=env,
            cwd=str(ROOT),
            start_new_session=True,
        )
        children.append(worker)
        wait_worker(app)
        run(args)
    finally:
        for child in reversed(children):
            try:
                os.killpg(child.pid, signal.SIGTERM) if child is children[-1] and len(
                    children
                ) > 1 else child.terminate()
            except ProcessLookupError:
                pass
        for child in children:
            try:
                child.wait(30)
            except subprocess.TimeoutExpired:
                child.kill()


def wait_worker(app, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1):
            return
    raise SystemExit("The Celery worker did not answer a ping.")


def run(args) -> None:
    from django.conf import settings
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import StaffGroup
    from notices.emails import build_message
    from notices.models import DistributionList, Notice, NoticeDelivery, NoticeType, Subscription
    from notices.services import NoticeInput, notice_approve, notice_create, notice_publish, notice_submit_for_review

    n = args.recipients
    group = Group.objects.get(name=StaffGroup.NOTICE_PUBLISHER)
    author, approver = (
        User.objects.create(email=f"bench-publisher{i}@ercot.example", full_name=f"Bench Publisher {i}", is_staff=True)
        for i in (1, 2)
    )
    author.groups.add(group)
    approver.groups.add(group)
    dl = DistributionList.objects.create(name="NOTICE_BENCH", description="Benchmark list")
    Subscription.objects.bulk_create(
        (
            Subscription(
                distribution_list=dl, email=f"reader{i:06d}@bench.example", status=Subscription.Status.CONFIRMED
            )
            for i in range(n)
        ),
        batch_size=5000,
    )
    notice = notice_create(
        actor=author,
        data=NoticeInput(
            notice_type=NoticeType.objects.get(name="Financial/Credit"),
            lists=[dl],
            short_description="Total potential exposure (TPE) calculations affected by ERS resettlements",
            long_description="On April 22, 2024, ERCOT issued Market Notice W-A042224-01 Settlements. **Benchmark**.",
            action_required="Counter-Parties should review their revised ACL Summary and TPE Summary reports.",
            days_affected="April 23, 2024",
        ),
    )
    notice_submit_for_review(actor=author, notice=notice)
    notice_approve(actor=approver, notice=notice)

    print(
        f"Publishing to {n} recipients (worker -c {args.concurrency}, chunks of {settings.NOTICE_CHUNK_SIZE}) ...",
        flush=True,
    )
    started = time.monotonic()
    notice = notice_publish(actor=approver, notice=notice)  # commits; the fan-out goes to the worker
    published = time.monotonic()
    rows = NoticeDelivery.objects.filter(notice=notice)
    while True:
        done = rows.filter(status__in=[NoticeDelivery.Status.SENT, NoticeDelivery.Status.FAILED]).count()
        if done >= n:
            break
        if time.monotonic() - started > args.timeout:
            raise SystemExit(f"Timed out: {done} of {n} done.")
        time.sleep(0.25)
    finished = time.monotonic()
    sent = rows.filter(status=NoticeDelivery.Status.SENT).count()
    failed = n - sent
    pipeline_rate = n / (finished - started)

    # Raw smtplib: the same messages (same builder, same recipients), one connection, same sink.
    notice = Notice.objects.select_related("notice_type").prefetch_related("audience").get(pk=notice.pk)
    deliveries = list(rows.select_related("distribution_list").order_by("pk"))
    build_started = time.monotonic()
    messages = [(d.email, build_message(notice, d).message().as_bytes(linesep="\r\n")) for d in deliveries]
    built = time.monotonic()
    smtp = smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=30)
    for to, data in messages:
        smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [to], data)
    smtp.quit()
    raw_done = time.monotonic()
    raw_rate = n / (raw_done - build_started)
    raw_send_rate = n / (raw_done - built)

    send_only = pipeline_rate / raw_send_rate
    print()
    print(f"Recipients                      {n}")
    print(
        f"Pipeline (publish → all sent)   {finished - started:8.2f} s  {pipeline_rate:9.0f} recipients/s"
        f"   (outbox write {published - started:.2f} s; sent {sent}, failed {failed})"
    )
    print(f"Raw smtplib, send only          {raw_done - built:8.2f} s  {raw_send_rate:9.0f} recipients/s")
    print(f"Raw smtplib, build + send       {raw_done - build_started:8.2f} s  {raw_rate:9.0f} recipients/s")
    print(f"Ratio pipeline / raw (build + send)  {pipeline_rate / raw_rate:.2f}")
    print(f"RATIO pipeline / raw smtplib sending prebuilt messages: {send_only:.2f}   (target >= 0.6)")
    if failed:
        raise SystemExit(f"{failed} deliveries failed")


if __name__ == "__main__":
    main()
