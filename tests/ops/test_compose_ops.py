"""docker-compose.yml's operational pieces, read and run natively (there is no Docker engine here)."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
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
SERVICES = COMPOSE["services"]


def test_backup_is_a_tools_service_writing_to_its_own_volume():
    backup = SERVICES["backup"]
    assert backup["profiles"] == ["tools"]  # `docker compose up` leaves it out
    assert backup["command"] == ["python", "manage.py", "backup"]
    assert backup["environment"]["BACKUP_DIR"] == "/app/var/backups"
    assert "backups:/app/var/backups" in backup["volumes"]
    # The uploads it archives are the ones web and worker write.
    assert "private-media:/app/var/private" in backup["volumes"]
    assert "private-media:/app/var/private" in SERVICES["web"]["volumes"]
    assert "backups" in COMPOSE["volumes"]
    assert backup["environment"]["DATABASE_URL"] == SERVICES["web"]["environment"]["DATABASE_URL"]


@pytest.mark.parametrize("name", ["web", "worker"])
def test_web_and_worker_share_metrics_between_their_processes_in_an_empty_tmpfs(name):
    service = SERVICES[name]
    directory = service["environment"]["PROMETHEUS_MULTIPROC_DIR"]
    assert directory in service["tmpfs"]
    # Each container has its own: process ids of two containers may be the same.
    assert "PROMETHEUS_MULTIPROC_DIR" not in SERVICES["migrate"]["environment"]


def test_the_worker_serves_its_metrics_inside_the_network_only():
    worker = SERVICES["worker"]
    assert worker["environment"]["WORKER_METRICS_PORT"] == "9808"
    assert worker["expose"] == ["9808"]
    assert "ports" not in worker


def test_the_web_command_uses_the_gunicorn_config_and_prometheus_may_reach_web():
    command = SERVICES["web"]["command"]
    assert command[command.index("--config") + 1] == "gunicorn.conf.py"
    assert (ROOT / "gunicorn.conf.py").exists()
    assert "web" in SERVICES["web"]["environment"]["DJANGO_ALLOWED_HOSTS"]
    assert SERVICES["web"]["environment"]["METRICS_TOKEN"] == "${METRICS_TOKEN:-}"


def test_the_image_has_a_pg_dump_of_the_servers_version():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "postgresql-client" in dockerfile
    assert "FROM python:3.11-slim-bookworm" in dockerfile  # bookworm's client is 15, like SERVICES["postgres"]
    assert SERVICES["postgres"]["image"] == "postgres:15"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, token: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _healthz_count(base: str, token: str) -> float:
    """The healthz GETs the scrape reports; every scrape also checks the outbox is reported unreadable (no tables)."""
    status, text = _get(f"{base}/metrics", token)
    assert status == 200, text
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    assert samples[("ercot_outbox_up", ())] == 0
    return samples[
        ("django_http_requests_latency_seconds_by_view_method_count", (("method", "GET"), ("view", "healthz")))
    ]


@pytest.mark.subprocess
def test_the_web_command_adds_up_the_request_counts_of_every_gunicorn_worker(tmp_path):
    """Two gunicorn workers, one multiprocess directory: every scrape reports all requests, whoever answers it."""
    port = _free_port()
    token = uuid.uuid4().hex
    command = [str(VENV_BIN / "gunicorn")] + [
        f"127.0.0.1:{port}" if arg == "0.0.0.0:8000" else arg for arg in SERVICES["web"]["command"][1:]
    ]
    command[command.index("--workers") + 1] = "2"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "DJANGO_", "LOG_"))}
    multiproc = tmp_path / "prometheus"
    multiproc.mkdir()
    (multiproc / "counter_999999.db").write_bytes(b"")  # left by an earlier run: the master empties the directory
    env.update(
        DJANGO_SETTINGS_MODULE="ercot_services.settings.production",
        DJANGO_SECRET_KEY=uuid.uuid4().hex * 2,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        ERCOT_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CACHE_URL="redis://127.0.0.1:6379/1",
        PROMETHEUS_MULTIPROC_DIR=str(multiproc),
        METRICS_TOKEN=token,
    )
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail("gunicorn did not serve /healthz:\n" + log.read_text()[-3000:])
            time.sleep(0.3)
        assert _get(f"{base}/metrics")[0] == 401  # no token
        # The readiness probes are counted too, and a slow machine may have timed one out after gunicorn answered it:
        # the scrapes are compared with the count before nine more requests, not with a fixed total.
        before = _healthz_count(base, token)
        for _ in range(9):
            assert _get(f"{base}/healthz")[0] == 200
        assert {_healthz_count(base, token) for _ in range(4)} == {before + 9}
        assert not (multiproc / "counter_999999.db").exists()
    finally:
        server.terminate()
        server.wait(timeout=15)
