from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ercot_services.core"
    label = "core"
    verbose_name = "Platform (audit and calendar)"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # Each app declares its outbox kinds in an ``outbox`` module (core.delivery), as it declares admin classes
        # in ``admin``: importing them here registers them without core importing any app.
        autodiscover_modules("outbox")
        # prometheus connects the Celery signals that count task failures and retries, in the web and the worker
        # alike; sessions records the last-seen time at sign-in, in the session write signing in makes anyway.
        # calendar connects the signals that drop the cached holiday dates when an administrator edits one.
        from . import calendar, prometheus, sessions  # noqa: F401
