"""The server and the load of bench/dashboards.py: gunicorn on a free port, and concurrent keep-alive clients that
send GETs of one page for a fixed time and time each response."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


@dataclass
class Load:
    """One timed run of one page."""

    status: str  # "ok" or "error"
    rate: float = 0.0  # responses per second of wall time
    p50: float = 0.0  # ms
    p95: float = 0.0  # ms
    count: int = 0
    detail: str = ""
    latencies: list[float] = field(default_factory=list, repr=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(args, env: dict, port: int, log_path: Path) -> subprocess.Popen:
    command = [str(VENV_BIN / "gunicorn"), "ercot_services.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(args.workers), "--worker-class", args.worker_class, "--timeout", "120"]
    command += ["--log-level", "warning"]
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


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.5 for p50, 0.95 for p95)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def hammer(port: int, path: str, cookies: list[str | None], *, seconds: float, min_requests: int, concurrency: int,
           expect: int = 200) -> Load:  # fmt: skip
    """GETs of ``path`` from ``concurrency`` threads, each on its own HTTP/1.1 connection (reopened when the server
    closes it, as gunicorn's sync workers do after every response), until ``seconds`` have passed and at least
    ``min_requests`` responses came back. Every response must have the status ``expect``."""
    lock = threading.Lock()
    latencies: list[float] = []
    failure: list[str] = []
    stop_event = threading.Event()
    barrier = threading.Barrier(concurrency + 1)
    deadline = [0.0]

    def done() -> bool:
        return stop_event.is_set() or (time.perf_counter() >= deadline[0] and len(latencies) >= min_requests)

    def worker(cookie: str | None) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
        barrier.wait()
        while not done():
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                failure.append(f"{type(error).__name__}: {error}")
                stop_event.set()
                break
            elapsed = time.perf_counter() - started
            if response.status != expect:
                location = response.getheader("Location")
                failure.append(
                    f"HTTP {response.status} (expected {expect})"
                    + (f" → {location}" if location else "")
                    + "\n"
                    + body[:600].decode(errors="replace")
                )
                stop_event.set()
                break
            with lock:
                latencies.append(elapsed)
        conn.close()

    threads = [
        threading.Thread(target=worker, args=(cookies[i % len(cookies)],), daemon=True) for i in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    deadline[0] = started + seconds
    barrier.wait()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failure:
        return Load("error", detail=failure[0])
    return Load(
        "ok",
        rate=len(latencies) / wall,
        p50=percentile(latencies, 0.5) * 1000,
        p95=percentile(latencies, 0.95) * 1000,
        count=len(latencies),
        latencies=latencies,
    )
