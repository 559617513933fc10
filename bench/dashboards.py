"""Benchmark: throughput and latency of the dashboards and busy pages under gunicorn, each as a ratio to the
rendered 404 and to a trivial view of the same server, measured in three interleaved rounds on a PostgreSQL
database seeded at production size; optionally at several case counts (a scale sweep).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ercot_bench_dash \\
    .venv/bin/python bench/dashboards.py                         # 2,000 MPs, 200,000 cases, 5,000 notices, ...
    .venv/bin/python bench/dashboards.py --scale 0.01 --rounds 1  # a quick run at 1 %
    .venv/bin/python bench/dashboards.py --sweep 20000,200000     # databases ercot_bench_dash_20k and _200k

The database named in DATABASE_URL (or, with --sweep, the databases named after it) belongs to the benchmark: it
is created if missing, migrated, and seeded unless it already holds the data at the requested sizes (``--reseed``
drops and seeds it again; other sizes reseed too). See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.dashboards_report import Row, growth_table, size_label, table  # noqa: E402  (run as a script: root first)
from bench.dashboards_run import FULL, database_name, with_database  # noqa: E402

# --- main ----------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="Multiply the full sizes (0.01 for a quick run).")
    parser.add_argument("--mps", type=int)
    parser.add_argument("--cases", type=int)
    parser.add_argument("--notices", type=int)
    parser.add_argument("--subscribers", type=int)
    parser.add_argument("--account-managers", type=int, help="Default: 20 (fewer when there are few MPs).")
    parser.add_argument(
        "--sweep",
        help="Comma-separated case counts, e.g. 20000,200000: the whole run at each, on databases named after "
        "DATABASE_URL's with _20k, _200k; then one table per size and a growth table.",
    )
    parser.add_argument("--reseed", action="store_true", help="Drop the database and seed it again.")
    parser.add_argument("--seed-only", action="store_true", help="Seed (if needed), build the read models, stop.")
    parser.add_argument("--rebuild-read-models", action="store_true", help="Run the read-model commands again.")
    parser.add_argument("--rounds", type=int, default=3, help="Interleaved rounds; the tables show their median.")
    parser.add_argument("--seconds", type=float, default=5.0, help="Measured seconds per page and round.")
    parser.add_argument("--baseline-seconds", type=float, default=2.5, help="Seconds of each baseline run.")
    parser.add_argument("--min-requests", type=int, help="At least this many per run (default: 2 x concurrency).")
    parser.add_argument("--concurrency", type=int, default=8, help="Client threads per page.")
    parser.add_argument("--pgoptions", default=None, help='PGOPTIONS for the server\'s sessions, e.g. "-c jit=off".')
    parser.add_argument("--conn-max-age", type=int, help="DJANGO_CONN_MAX_AGE for the server (default: env, else 60).")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers.")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=2, help="Threads per worker (gthread only).")
    parser.add_argument("--strict", action="store_true", help="Exit non-zero when a page misses a target.")
    parser.add_argument("--only", help="Comma-separated substrings of page labels or URL names to run.")
    parser.add_argument("--no-diagnose", action="store_true", help="Do not profile pages that miss a target.")
    parser.add_argument("--diagnose-all", action="store_true", help="Profile every page after the run.")
    parser.add_argument("--explain", type=int, default=2, help="EXPLAIN ANALYZE the N slowest queries of a page.")
    parser.add_argument("--cprofile", action="store_true", help="Add a cProfile of the Python side to diagnoses.")
    parser.add_argument("--json", help="Also write the rows to this file (the sweep reads its children's).")
    args = parser.parse_args(argv)
    sizes = {
        k: getattr(args, k) if getattr(args, k) is not None else max(1, round(v * args.scale)) for k, v in FULL.items()
    }
    sizes["mps"] = max(sizes["mps"], 3)
    sizes["account_managers"] = args.account_managers or max(2, min(20, sizes["mps"] // 10))
    if args.min_requests is None:
        args.min_requests = 2 * args.concurrency
    return args, sizes


def check_database_url() -> str:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "bench/dashboards.py measures PostgreSQL only (the target is production, and SQLite's planner and "
            "locking say nothing about it). Set DATABASE_URL to the benchmark's own PostgreSQL database, e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/ercot_bench_dash .venv/bin/python bench/dashboards.py"
        )
    database_name(database_url)
    return database_url


def without_sweep(argv: list[str]) -> list[str]:
    """The command line of a sweep's child: the parent's without ``--sweep X`` (the child gets ``--cases``)."""
    kept, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--sweep":
            skip = True
        elif not arg.startswith("--sweep="):
            kept.append(arg)
    return kept


def sweep(args) -> int:
    """The whole run once per case count, each in its own process on its own database (Django binds one database
    per process), then the tables of every size side by side and how each page's cost grows."""
    database_url = check_database_url()
    counts = [int(c.replace("_", "")) for c in args.sweep.split(",") if c.strip()]
    passthrough = without_sweep(sys.argv[1:])
    results, worst = {}, 0
    with tempfile.TemporaryDirectory() as folder:
        for cases in counts:
            name = f"{database_name(database_url)}_{size_label(cases)}"
            out = Path(folder) / f"{cases}.json"
            print(f"\n######## {cases:,} cases: database {name}\n", flush=True)
            command = [sys.executable, str(Path(__file__).resolve()), *passthrough, "--cases", str(cases)]
            env = dict(os.environ, DATABASE_URL=with_database(database_url, name))
            code = subprocess.call([*command, "--json", str(out)], env=env)
            worst = max(worst, code)
            if out.exists():
                results[cases] = json.loads(out.read_text())
    if args.seed_only:
        return worst
    print("\n######## Sweep summary\n")
    for cases, result in results.items():
        print(f"{cases:,} cases. {result['context']}")
        print("\n".join(table([Row(**r) for r in result["rows"]])))
        print()
    measured = [c for c in counts if c in results]
    if len(measured) > 1:
        print(
            "Growth with the case count (flat = 1.00): cost = 1 / req/s, the same cost counted in rendered 404s "
            "(1 / ×404), p50 (medians of the rounds); queries and KiB at each size."
        )
        print("\n".join(growth_table(measured, {c: [Row(**r) for r in results[c]["rows"]] for c in measured})))
    return worst


def main() -> int:
    args, sizes = parse_args()
    if args.sweep:
        return sweep(args)
    from bench.dashboards_run import run

    return run(args, sizes, check_database_url())


if __name__ == "__main__":
    sys.exit(main())
