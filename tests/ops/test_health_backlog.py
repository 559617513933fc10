"""/healthz says "degraded" (still 200) when an email has waited too long, naming its kind and age."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ercot_services.core.models import OutboundEmail

pytestmark = pytest.mark.django_db


def _email(key, *, status=OutboundEmail.Status.PENDING, age):
    return OutboundEmail.objects.create(
        key=key, to=["ar@example.com"], subject="s", body="b", status=status, created_at=timezone.now() - age
    )


def test_ok_when_nothing_is_pending(client, settings):
    settings.HEALTH_MAX_PENDING_AGE_SECONDS = 300
    _email("sent", status=OutboundEmail.Status.SENT, age=datetime.timedelta(days=1))

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["outbox"] == {"ok": True, "max_pending_age_seconds": 300}


def test_ok_while_the_oldest_pending_email_is_younger_than_the_limit(client, settings):
    settings.HEALTH_MAX_PENDING_AGE_SECONDS = 300
    _email("recent", age=datetime.timedelta(seconds=120))

    body = client.get(reverse("healthz")).json()

    assert body["status"] == "ok"
    assert body["checks"]["outbox"]["ok"] is True
    assert body["checks"]["outbox"]["oldest_pending"]["kind"] == "email"
    assert 120 <= body["checks"]["outbox"]["oldest_pending"]["age_seconds"] < 180


def test_degraded_once_the_oldest_pending_email_is_older_than_the_limit(client, settings):
    settings.HEALTH_MAX_PENDING_AGE_SECONDS = 300
    _email("recent", age=datetime.timedelta(seconds=10))
    _email("stuck", age=datetime.timedelta(minutes=20))
    # Failed rows are not waiting: an old failure does not count.
    _email("failed", status=OutboundEmail.Status.FAILED, age=datetime.timedelta(days=5))

    response = client.get(reverse("healthz"))

    # Still 200: a mail backlog must not take web processes out of the load balancer.
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    outbox = body["checks"]["outbox"]
    assert outbox["ok"] is False
    assert outbox["max_pending_age_seconds"] == 300
    assert outbox["oldest_pending"]["kind"] == "email"
    assert 20 * 60 <= outbox["oldest_pending"]["age_seconds"] < 21 * 60
    assert body["checks"]["database"]["ok"] is True


def test_the_limit_is_a_setting(client, settings):
    _email("stuck", age=datetime.timedelta(minutes=20))

    settings.HEALTH_MAX_PENDING_AGE_SECONDS = 3600
    assert client.get(reverse("healthz")).json()["status"] == "ok"
    settings.HEALTH_MAX_PENDING_AGE_SECONDS = 600
    assert client.get(reverse("healthz")).json()["status"] == "degraded"


def test_a_failed_readiness_check_wins_over_degraded(client, settings, monkeypatch):
    from ercot_services.core import views

    settings.HEALTH_MAX_PENDING_AGE_SECONDS = 300
    _email("stuck", age=datetime.timedelta(minutes=20))
    monkeypatch.setattr(views, "_check_broker", lambda: {"ok": False, "mode": "broker", "error": "OperationalError"})

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["outbox"]["ok"] is False
