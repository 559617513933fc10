"""A real Celery worker consumes a task from the Redis broker and stores its result."""

import pytest
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult
from django.conf import settings

from ercot_services.celery import app
from ercot_services.core.tasks import ping

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


@pytest.fixture
def not_eager():
    """Send tasks to the broker for this test, then restore the app's configuration."""
    changes = app.conf.changes
    saved = {key: changes[key] for key in ("task_always_eager",) if key in changes}
    app.conf.task_always_eager = False
    yield
    changes.pop("task_always_eager", None)
    changes.update(saved)
    assert app.conf.task_always_eager is settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture
def worker(not_eager):
    app.loader.import_default_modules()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as running:
        yield running


def test_ping_goes_through_the_broker_to_a_worker(worker):
    assert app.conf.task_always_eager is False
    assert app.conf.broker_url.startswith("redis://")

    result = ping.delay()

    assert result.id
    assert result.get(timeout=20) == "pong"
    assert result.state == "SUCCESS"
    assert result.successful()
    # The result came back through the result backend, not from an eager call.
    assert not isinstance(result, EagerResult)
    assert app.AsyncResult(result.id).get(timeout=5) == "pong"
