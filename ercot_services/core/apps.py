from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ercot_services.core"
    label = "core"
    verbose_name = "Platform (audit and calendar)"
