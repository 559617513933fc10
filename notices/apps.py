from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Market notices"

    def ready(self):
        from accounts.summary import register_summary_part

        from .summary import NOTICES_PART

        register_summary_part(NOTICES_PART)

        from accounts.portal_home import PortalHomeCard, register_portal_home_card

        from .selectors import portal_notices_card_context

        register_portal_home_card(
            PortalHomeCard(
                name="notices",
                template="portal/notices/_home_card.html",
                context=portal_notices_card_context,
                order=1,
                needs_column=True,
            )
        )
