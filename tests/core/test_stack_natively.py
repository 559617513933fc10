"""docker-compose.yml cannot run here (no Docker engine), so its commands are run natively."""

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

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _production_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="ercot_services.settings.production",
        DJANGO_SECRET_KEY=uuid.uuid4().hex * 2,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        ERCOT_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        # Production refuses a per-process cache; nothing here connects to it.
        CACHE_URL="redis://127.0.0.1:6379/1",
    )
    env.update(extra)
    return env


def test_compose_declares_the_whole_stack():
    services = COMPOSE["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "mailpit"} <= set(services)
    web_env = services["web"]["environment"]
    assert web_env["DATABASE_URL"].startswith("postgres://")
    assert web_env["CELERY_BROKER_URL"].startswith("redis://redis:")
    assert web_env["EMAIL_URL"] == "smtp://mailpit:1025"
    assert web_env["CACHE_URL"].startswith("redis://redis:")
    assert services["worker"]["command"][:3] == ["celery", "-A", "ercot_services"]
    assert "8025:8025" in services["mailpit"]["ports"]
    assert (ROOT / "Dockerfile").exists()


@pytest.mark.subprocess
def test_web_command_serves_healthz_under_gunicorn_with_production_settings(tmp_path):
    command = COMPOSE["services"]["web"]["command"]
    port = _free_port()
    command = [str(VENV_BIN / command[0])] + [
        f"127.0.0.1:{port}" if arg == "0.0.0.0:8000" else arg for arg in command[1:]
    ]
    command[command.index("--workers") + 1] = "1"
    server = subprocess.Popen(
        command, cwd=ROOT, env=_production_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    body = response.read().decode()
                    assert response.status == 200
                    assert '"database": {"ok": true' in body
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    server.kill()
                    pytest.fail("gunicorn did not serve /healthz:\n" + server.stdout.read().decode()[-3000:])
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.redis
def test_worker_command_runs_a_task_through_redis(tmp_path):
    """The compose worker command, run natively, answers a task sent through the broker."""
    from ercot_services.celery import app

    broker = settings.CELERY_BROKER_URL
    queue = f"ci-{uuid.uuid4().hex[:8]}"
    command = [str(VENV_BIN / "celery")] + COMPOSE["services"]["worker"]["command"][1:]
    command = [arg for arg in command if not arg.startswith("--concurrency")] + ["--concurrency=1", "-Q", queue]
    env = _production_env(tmp_path, CELERY_BROKER_URL=broker)
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        result = app.send_task("ercot_services.core.tasks.ping", queue=queue)
        assert result.get(timeout=45) == "pong"
    finally:
        app.conf.task_always_eager = previous
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
