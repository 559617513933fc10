from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and Market Participants"

    def ready(self):
        from . import signals  # noqa: F401
        from .portal_home import PortalHomeCard, register_portal_home_card
        from .selectors.access import portal_people_card_context

        register_portal_home_card(
            PortalHomeCard(
                name="people",
                template="portal/people/_home_card.html",
                context=portal_people_card_context,
                order=5,
                needs_column=True,
            )
        )
