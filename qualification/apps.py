from django.apps import AppConfig


class QualificationConfig(AppConfig):
    name = "qualification"
    verbose_name = "Qualification"

    def ready(self):
        from accounts.summary import register_summary_part

        from .summary import QUALIFICATION_PART

        register_summary_part(QUALIFICATION_PART)
