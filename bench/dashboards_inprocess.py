"""In-process renders of bench/dashboards.py (Django's test client, with the same session cookie as the load):
each page's queries and HTML size, and the diagnosis of the pages that miss a target."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Render:
    """One in-process render of a page, every query timed."""

    status: int
    size: int  # bytes of the response body
    total_ms: float
    queries: list[tuple[float, str, object]] = field(default_factory=list)  # (ms, sql, params)

    @property
    def sql_ms(self) -> float:
        return sum(q[0] for q in self.queries)


def _client(cookie: str | None):
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    if cookie:
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    return client


def render(path: str, cookie: str | None) -> Render:
    """Render ``path`` twice in this process (the first warms the caches, as the load's warm-up does) and capture
    the second's queries: the count is what the page costs on every request."""
    from django.db import connection

    client = _client(cookie)
    client.get(path)
    queries: list[tuple[float, str, object]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - started) * 1000, sql, params))

    with connection.execute_wrapper(timed):
        started = time.perf_counter()
        response = client.get(path)
        total = (time.perf_counter() - started) * 1000
    return Render(response.status_code, len(response.content), total, queries)


def diagnose(label: str, path: str, cookie: str | None, seen: Render, *, explain: int, cprofile: bool) -> None:
    """Print where a page's time goes: query count, time waiting on PostgreSQL against total time, the most
    repeated and the slowest statements, EXPLAIN ANALYZE of the slowest SELECTs; optionally a cProfile."""
    from django.db import connection

    print(f"\n== {label}  ({path}, HTTP {seen.status}, {seen.size // 1024} KiB)")
    print(
        f"   {len(seen.queries)} queries, {seen.sql_ms:.1f} ms waiting on PostgreSQL of {seen.total_ms:.1f} ms in "
        "this process; the rest is Python: views, ORM, templates."
    )
    shapes = Counter(" ".join(sql.split())[:100] for _, sql, _ in seen.queries)
    for shape, n in shapes.most_common(3):
        if n > 2:
            print(f"   repeated {n}x: {shape}...")
    slowest = sorted(seen.queries, key=lambda q: q[0], reverse=True)
    for ms, sql, params in slowest[:6]:
        print(f"   {ms:7.2f} ms  {' '.join(sql.split())[:230]}  {str(params)[:80]}")
    selects = [q for q in slowest if q[1].lstrip().upper().startswith(("SELECT", "WITH"))]
    for ms, sql, params in selects[:explain]:
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

        client = _client(cookie)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            client.get(path)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print("   cProfile of 5 renders (cumulative):")
        print("\n".join("      " + line for line in out.getvalue().splitlines()[4:40]))
