from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Market notices"

    def ready(self):
        from accounts.summary import register_summary_part

        from .summary import NOTICES_PART

        register_summary_part(NOTICES_PART)
