"""The compose worker command, run natively: JSON log lines with the task id, task failures on its metrics port."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(settings.BASE_DIR)
VENV_BIN = Path(sys.executable).parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())

pytestmark = pytest.mark.redis


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _scrape(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.fixture
def worker(tmp_path):
    """The compose worker (prefork, one child) on a queue of its own, with its metrics port and a multiprocess dir."""
    port = _free_port()
    queue = f"ops-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "DJANGO_", "LOG_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="ercot_services.settings.production",
        DJANGO_SECRET_KEY=uuid.uuid4().hex * 2,
        DJANGO_ALLOWED_HOSTS="localhost",
        ERCOT_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CACHE_URL="redis://127.0.0.1:6379/1",
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"),
        WORKER_METRICS_PORT=str(port),
        WORKER_METRICS_ADDRESS="127.0.0.1",
    )
    command = [str(VENV_BIN / "celery")] + COMPOSE["services"]["worker"]["command"][1:]
    command = [arg for arg in command if not arg.startswith("--concurrency")] + ["--concurrency=1", "-Q", queue]
    log = tmp_path / "worker.log"
    with open(log, "w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield {"queue": queue, "port": port, "log": log}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_the_worker_logs_json_with_the_task_id_and_counts_failures_on_its_port(worker):
    from ercot_services.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        # A run that raises in the prefork child (a keyword argument the task does not take), then one that succeeds.
        failed = app.send_task("ercot_services.core.tasks.ping", kwargs={"bogus": 1}, queue=worker["queue"])
        failed.get(timeout=60, propagate=False)
        assert failed.state == "FAILURE"
        ok = app.send_task("ercot_services.core.tasks.ping", queue=worker["queue"])
        assert ok.get(timeout=30) == "pong"
    finally:
        app.conf.task_always_eager = previous

    # The child's counter, read by the main process's exporter through the multiprocess directory.
    samples = _scrape(worker["port"])
    assert samples[("ercot_celery_task_failures_total", (("task", "ercot_services.core.tasks.ping"),))] == 1

    deadline = time.monotonic() + 10
    while True:
        lines = [json.loads(line) for line in worker["log"].read_text().splitlines() if line.startswith("{")]
        succeeded = [line for line in lines if line["task_id"] == ok.id and "succeeded" in line["message"]]
        if succeeded or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert succeeded, worker["log"].read_text()[-3000:]
    assert succeeded[0]["task_name"] == "ercot_services.core.tasks.ping"
    raised = [line for line in lines if line["task_id"] == failed.id and line["level"] == "ERROR"]
    assert raised and "TypeError" in raised[0]["message"]
