"""Prometheus metrics: what django-prometheus measures per request, the outbox read at scrape time, Celery task outcomes.

- **Requests** (latency histograms by view and method, responses by status, …) come from django-prometheus's two
  middlewares (``MIDDLEWARE``).
- **The outbox** is read from the database when ``/metrics`` is scraped, never counted in memory, so every web
  process answers the same: ``ercot_outbox_deliveries{kind,state}`` and
  ``ercot_outbox_oldest_pending_age_seconds{kind}`` (0 when nothing is pending), one aggregate query per kind
  (``core.backlog``); ``ercot_outbox_up`` is 0 when the tables could not be read (the rest of the scrape still works).
- **Celery task outcomes**, ``ercot_celery_task_failures_total{task}`` and ``ercot_celery_task_retries_total{task}``,
  are counted by the ``task_failure`` and ``task_retry`` signals in the process that ran the task: the worker's, which
  serves them on its own port (:func:`start_worker_exporter`, ``WORKER_METRICS_PORT``), or the web process's own when
  tasks run eagerly (no broker).

Several processes (gunicorn workers, the worker's prefork children) share their counters through prometheus_client's
multiprocess mode: set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory per container (``docker-compose.yml``
mounts a tmpfs); without it each process reports only its own counts, which is right for one process (runserver,
tests).

``/metrics`` is off unless ``METRICS_TOKEN`` is set; then it answers only ``Authorization: Bearer <METRICS_TOKEN>``.
"""

from __future__ import annotations

import hmac
import logging
import os
from pathlib import Path

import prometheus_client
from celery import signals
from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

from .backlog import outbox_backlog

logger = logging.getLogger(__name__)

TASK_FAILURES = Counter("ercot_celery_task_failures", "Celery task runs that raised an error, by task.", ["task"])
TASK_RETRIES = Counter("ercot_celery_task_retries", "Celery task runs that asked to be retried, by task.", ["task"])


def _task_name(sender) -> str:
    return getattr(sender, "name", None) or "unknown"


@signals.task_failure.connect(weak=False, dispatch_uid="ercot_metrics_task_failure")
def count_task_failure(sender=None, **kwargs) -> None:
    TASK_FAILURES.labels(task=_task_name(sender)).inc()


@signals.task_retry.connect(weak=False, dispatch_uid="ercot_metrics_task_retry")
def count_task_retry(sender=None, **kwargs) -> None:
    TASK_RETRIES.labels(task=_task_name(sender)).inc()


class OutboxCollector:
    """Computed at scrape time from the delivery tables of every registered outbox kind."""

    def describe(self):
        return []

    def collect(self):
        now = timezone.now()
        depth = GaugeMetricFamily(
            "ercot_outbox_deliveries", "Email delivery rows per outbox kind and state.", labels=["kind", "state"]
        )
        age = GaugeMetricFamily(
            "ercot_outbox_oldest_pending_age_seconds",
            "Seconds the oldest pending delivery row of each outbox kind has waited (0 when none is pending).",
            labels=["kind"],
        )
        up = GaugeMetricFamily("ercot_outbox_up", "1 when the outbox tables could be read at this scrape, else 0.")
        try:
            backlogs = outbox_backlog()
        except DatabaseError:
            # The request metrics are still worth a scrape: only the outbox series are left out.
            logger.exception("The outbox could not be read for /metrics")
            up.add_metric([], 0)
            yield up
            return
        for backlog in backlogs:
            for state, count in backlog.counts.items():
                depth.add_metric([backlog.kind, state], count)
            age.add_metric([backlog.kind], backlog.oldest_pending_age(now))
        up.add_metric([], 1)
        yield up
        yield depth
        yield age


DATABASE_REGISTRY = CollectorRegistry(auto_describe=False)
DATABASE_REGISTRY.register(OutboxCollector())


def multiprocess_dir() -> Path | None:
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return Path(path) if path else None


def process_registry() -> CollectorRegistry:
    """The counters of this process, or of every process sharing ``PROMETHEUS_MULTIPROC_DIR``."""
    if multiprocess_dir() is None:
        return prometheus_client.REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def empty_multiprocess_dir() -> None:
    """At a server's start: counters of an earlier run must not be added to this one (the directory may be a mount)."""
    path = multiprocess_dir()
    if path is None:
        return
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink(missing_ok=True)


def mark_process_dead(pid: int) -> None:
    """A child process ended (gunicorn ``child_exit``, Celery ``worker_process_shutdown``)."""
    if multiprocess_dir() is not None:
        multiprocess.mark_process_dead(pid)


def start_worker_exporter(port: int, addr: str = "0.0.0.0") -> None:  # noqa: S104
    """Serve the worker's task counters on ``port`` (its own HTTP server; the worker has no Django views)."""
    if multiprocess_dir() is None:
        logger.warning(
            "WORKER_METRICS_PORT is set without PROMETHEUS_MULTIPROC_DIR: only the main process's counters are "
            "served, and a prefork pool counts in its children."
        )
    prometheus_client.start_http_server(port, addr=addr, registry=process_registry())
    logger.info("Serving worker metrics on port %s", port)


def _authorized(request) -> bool:
    token = settings.METRICS_TOKEN
    supplied = request.headers.get("Authorization", "")
    return hmac.compare_digest(supplied.encode(), f"Bearer {token}".encode())


@never_cache
def metrics(request):
    """The Prometheus text exposition: this process's (or these processes') counters, then the outbox gauges."""
    if not settings.METRICS_TOKEN:
        raise Http404("Metrics are not enabled.")
    if not _authorized(request):
        return HttpResponse("A bearer token is required.\n", status=401, headers={"WWW-Authenticate": "Bearer"})
    body = generate_latest(process_registry()) + generate_latest(DATABASE_REGISTRY)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
