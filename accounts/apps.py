from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and Market Participants"

    def ready(self):
        from . import signals  # noqa: F401
        from .portal_home import (
            PortalHomeCard,
            WaitingSource,
            register_portal_home_card,
            register_waiting_source,
            waiting_card_context,
        )
        from .selectors.access import portal_people_card_context, portal_waiting_access

        register_portal_home_card(
            PortalHomeCard(
                name="waiting",
                template="portal/_waiting_card.html",
                context=waiting_card_context,
                order=2,
                needs_column=True,
            )
        )
        register_waiting_source(WaitingSource(name="access", source=portal_waiting_access, order=30))

        register_portal_home_card(
            PortalHomeCard(
                name="people",
                template="portal/people/_home_card.html",
                context=portal_people_card_context,
                order=5,
                needs_column=True,
            )
        )
