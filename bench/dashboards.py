"""Benchmark: throughput and latency of the dashboards and busy pages under gunicorn, against a trivial view
served by the same server in the same run, on a PostgreSQL database seeded at production size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ercot_bench_dash \\
    .venv/bin/python bench/dashboards.py                  # 2,000 MPs, 200,000 cases, 5,000 notices, 50,000 subscribers
    .venv/bin/python bench/dashboards.py --scale 0.01     # a quick run at 1 %

The database named in DATABASE_URL belongs to the benchmark: it is created if missing, migrated, and seeded
unless it already holds the data at the requested sizes (``--reseed`` drops and seeds it again; other sizes
reseed too). See bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
FULL = {"mps": 2000, "cases": 200_000, "notices": 5000, "subscribers": 50_000}
MARKER_TABLE = "bench_dashboards_seed"


@dataclass
class Page:
    label: str
    url_name: str
    who: str | None  # "am", "lead", "mp" or None (anonymous)
    big_mp: bool = False  # the URL takes the big MP's pk
    query: str = ""
    reference: bool = False  # shown for comparison, not judged against the target
    path: str = ""  # resolved at run time

    @property
    def is_baseline(self) -> bool:
        return self.url_name == "bench-trivial"


PAGES = [
    Page("trivial view (baseline)", "bench-trivial", None),
    Page("trivial view, signed in (reference)", "bench-trivial-user", "am", reference=True),
    Page("AM dashboard, as AM", "workspace:home", "am"),
    Page("AM dashboard, as Lead", "workspace:home", "lead"),
    Page("  home card: case counts (htmx), AM", "workspace:cases", "am", query="card=home"),
    Page("MP 360, big MP, as AM", "workspace:participant-detail", "am", big_mp=True),
    Page("metrics (default range), as Lead", "workspace:metrics", "lead"),
    Page("plan page, big MP, as AM", "workspace:participant-plan", "am", big_mp=True),
    Page("case queue (My cases), as AM", "workspace:cases", "am"),
    Page("case queue (All open), as Lead", "workspace:cases", "lead", query="view=open"),
    Page("portal home, as MP user", "portal:home", "mp"),
    Page("public notice archive", "notices:archive", None),
]


@dataclass
class Result:
    page: Page
    status: str  # "ok", "skipped", "error"
    rate: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    detail: str = ""
    base: float = 0.0  # the trivial view's req/s around this measurement
    latencies: list[float] = field(default_factory=list)


# --- database ------------------------------------------------------------------------------------------


def admin_url(database_url: str) -> str:
    return urlunparse(urlparse(database_url)._replace(path="/postgres"))


def database_name(database_url: str) -> str:
    name = urlparse(database_url).path.lstrip("/")
    if not name:
        raise SystemExit("DATABASE_URL must name the benchmark's own database, e.g. .../ercot_bench_dash")
    return name


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


# --- server --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(args, env: dict, port: int, log_path: Path) -> subprocess.Popen:
    command = [
        str(VENV_BIN / "gunicorn"),
        "ercot_services.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    with open(log_path, "w") as log:  # Django logs a 500's traceback to stderr: keep it with gunicorn's log
        server = subprocess.Popen(command, env=env, cwd=str(ROOT), start_new_session=True, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log_path}:\n{tail(log_path)}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/bench/trivial/")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise SystemExit(f"gunicorn did not answer on port {port} within 60 s; see {log_path}:\n{tail(log_path)}")


def stop(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --- load ----------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def hammer(port: int, page: Page, cookies: list[str | None], total: int, concurrency: int) -> Result:
    """``total`` GETs of one page from ``concurrency`` threads, each on its own HTTP/1.1 connection (reopened
    when the server closes it, as gunicorn's sync workers do after every response)."""
    lock = threading.Lock()
    remaining = [total]
    latencies: list[float] = []
    failure: list[str] = []
    stop_event = threading.Event()
    barrier = threading.Barrier(concurrency + 1)

    def worker(cookie: str | None) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
        mine = []
        barrier.wait()
        while not stop_event.is_set():
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                conn.request("GET", page.path, headers=headers)
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                failure.append(f"{type(error).__name__}: {error}")
                stop_event.set()
                break
            elapsed = time.perf_counter() - started
            if response.status != 200:
                location = response.getheader("Location")
                failure.append(
                    f"HTTP {response.status}"
                    + (f" → {location}" if location else "")
                    + "\n"
                    + body[:600].decode(errors="replace")
                )
                stop_event.set()
                break
            mine.append(elapsed)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [
        threading.Thread(target=worker, args=(cookies[i % len(cookies)],), daemon=True) for i in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failure:
        return Result(page, "error", detail=failure[0])
    return Result(
        page,
        "ok",
        rate=len(latencies) / wall,
        p50=percentile(latencies, 0.5) * 1000,
        p95=percentile(latencies, 0.95) * 1000,
        latencies=latencies,
    )


# --- sessions ------------------------------------------------------------------------------------------


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
    sessions: dict[str, list[str]] = {}
    for who, user in users.items():
        keys = []
        for _ in range(count):
            session = store()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            if who == "mp":
                session[PARTICIPANT_KEY] = big.pk
            session.create()
            keys.append(session.session_key)
        sessions[who] = keys
    return sessions, {"big": big, **users}


def resolve(pages: list[Page], big_pk: int) -> list[Result]:
    from django.urls import NoReverseMatch, reverse

    skipped = []
    for page in pages:
        try:
            page.path = reverse(page.url_name, args=[big_pk] if page.big_mp else [])
        except NoReverseMatch:
            skipped.append(Result(page, "skipped", detail=f"{page.url_name} not built"))
            continue
        if page.query:
            page.path += "?" + page.query
    return skipped


# --- diagnosis -----------------------------------------------------------------------------------------


def diagnose(page: Page, cookie: str | None, *, explain: int, cprofile: bool) -> None:
    """Render the page once in this process with every query captured: count, SQL time against total time,
    the slowest and the most repeated statements, EXPLAIN ANALYZE of the slowest; optionally a cProfile."""
    from collections import Counter

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    if cookie:
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    client.get(page.path)
    queries: list[tuple[float, str, object]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - started) * 1000, sql, params))

    with connection.execute_wrapper(timed):
        started = time.perf_counter()
        response = client.get(page.path)
        total = (time.perf_counter() - started) * 1000
    sql_ms = sum(q[0] for q in queries)
    print(f"\n== {page.label}  ({page.path}, HTTP {response.status_code}, {len(response.content) // 1024} KiB)")
    print(
        f"   {len(queries)} queries, {sql_ms:.1f} ms waiting on PostgreSQL of {total:.1f} ms in this process;"
        f" the rest is Python: views, ORM, templates."
    )
    shapes = Counter(" ".join(sql.split())[:100] for _, sql, _ in queries)
    for shape, n in shapes.most_common(3):
        if n > 2:
            print(f"   repeated {n}x: {shape}...")
    slowest = sorted(queries, key=lambda q: q[0], reverse=True)
    for ms, sql, params in slowest[:6]:
        print(f"   {ms:7.2f} ms  {' '.join(sql.split())[:230]}  {str(params)[:80]}")
    explained = 0
    for ms, sql, params in slowest:
        if explained >= explain:
            break
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        explained += 1
        print(
            f"\n   EXPLAIN ANALYZE ({ms:.2f} ms in the page): {' '.join(sql.split())[:700]}  params={str(params)[:200]}"
        )
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            for (line,) in cursor.fetchall():
                print(f"      {line}")
    if cprofile:
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            client.get(page.path)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print("   cProfile of 5 renders (cumulative):")
        print("\n".join("      " + line for line in out.getvalue().splitlines()[4:40]))


