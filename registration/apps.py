from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = "Registration"

    def ready(self):
        from accounts.summary import register_summary_part

        from .summary import REGISTRATION_PART

        register_summary_part(REGISTRATION_PART)

        from accounts.portal_home import PortalHomeCard, register_portal_home_card

        from .templatetags.registration_portal import registration_home_card_context

        register_portal_home_card(
            PortalHomeCard(
                name="registration",
                template="portal/registration/_home_card_body.html",
                context=registration_home_card_context,
                order=10,
            )
        )

        from accounts.autocomplete import register_participant_scope

        from .filters import SUBMITTED_SCOPE, submitted_participants

        register_participant_scope(SUBMITTED_SCOPE, submitted_participants)
