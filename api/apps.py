from django.apps import AppConfig
from django.db.models.signals import post_save


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Public REST API"

    def ready(self):
        from ercot_services.core.models import AuditEvent

        from . import schema  # noqa: F401
        from .webhooks.fanout import on_audit_event_saved

        # Every service's audit event may be a webhook event (api/webhooks/fanout.py): the lower apps cannot call us.
        post_save.connect(on_audit_event_saved, sender=AuditEvent, dispatch_uid="api.webhooks.fanout")