# --- main ----------------------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="Multiply the full sizes (0.01 for a quick run).")
    parser.add_argument("--mps", type=int)
    parser.add_argument("--cases", type=int)
    parser.add_argument("--notices", type=int)
    parser.add_argument("--subscribers", type=int)
    parser.add_argument("--account-managers", type=int, help="Default: 20 (fewer when there are few MPs).")
    parser.add_argument("--reseed", action="store_true", help="Drop the database and seed it again.")
    parser.add_argument("--seed-only", action="store_true", help="Seed (if needed) and stop.")
    parser.add_argument("--concurrency", type=int, default=8, help="Client threads per page.")
    parser.add_argument("--requests", type=int, default=200, help="Measured requests per page.")
    parser.add_argument(
        "--baseline-requests",
        type=int,
        default=600,
        help="Measured requests of each trivial-view run (before the first page and after each page).",
    )
    parser.add_argument(
        "--pgoptions",
        default=None,
        help="PGOPTIONS for the server's database sessions, e.g. \"-c jit=off\" (default: the server's own settings).",
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        help="DJANGO_CONN_MAX_AGE for the server (default: the environment's, else 60 as in production).",
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers.")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=2, help="Threads per worker (gthread only).")
    parser.add_argument("--target", type=float, default=0.3, help="Minimum req/s ratio to the trivial view.")
    parser.add_argument("--strict", action="store_true", help="Exit non-zero when a page misses the target.")
    parser.add_argument("--only", help="Comma-separated substrings of page labels or URL names to run.")
    parser.add_argument("--no-diagnose", action="store_true", help="Do not profile pages that miss the target.")
    parser.add_argument("--diagnose-all", action="store_true", help="Profile every page after the run.")
    parser.add_argument("--explain", type=int, default=2, help="EXPLAIN ANALYZE the N slowest queries of a page.")
    parser.add_argument("--cprofile", action="store_true", help="Add a cProfile of the Python side to diagnoses.")
    args = parser.parse_args()
    sizes = {
        k: getattr(args, k) if getattr(args, k) is not None else max(1, round(v * args.scale)) for k, v in FULL.items()
    }
    sizes["mps"] = max(sizes["mps"], 3)
    sizes["account_managers"] = args.account_managers or max(2, min(20, sizes["mps"] // 10))
    return args, sizes


def main() -> int:
    args, sizes = parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "bench/dashboards.py measures PostgreSQL only (the target is production, and SQLite's planner and "
            "locking say nothing about it). Set DATABASE_URL to the benchmark's own PostgreSQL database, e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/ercot_bench_dash .venv/bin/python bench/dashboards.py"
        )
    libpq_url = database_url.replace("postgres://", "postgresql://", 1)
    database_name(database_url)
    from bench.dashboard_seed import SEED_VERSION

    wanted = {"version": SEED_VERSION, **sizes}
    seeded = read_marker(libpq_url)
    reseed = args.reseed or seeded != wanted
    if reseed:
        why = "--reseed" if args.reseed else ("not seeded yet" if seeded is None else f"seeded at {seeded}")
        print(f"(Re)creating {database_name(database_url)} ({why}) ...", flush=True)
        recreate_database(libpq_url)

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
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

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
        print(f"Database already seeded at {seeded}; skipping (use --reseed to start over).", flush=True)
    if args.seed_only:
        return 0
    print("Collecting static files ...", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)

    sessions, who = make_sessions(args.concurrency)
    sessions[None] = [None]
    pages = [
        p
        for p in PAGES
        if p.is_baseline
        or not args.only
        or any(s.strip() and (s.strip() in p.label or s.strip() == p.url_name) for s in args.only.split(","))
    ]
    skipped = resolve(pages, who["big"].pk)
    for result in skipped:
        print(f"skipped: {result.detail}")
    runnable = [p for p in pages if p.path]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_case WHERE participant_id = %s", [who["big"].pk])
        big_cases = cursor.fetchone()[0]
    connection.close()  # the server's workers get the database to themselves during the run

    log_path = ROOT / "var" / "bench" / "gunicorn-dashboards.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    port = free_port()
    print(
        f"Starting gunicorn ({args.workers} {args.worker_class} workers) on 127.0.0.1:{port}; "
        f"big MP {who['big'].short_name} (pk {who['big'].pk}, {big_cases} cases); "
        f"{args.concurrency} client threads, {args.requests} requests per page.",
        flush=True,
    )
    server = start_gunicorn(args, env, port, log_path)
    baseline_page = next(p for p in runnable if p.is_baseline)
    results: list[Result] = []
    baselines: list[Result] = []

    created = [time.monotonic()]

    def measure(page: Page, total: int) -> Result:
        if page.who and time.monotonic() - created[0] > 600:
            # Sessions idle out after SESSION_COOKIE_AGE (30 minutes by default); a slow run outlives them.
            sessions.update(make_sessions(args.concurrency)[0])
            connection.close()
            created[0] = time.monotonic()
        cookies = sessions[page.who]
        warm = hammer(port, page, cookies, args.concurrency * 2, args.concurrency)
        return warm if warm.status == "error" else hammer(port, page, cookies, total, args.concurrency)

    def baseline() -> Result:
        result = measure(baseline_page, args.baseline_requests)
        if result.status != "ok":
            raise SystemExit(f"The trivial view failed: {result.detail}\n{tail(log_path)}")
        baselines.append(result)
        return result

    try:
        before = baseline()
        print(
            f"  {'trivial view':<42} {before.rate:8.1f} req/s  p50 {before.p50:7.1f} ms  p95 {before.p95:7.1f} ms",
            flush=True,
        )
        for page in runnable:
            if page.is_baseline:
                continue
            result = measure(page, args.requests)
            after = baseline()  # each page is judged against the trivial view measured right before and after it
            result.base = (before.rate + after.rate) / 2
            before = after
            line = (
                f"  {page.label:<42} {result.rate:8.1f} req/s  p50 {result.p50:7.1f} ms  p95 {result.p95:7.1f} ms"
                f"   (trivial view around it: {result.base:.0f} req/s)"
                if result.status == "ok"
                else f"  {page.label:<42} ERROR {result.detail}"
            )
            print(line, flush=True)
            results.append(result)
    finally:
        stop(server)

    rates = [b.rate for b in baselines]
    print()
    print(
        f"Sizes: {sizes['mps']} MPs, {sizes['cases']} cases ({big_cases} at the big MP), {sizes['notices']} notices, "
        f"{sizes['subscribers']} subscribers; gunicorn {args.workers}x{args.worker_class}, {args.concurrency} client "
        f"threads, {args.requests} requests per page, CONN_MAX_AGE={env.get('DJANGO_CONN_MAX_AGE', '0')}, "
        f"PGOPTIONS={env.get('PGOPTIONS', '')!r}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs."
    )
    print(
        f"Trivial view: {len(rates)} measurements between {min(rates):.0f} and {max(rates):.0f} req/s "
        f"(median {sorted(rates)[len(rates) // 2]:.0f}). Each page's ratio uses the mean of the two around it."
    )
    header = (
        f"{'page':<42} {'req/s':>8} {'trivial':>8} {'ratio':>6} {'p50 ms':>8} {'p95 ms':>8}  "
        f"result (target >= {args.target})"
    )
    print(header)
    print("-" * len(header))
    first = baselines[0]
    print(f"{first.page.label:<42} {first.rate:8.1f} {first.rate:8.1f} {1:6.2f} {first.p50:8.1f} {first.p95:8.1f}")
    failed, errors = [], []
    order = {id(p): i for i, p in enumerate(PAGES)}
    for result in sorted(results + skipped, key=lambda r: order[id(r.page)]):
        label = result.page.label
        if result.status == "skipped":
            print(f"{label:<42} {'':>8} {'':>8} {'':>6} {'':>8} {'':>8}  skipped: {result.detail}")
        elif result.status == "error":
            errors.append(result)
            print(f"{label:<42} {'':>8} {'':>8} {'':>6} {'':>8} {'':>8}  ERROR: {result.detail.splitlines()[0]}")
        else:
            ratio = result.rate / result.base
            if result.page.reference:
                verdict = "reference"
            else:
                verdict = "PASS" if ratio >= args.target else "FAIL"
                if verdict == "FAIL":
                    failed.append(result)
            print(
                f"{label:<42} {result.rate:8.1f} {result.base:8.1f} {ratio:6.2f} {result.p50:8.1f} "
                f"{result.p95:8.1f}  {verdict}"
            )
    for result in errors:
        print(f"\nERROR on {result.page.label} ({result.page.path}):\n{result.detail}")
    if errors:
        print(f"\ngunicorn log tail ({log_path}):\n{tail(log_path)}")

    to_diagnose = (
        [r for r in results if r.status == "ok"] if args.diagnose_all else ([] if args.no_diagnose else failed)
    )
    if to_diagnose:
        sessions.update(make_sessions(1)[0])
    for result in to_diagnose:
        diagnose(result.page, sessions[result.page.who][0], explain=args.explain, cprofile=args.cprofile)
    if errors:
        return 1
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
