from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = "Registration"

    def ready(self):
        from accounts.autocomplete import register_participant_scope

        from .filters import SUBMITTED_SCOPE, submitted_participants

        register_participant_scope(SUBMITTED_SCOPE, submitted_participants)
