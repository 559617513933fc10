"""One run of bench/dashboards.py at one size: the database (seed, read models), the signed-in sessions, the
pages, and the interleaved rounds of load against gunicorn with the baselines around each page."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from bench.dashboards_report import (
    TARGET_P95_MS,
    TARGET_QUERIES,
    TARGET_RATIO_404,
    TARGET_SIGNED_IN_NOOP,
    Row,
    median,
    table,
    verdict,
)

ROOT = Path(__file__).resolve().parent.parent

FULL = {"mps": 2000, "cases": 200_000, "notices": 5000, "subscribers": 50_000}
MARKER_TABLE = "bench_dashboards_seed"
READ_MODELS_TABLE = "bench_dashboards_read_models"
#: Management commands that build the app's read models from the rows the seed COPYs in (COPY bypasses the
#: services that keep them up to date). One the app does not have yet is skipped.
READ_MODEL_COMMANDS = [("rebuild_participant_summaries", []), ("rollup_case_metrics", ["--rebuild"])]
TARGETS = (
    f"Targets: pages ×404 >= {TARGET_RATIO_404} and p95 < {TARGET_P95_MS:g} ms at 8 connections, queries <= "
    f"{TARGET_QUERIES}; signed-in no-op ×trivial >= {TARGET_SIGNED_IN_NOOP}. Figures are the median of the rounds; "
    "×404 rounds is their min–max."
)
MISSING_PATH = "/bench/no-such-page/"  # resolves to nothing: the project's 404 template, full middleware, no view


@dataclass
class Page:
    label: str
    url_name: str | None  # None: MISSING_PATH (the rendered 404)
    who: str | None  # "am", "lead", "mp" or None (anonymous)
    kind: str = "page"  # "page" (judged), "noop" (judged against the anonymous no-op), "reference", "baseline"
    arg: str = ""  # "big" (the big MP's pk) or "dispute" (the dispute's reference)
    query: str = ""
    path: str = ""  # resolved at run time

    @property
    def expect(self) -> int:
        return 404 if self.url_name is None else 200


TRIVIAL = Page("trivial view, anonymous (no-op)", "bench-trivial", None, kind="baseline")
NOT_FOUND = Page("rendered 404, anonymous", None, None, kind="baseline")
PAGES = [
    Page("signed-in no-op (trivial view, AM)", "bench-trivial-user", "am", kind="noop"),
    Page("rendered 404, signed in (AM)", None, "am", kind="reference"),
    Page("metrics (90 days), as Lead", "workspace:metrics", "lead"),
    Page("Lead dashboard", "workspace:home", "lead"),
    Page("case queue (My cases), as AM", "workspace:cases", "am"),
    Page("case queue (All open), as Lead", "workspace:cases", "lead", query="view=open"),
    Page("MP 360, big MP, as AM", "workspace:participant-detail", "am", arg="big"),
    Page("AM dashboard", "workspace:home", "am"),
    Page("  home card: case counts (htmx), AM", "workspace:cases", "am", query="card=home"),
    Page("plan page, big MP, as AM", "workspace:participant-plan", "am", arg="big"),
    Page("case detail (dispute, big MP), as AM", "workspace:case-detail", "am", arg="dispute"),
    Page("portal home, as MP user", "portal:home", "mp"),
    Page("public notice archive", "notices:archive", None),
]


# --- database ------------------------------------------------------------------------------------------


def admin_url(database_url: str) -> str:
    return urlunparse(urlparse(database_url)._replace(path="/postgres"))


def database_name(database_url: str) -> str:
    name = urlparse(database_url).path.lstrip("/")
    if not name:
        raise SystemExit("DATABASE_URL must name the benchmark's own database, e.g. .../ercot_bench_dash")
    return name


def with_database(database_url: str, name: str) -> str:
    return urlunparse(urlparse(database_url)._replace(path=f"/{name}"))


def read_marker(database_url: str) -> dict | None:
    """The sizes the database was seeded at, or None (no database, no marker, or an interrupted seed)."""
    import psycopg

    try:
        with psycopg.connect(database_url, connect_timeout=10) as conn:
            row = conn.execute(f"SELECT to_regclass('{MARKER_TABLE}') IS NOT NULL").fetchone()
            if not row[0]:
                return None
            row = conn.execute(f"SELECT sizes FROM {MARKER_TABLE} WHERE id = 1").fetchone()
            return row[0] if row else None
    except psycopg.OperationalError as error:
        if "does not exist" in str(error):
            return None
        raise


def recreate_database(database_url: str) -> None:
    import psycopg

    name = database_name(database_url)
    with psycopg.connect(admin_url(database_url), autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def write_marker(sizes: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (id int PRIMARY KEY, sizes jsonb, seeded_at timestamptz)"
        )
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} VALUES (1, %s, now()) ON CONFLICT (id) DO UPDATE SET sizes = EXCLUDED.sizes, "
            "seeded_at = EXCLUDED.seeded_at",
            [json.dumps(sizes)],
        )


def build_read_models(*, force: bool) -> None:
    """Run each read-model command the app has and that has not run on this seed yet (or all with ``force``,
    which a reseed implies), then ANALYZE so the planner knows the new rows; print how long each took.

    A command that ran is recorded in READ_MODELS_TABLE, which a reseed drops with the database: a database seeded
    before the command existed gets its read models on the first run that has the command."""
    from django.core.management import CommandError, call_command, get_commands
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {READ_MODELS_TABLE} (command text PRIMARY KEY, built_at timestamptz)"
        )
        cursor.execute(f"SELECT command FROM {READ_MODELS_TABLE}")
        built = {row[0] for row in cursor.fetchall()}
    available = get_commands()
    ran = False
    for name, argv in READ_MODEL_COMMANDS:
        if name not in available:
            print(f"skipped: {name} not built", flush=True)
            continue
        if name in built and not force:
            print(f"{name}: already built on this seed", flush=True)
            continue
        started = time.monotonic()
        try:
            call_command(name, *argv)
        except (CommandError, TypeError) as error:  # e.g. the command exists but takes other options
            raise SystemExit(f"{name} {' '.join(argv)} failed: {error}") from error
        print(f"{name} {' '.join(argv)}: {time.monotonic() - started:.1f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {READ_MODELS_TABLE} VALUES (%s, now()) ON CONFLICT (command) DO UPDATE SET built_at = now()",
                [name],
            )
        ran = True
    if ran:
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"ANALYZE: {time.monotonic() - started:.1f} s", flush=True)


# --- sessions and pages --------------------------------------------------------------------------------


def make_sessions(count: int) -> tuple[dict[str, list[str]], dict[str, object]]:
    """Signed-in sessions created server-side (no login form, so django-axes sees no attempt), ``count`` per
    user so that client threads do not all renew the same session row. The MP user's session already names
    the MP being worked for (accounts.portal_session)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import MarketParticipant, User
    from accounts.portal_session import SESSION_KEY as PARTICIPANT_KEY
    from bench.dashboard_seed import BIG_MP, LEAD_EMAIL, PORTAL_EMAIL, am_email

    store = import_module(settings.SESSION_ENGINE).SessionStore
    big = MarketParticipant.objects.get(short_name=BIG_MP)
    users = {
        "am": User.objects.get(email=am_email(0)),
        "lead": User.objects.get(email=LEAD_EMAIL),
        "mp": User.objects.get(email=PORTAL_EMAIL),
    }
    sessions: dict[str | None, list[str | None]] = {None: [None]}
    for who, user in users.items():
        keys = []
        for _ in range(count):
            session = store()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            if who == "mp":
                session[PARTICIPANT_KEY] = big.pk
            session.create()
            keys.append(session.session_key)
        sessions[who] = keys
    return sessions, {"big": big, **users}


