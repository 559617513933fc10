"""/healthz: liveness and readiness of the database and the broker."""

import time

import pytest
from django.db import OperationalError
from django.urls import reverse

from ercot_services.core import views as core_views

pytestmark = pytest.mark.django_db

CLOSED_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def celery_app():
    from ercot_services.celery import app

    return app


@pytest.fixture
def broker_url(celery_app, monkeypatch):
    """Point the Celery app at another broker for one test, then put the original back.

    Celery reads ``CELERY_BROKER_URL`` from the process environment before its
    own configuration, so the variable is hidden for the test as well.
    """
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    changes = celery_app.conf.changes
    keys = ("broker_url", "broker_write_url")
    saved = {key: changes[key] for key in keys if key in changes}

    def _set(url):
        celery_app.conf.broker_url = url
        celery_app.conf.broker_write_url = None

    yield _set
    for key in keys:
        changes.pop(key, None)
    changes.update(saved)


class _BrokenCursor:
    def __enter__(self):
        raise OperationalError("could not connect to server")

    def __exit__(self, *exc):
        return False


class _BrokenConnection:
    vendor = "broken"

    def cursor(self):
        return _BrokenCursor()


def test_healthz_is_ok_with_database_and_eager_celery(client, settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["database"]["vendor"] in {"sqlite", "postgresql"}
    assert body["checks"]["broker"] == {"ok": True, "mode": "eager"}


def test_healthz_is_never_cached(client):
    response = client.get(reverse("healthz"))
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_reports_an_unreachable_broker(client, settings, broker_url, celery_app):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    broker_url(CLOSED_BROKER)

    started = time.monotonic()
    response = client.get(reverse("healthz"))
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["mode"] == "broker"
    assert body["checks"]["broker"]["error"]
    # The database is fine; only the broker is down.
    assert body["checks"]["database"]["ok"] is True
    # A readiness probe must answer quickly, not hang on broker retries.
    assert elapsed < 10


def test_healthz_reports_a_database_failure(client, monkeypatch):
    monkeypatch.setattr(core_views, "connection", _BrokenConnection())

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["broker"]["ok"] is True


@pytest.mark.redis
def test_healthz_reaches_a_real_broker(client, settings, celery_app):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert celery_app.conf.broker_url == settings.CELERY_BROKER_URL

    response = client.get(reverse("healthz"))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["broker"] == {"ok": True, "mode": "broker"}
