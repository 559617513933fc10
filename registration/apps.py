from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = "Registration"

    def ready(self):
        from accounts.summary import register_summary_part

        from .summary import REGISTRATION_PART

        register_summary_part(REGISTRATION_PART)