def resolve(pages: list[Page], big_pk: int) -> list[Page]:
    """Fill each page's path; print and drop the pages whose URL name does not resolve yet."""
    from django.urls import NoReverseMatch, reverse

    from cases.models import Case, CaseKind

    dispute = (
        Case.objects.filter(participant_id=big_pk, kind=CaseKind.DISPUTE)
        .order_by("-created_at")
        .values_list("reference", flat=True)
        .first()
    )
    args = {"": [], "big": [big_pk], "dispute": [dispute]}
    runnable = []
    for page in pages:
        if page.url_name is None:
            page.path = MISSING_PATH
        else:
            try:
                page.path = reverse(page.url_name, args=args[page.arg])
            except NoReverseMatch:
                print(f"skipped: {page.url_name} not built", flush=True)
                continue
        if page.query:
            page.path += "?" + page.query
        runnable.append(page)
    return runnable


# --- the run -------------------------------------------------------------------------------------------


def server_env(args) -> dict:
    """The environment of this process and of gunicorn: bench.settings, Celery eager, production's CONN_MAX_AGE."""
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bench.settings",
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="WARNING",
        CELERY_BROKER_URL="",
        CELERY_RESULT_BACKEND="",
    )
    env["DJANGO_CONN_MAX_AGE"] = str(
        args.conn_max_age if args.conn_max_age is not None else env.get("DJANGO_CONN_MAX_AGE", 60)
    )
    if args.pgoptions is not None:
        env["PGOPTIONS"] = args.pgoptions
    return env


