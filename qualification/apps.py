from django.apps import AppConfig


class QualificationConfig(AppConfig):
    name = "qualification"
    verbose_name = "Qualification"

    def ready(self):
        from accounts.summary import register_summary_part

        from .summary import QUALIFICATION_PART

        register_summary_part(QUALIFICATION_PART)

        from accounts.portal_home import PortalHomeCard, register_portal_home_card

        from .templatetags.qualification_tags import qualification_home_card_context

        register_portal_home_card(
            PortalHomeCard(
                name="qualification",
                template="portal/qualification/_home_card_body.html",
                context=qualification_home_card_context,
                order=20,
            )
        )
