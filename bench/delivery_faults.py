"""Benchmark: notice delivery through faults, at production scale and settings.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ercot \\
    .venv/bin/python bench/delivery_faults.py --recipients 20000

For each scenario (SMTP down and back, SMTP hanging, kill -9 of a pool child, kill -9 of a worker with its
child, Redis restarted without persistence, Redis down at the moment of publishing) it publishes one notice to
N subscribers on a real stack (a private redis-server, two Celery workers of one prefork child each, beat, and
a mail server that refuses, hangs, defers 1 in 89 recipients once with 451 and rejects 1 in 97 with 550),
injects the fault once 30 % were sent (before publishing, for the Redis one), and prints the time from the
fault clearing to the last recipient having the notice, the recipients lost, the duplicates, and whether the
delivery report matches what the mail server accepted. The worker settings are the production defaults
(``tests/faults/worker_settings.py``) unless ``--env NAME=VALUE`` overrides one.

The database named by ``--database`` (default ``ercot_bench_faults``, on the server of DATABASE_URL) is dropped,
created and migrated. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent


def with_path(url: str, path: str) -> str:
    return urlunparse(urlparse(url)._replace(path="/" + path))


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


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=20000)
    parser.add_argument("--database", default="ercot_bench_faults", help="Database created for the run (dropped).")
    parser.add_argument("--only", default="", help="Comma-separated scenario names to run (default: all).")
    parser.add_argument("--smtp-seconds", type=float, default=20, help="How long the mail server is down.")
    parser.add_argument("--hang-seconds", type=float, default=25, help="How long the mail server hangs.")
    parser.add_argument("--redis-seconds", type=float, default=10, help="How long Redis is down at publishing.")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the workers (repeatable).")
    parser.add_argument("--timeout", type=float, default=1800, help="Seconds to wait for a scenario to finish.")
    return parser.parse_args()


def setup_django(database: str) -> str:
    """Create and migrate the benchmark's database; returns its URL."""
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (postgres://user@host:port/any).")
    recreate_database(database_url, database)
    database_url = with_path(database_url, database)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tests.faults.worker_settings",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",  # replaced by the stack's own Redis
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    print(f"Migrating {database} ...", flush=True)
    call_command("migrate", verbosity=0)
    return database_url


def main() -> None:
    args = arguments()
    database_url = setup_django(args.database)
    from tests.faults.scenarios import Stack, make_audience, publishing_to, run_notice_scenario, scenarios

    overrides = dict(item.split("=", 1) for item in args.env)
    chosen = scenarios(smtp_seconds=args.smtp_seconds, hang_seconds=args.hang_seconds, redis_seconds=args.redis_seconds)
    if args.only:
        chosen = [s for s in chosen if s.name in set(args.only.split(","))]
    workdir = Path(tempfile.mkdtemp(prefix="ercot-faults-"))
    print(f"Logs in {workdir}; worker settings overridden: {overrides or 'none (production defaults)'}", flush=True)
    stack = Stack.start(workdir, database_url=database_url, environment=overrides)
    outcomes = []
    try:
        with publishing_to(stack.redis.url(0)):
            for scenario in chosen:
                stack.ensure_running()
                audience = make_audience(args.recipients, f"{scenario.name.replace('-', '')}{int(time.time())}")
                print(f"{scenario.name}: publishing to {args.recipients} ...", flush=True)
                outcome = run_notice_scenario(stack, scenario, audience, timeout=args.timeout)
                outcomes.append(outcome)
                print(outcome.line(), flush=True)
                for problem in outcome.problems:
                    print(f"    problem: {problem}", flush=True)
    finally:
        stack.stop()
    print_table(outcomes)


def print_table(outcomes) -> None:
    print()
    print(f"{'scenario':<24} {'N':>6}  {'publish':>8}  {'fault':>7}  {'resume':>7}  {'recovery':>9}  lost  dup  report")
    for o in outcomes:
        recovery = f"{o.recovery_seconds:8.1f}s" if o.recovery_seconds is not None else "      n/a"
        resume = f"{o.resume_seconds:6.1f}s" if o.resume_seconds is not None else "    n/a"
        print(
            f"{o.scenario:<24} {o.recipients:>6}  {o.publish_seconds:7.1f}s  {o.fault_seconds:6.1f}s  {resume}  "
            f"{recovery}  {o.lost:>4}  {o.duplicates:>3}  {'ok' if o.report_matches else 'DIFFERS'}"
            f"{'' if o.duplicates_share_message_id else ' (duplicate with another Message-ID!)'}"
        )


if __name__ == "__main__":
    main()
