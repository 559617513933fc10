from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases: inquiries and disputes"

    def ready(self):
        from accounts.summary import register_summary_part

        from .summary import CASES_PART

        register_summary_part(CASES_PART)
