from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Plan management"

    def ready(self):
        from accounts.summary import register_summary_part

        from .summary import PLANS_PART

        register_summary_part(PLANS_PART)
