"""Benchmark: what a signed-in request pays for its session, in process, against an anonymous one.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ercot_bench_sessions CACHE_URL=redis://127.0.0.1:6379/1 \\
    .venv/bin/python bench/sessions.py --requests 3000

Sends GETs through Django's test client (the full middleware stack of ``bench.settings``, no network) to the
trivial views of ``bench/urls.py``: ``"ok"`` anonymous, and ``"ok <user id>"`` signed in. It runs both twice:
*before*, the way sessions were kept until issue 14 (the ``db`` engine, saved on every request, no last-seen
middleware), and *after*, the project's settings (``cached_db`` behind the cache of ``CACHE_URL``, the last-seen
time written at most once a minute). Prints requests/s and the ratio signed-in / anonymous of each. The database
named in ``DATABASE_URL`` is migrated (created first if missing, PostgreSQL only); see bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IDLE_MIDDLEWARE = "ercot_services.core.sessions.IdleTimeoutMiddleware"


def _create_database(url: str) -> None:
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg
    from psycopg import sql

    *server, name = url.rsplit("/", 1)
    admin = ("/".join(server) + "/postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _rate(client, url: str, requests: int, expect: bytes) -> float:
    for _ in range(50):  # warm-up: imports, connection, caches
        client.get(url)
    started = time.perf_counter()
    for _ in range(requests):
        response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200 or not response.content.startswith(expect):
        raise SystemExit(f"{url}: {response.status_code} {response.content[:80]!r}")
    return requests / elapsed


def _measure(user, requests: int) -> tuple[float, float]:
    from django.test import Client

    anonymous = _rate(Client(HTTP_HOST="127.0.0.1"), "/bench/trivial/", requests, b"ok")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    signed_in = _rate(client, "/bench/trivial-user/", requests, f"ok {user.pk}".encode())
    return anonymous, signed_in


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="measured requests per view and mode")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    _create_database(os.environ.get("DATABASE_URL", ""))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    from accounts.models import User

    call_command("migrate", verbosity=0)
    user, _ = User.objects.get_or_create(email="bench-sessions@ercot.example", defaults={"full_name": "Bench"})
    before = override_settings(
        SESSION_ENGINE="django.contrib.sessions.backends.db",
        SESSION_SAVE_EVERY_REQUEST=True,
        MIDDLEWARE=[name for name in settings.MIDDLEWARE if name != IDLE_MIDDLEWARE],
    )
    print(f"database {settings.DATABASES['default']['ENGINE']}, cache {settings.CACHES['default']['BACKEND']}")
    print(f"{'mode':<8}{'anonymous req/s':>18}{'signed in req/s':>18}{'ratio':>8}")
    for label, context in [("before", before), ("after", override_settings())] * 2:
        with context:
            anonymous, signed_in = _measure(user, args.requests)
        print(f"{label:<8}{anonymous:>18.0f}{signed_in:>18.0f}{signed_in / anonymous:>8.2f}", flush=True)


if __name__ == "__main__":
    main()