def prepare_database(args, sizes: dict, database_url: str) -> None:
    """Create, migrate and (when the marker does not match) seed the database, then build the read models.
    Sets Django up in this process on the benchmark's settings."""
    from bench.dashboard_seed import SEED_VERSION

    libpq_url = database_url.replace("postgres://", "postgresql://", 1)
    wanted = {"version": SEED_VERSION, **sizes}
    seeded = read_marker(libpq_url)
    reseed = args.reseed or seeded != wanted
    if reseed:
        why = "--reseed" if args.reseed else ("not seeded yet" if seeded is None else f"seeded at {seeded}")
        print(f"(Re)creating {database_name(database_url)} ({why}) ...", flush=True)
        recreate_database(libpq_url)
    os.environ.update(server_env(args))
    import django

    django.setup()
    from django.core.management import call_command

    started = time.monotonic()
    print("Migrating ...", flush=True)
    call_command("migrate", verbosity=0)
    if reseed:
        from bench.dashboard_seed import Sizes, seed

        print(f"Seeding {sizes} ...", flush=True)
        counts = seed(Sizes(**sizes), log=lambda line: print(line, flush=True))
        write_marker(wanted)
        print(
            f"Seeded in {time.monotonic() - started:.0f} s: "
            + ", ".join(f"{label.split('.')[-1]} {n}" for label, n in sorted(counts.items())),
            flush=True,
        )
    else:
        print(f"Database already seeded at {seeded}; not seeding (use --reseed to start over).", flush=True)
    build_read_models(force=reseed or args.rebuild_read_models)


def empty_row(page: Page) -> Row:
    return Row(page.label, page.kind, rates=[], ratios_404=[], ratios_trivial=[], p50s=[], p95s=[])


class Rounds:
    """The interleaved rounds: each round measures the rendered 404 and the trivial view, then each page followed
    by the two baselines again, so a page's ratios use the baselines measured right before and after it and a
    change in the machine's load during the run moves both sides."""

    def __init__(self, port: int, args, sessions: dict):
        self.port, self.args, self.sessions = port, args, sessions
        self.sessions_made = time.monotonic()

    def load(self, page: Page, seconds: float):
        from django.db import connection

        from bench.dashboards_load import hammer

        if page.who and time.monotonic() - self.sessions_made > 600:
            # Sessions idle out after SESSION_COOKIE_AGE (30 minutes by default); a long run outlives them.
            self.sessions.update(make_sessions(self.args.concurrency)[0])
            connection.close()
            self.sessions_made = time.monotonic()
        cookies = self.sessions[page.who]
        common = {"concurrency": self.args.concurrency, "expect": page.expect}
        warm = hammer(self.port, page.path, cookies, seconds=0, min_requests=self.args.concurrency, **common)
        if warm.status == "error":
            return warm
        return hammer(self.port, page.path, cookies, seconds=seconds, min_requests=self.args.min_requests, **common)

    def baselines(self) -> tuple:
        pair = []
        for page in (NOT_FOUND, TRIVIAL):
            result = self.load(page, self.args.baseline_seconds)
            if result.status != "ok":
                raise SystemExit(f"The baseline {page.label} failed: {result.detail}")
            pair.append(result)
        return tuple(pair)

    def run(self, pages: list[Page], rows: dict[str, Row]) -> None:
        for number in range(1, self.args.rounds + 1):
            print(f"Round {number}/{self.args.rounds}", flush=True)
            pairs = [self.baselines()]
            for page in pages:
                row = rows[page.label]
                if row.error:
                    continue
                result = self.load(page, self.args.seconds)
                pairs.append(self.baselines())
                if result.status != "ok":
                    row.error = result.detail
                    print(f"  {page.label:<40} ERROR {result.detail}", flush=True)
                    continue
                missing = (pairs[-2][0].rate + pairs[-1][0].rate) / 2
                trivial = (pairs[-2][1].rate + pairs[-1][1].rate) / 2
                row.rates.append(result.rate)
                row.ratios_404.append(result.rate / missing)
                row.ratios_trivial.append(result.rate / trivial)
                row.p50s.append(result.p50)
                row.p95s.append(result.p95)
                print(
                    f"  {page.label:<40} {result.rate:8.1f} req/s  p50 {result.p50:7.1f} ms  p95 {result.p95:7.1f} ms"
                    f"  ({result.count} requests; 404 around it {missing:.0f} req/s, trivial {trivial:.0f} req/s)",
                    flush=True,
                )
            for index, row in enumerate((rows[NOT_FOUND.label], rows[TRIVIAL.label])):
                row.rates.append(median([pair[index].rate for pair in pairs]))
                row.p50s.append(median([pair[index].p50 for pair in pairs]))
                row.p95s.append(median([pair[index].p95 for pair in pairs]))
                row.ratios_404.append(median([pair[index].rate / pair[0].rate for pair in pairs]))
                row.ratios_trivial.append(median([pair[index].rate / pair[1].rate for pair in pairs]))


