"""Real processes for the fault-injection tests: a private ``redis-server`` and Celery workers and beat.

Each process writes its log to a file of the run's directory, which the tests print when something fails.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], object], *, timeout: float, interval: float = 0.2, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy (returned) or ``timeout`` seconds pass (raises)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not reached within {timeout:.0f} s")
        time.sleep(interval)


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _stop(process: subprocess.Popen | None, *, group: bool, timeout: float = 20) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM) if group else process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL) if group else process.kill()
        process.wait(10)


class RedisServer:
    """``redis-server`` on a free port of loopback, without persistence: a restart loses every queued task."""

    binary = shutil.which("redis-server")

    def __init__(self, workdir: Path, port: int | None = None):
        self.port = port or free_port()
        self.workdir = workdir
        self.log = workdir / f"redis-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> RedisServer:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.workdir), "--logfile", str(self.log)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: _port_open(self.port), timeout=15, what=f"redis-server on {self.port}")
        return self

    def stop(self) -> None:
        """Gone, with everything it held (``--save ""``: nothing is written on the way out)."""
        _stop(self.process, group=False)
        self.process = None
        wait_until(lambda: not _port_open(self.port), timeout=10, what="redis-server stopped")

    def restart(self) -> None:
        self.stop()
        self.start()


class CeleryProcess:
    """``celery worker`` (prefork, one child unless told) or ``celery beat``, in a session of its own."""

    def __init__(self, name: str, env: dict, workdir: Path, *, beat: bool = False, concurrency: int = 1):
        self.name = name
        self.env = env
        self.workdir = workdir
        self.beat = beat
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None
        self.log = workdir / f"{name}.log"
        self.starts = 0
        self._offset = 0

    def command(self) -> list[str]:
        if self.beat:
            schedule = self.workdir / f"{self.name}-schedule"
            return [str(CELERY), "-A", "ercot_services", "beat", "-l", "INFO", "--schedule", str(schedule)]
        return [
            str(CELERY),
            "-A",
            "ercot_services",
            "worker",
            "-P",
            "prefork",
            "-c",
            str(self.concurrency),
            "-n",
            f"{self.name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "INFO",
        ]

    def start(self, *, wait: bool = True) -> CeleryProcess:
        self.starts += 1
        self._offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as log:
            log.write(f"\n===== start {self.starts} at {time.time():.3f} =====\n".encode())
            self.process = subprocess.Popen(
                self.command(), env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 90) -> None:
        ready = "beat: Starting" if self.beat else " ready."
        wait_until(lambda: ready in self._log_since(self._offset), timeout=timeout, interval=0.3, what=f"{self.name}")

    def _log_since(self, offset: int) -> str:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.tail()}")
        with self.log.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")

    def children(self) -> list[int]:
        """The pool's child processes (their parent is this worker's main process)."""
        if self.process is None:
            return []
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.process.pid:
                    found.append(int(entry.name))
        return sorted(found)

    def kill_child(self) -> int:
        """kill -9 one pool child (the main process sees it die and starts another)."""
        child = wait_until(self.children, timeout=10, what=f"a pool child of {self.name}")[0]
        os.kill(child, signal.SIGKILL)
        return child

    def kill(self) -> None:
        """kill -9 the main process and its children at once."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        _stop(self.process, group=True, timeout=30)
        self.process = None

    def tail(self, lines: int = 60) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
