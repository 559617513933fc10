from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases: inquiries and disputes"

    def ready(self):
        from accounts.summary import register_summary_part

        from .summary import CASES_PART

        register_summary_part(CASES_PART)

        from accounts.portal_home import PortalHomeCard, register_portal_home_card

        from .templatetags.portal_cases import portal_cases_card_context

        register_portal_home_card(
            PortalHomeCard(
                name="cases",
                template="portal/cases/_home_card.html",
                context=portal_cases_card_context,
                order=30,
                needs_column=True,
                registered_only=True,
            )
        )

        from .views.portal.deadlines import portal_deadlines_card_context

        # The deadline radar (cases.selectors.radar): open dispute windows, closing first.
        register_portal_home_card(
            PortalHomeCard(
                name="dispute_deadlines",
                template="portal/cases/_deadlines_card.html",
                context=portal_deadlines_card_context,
                order=35,
                needs_column=True,
                registered_only=True,
            )
        )

        from accounts.portal_home import WaitingSource, register_waiting_source

        from .selectors.portal import portal_waiting_cases

        # Not registered_only: Client Services may log a case for an MP still registering and ask it for information.
        register_waiting_source(WaitingSource(name="cases", source=portal_waiting_cases, order=10))