def commit_label() -> str:
    import subprocess

    def git(*argv):
        return subprocess.run(["git", *argv], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    return git("rev-parse", "--short", "HEAD") + (" (with uncommitted changes)" if git("status", "--porcelain") else "")


def run(args, sizes: dict, database_url: str) -> int:
    """Why this size: one straight story (prepare, render in process, load in rounds, report, diagnose) reads
    better than the same steps passed around in pieces."""
    prepare_database(args, sizes, database_url)
    if args.seed_only:
        return 0
    import logging

    from django.core.management import call_command
    from django.db import connection

    from bench.dashboards_inprocess import diagnose, render
    from bench.dashboards_load import free_port, start_gunicorn, stop, tail

    print("Collecting static files ...", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    sessions, who = make_sessions(args.concurrency)
    wanted = [s.strip() for s in (args.only or "").split(",") if s.strip()]
    chosen = [p for p in PAGES if not wanted or any(s in p.label or s == p.url_name for s in wanted)]
    pages = resolve([TRIVIAL, NOT_FOUND, *chosen], who["big"].pk)
    rows = {page.label: empty_row(page) for page in pages}
    renders = {}
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the rendered 404 is expected: no warning
    for page in pages:  # queries and HTML size, in process, with the session the load uses
        renders[page.label] = seen = render(page.path, sessions[page.who][0])
        rows[page.label].queries, rows[page.label].kib = len(seen.queries), seen.size / 1024
        if seen.status != page.expect:
            rows[page.label].error = f"HTTP {seen.status} in process (expected {page.expect})"
    from cases.models import Case

    big_cases = Case.objects.filter(participant_id=who["big"].pk).count()
    connection.close()  # the server's workers get the database to themselves during the run

    log_path = ROOT / "var" / "bench" / "gunicorn-dashboards.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = server_env(args)
    print(
        f"Starting gunicorn ({args.workers} {args.worker_class} workers) on 127.0.0.1:{port}; big MP "
        f"{who['big'].short_name} (pk {who['big'].pk}, {big_cases} cases); {args.concurrency} connections, "
        f"{args.rounds} rounds of {args.seconds:g} s per page.",
        flush=True,
    )
    load_before = os.getloadavg()
    server = start_gunicorn(args, env, port, log_path)
    try:
        Rounds(port, args, sessions).run(pages[2:], rows)
    finally:
        stop(server)
    load_after = os.getloadavg()

    def loads(values):
        return "/".join(f"{v:.1f}" for v in values)

    context = (
        f"{sizes['mps']:,} MPs, {sizes['cases']:,} cases ({big_cases:,} at the big MP), {sizes['notices']:,} notices, "
        f"{sizes['subscribers']:,} subscribers; gunicorn {args.workers}x{args.worker_class}, {args.concurrency} "
        f"connections, {args.rounds} rounds of {args.seconds:g} s per page (baselines {args.baseline_seconds:g} s), "
        f"CONN_MAX_AGE={env['DJANGO_CONN_MAX_AGE']}, PGOPTIONS={env.get('PGOPTIONS', '')!r}; load average "
        f"{loads(load_before)} before, {loads(load_after)} after (1/5/15 min) on {os.cpu_count()} CPUs; "
        f"commit {commit_label()}."
    )
    ordered = [rows[p.label] for p in pages]
    print(f"\n{context}")
    print("\n".join(table(ordered)))
    print(TARGETS)
    errors = [(p, rows[p.label]) for p in pages if rows[p.label].error]
    for page, row in errors:
        print(f"\nERROR on {page.label} ({page.path}):\n{row.error}")
    if errors:
        print(f"\ngunicorn log tail ({log_path}):\n{tail(log_path)}")
    if args.json:
        Path(args.json).write_text(json.dumps({"context": context, "rows": [row.as_dict() for row in ordered]}))

    missed = [p for p in pages if rows[p.label].rates and verdict(rows[p.label]).startswith("MISS")]
    judged = [p for p in pages if p.kind in ("page", "noop") and rows[p.label].rates]
    to_diagnose = judged if args.diagnose_all else ([] if args.no_diagnose else missed)
    if to_diagnose:
        fresh = make_sessions(1)[0]
        for page in to_diagnose:
            diagnose(
                page.label,
                page.path,
                fresh[page.who][0],
                renders[page.label],
                explain=args.explain,
                cprofile=args.cprofile,
            )
    if errors:
        return 1
    return 1 if args.strict and missed else 0
