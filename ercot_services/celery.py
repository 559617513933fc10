"""The Celery application. Configuration lives in Django settings (``CELERY_*``)."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ercot_services.settings.local")

app = Celery("ercot_services")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["ercot_services.core"])


@signals.setup_logging.connect
def use_django_logging(**kwargs):
    """The worker and beat log through Django's ``LOGGING`` (JSON in production, with the task id and name)."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@signals.worker_init.connect
def serve_worker_metrics(**kwargs):
    """The worker's task counters on ``WORKER_METRICS_PORT`` (0: none), for Prometheus (core.prometheus)."""
    from django.conf import settings

    if settings.WORKER_METRICS_PORT:
        from ercot_services.core.prometheus import empty_multiprocess_dir, start_worker_exporter

        empty_multiprocess_dir()
        start_worker_exporter(settings.WORKER_METRICS_PORT, settings.WORKER_METRICS_ADDRESS)


@signals.worker_process_shutdown.connect
def forget_worker_process(pid=None, **kwargs):
    from ercot_services.core.prometheus import mark_process_dead

    if pid:
        mark_process_dead(pid)
