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
