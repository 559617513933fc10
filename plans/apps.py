from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Plan management"

    def ready(self):
        from accounts.summary import register_summary_part

        from .summary import PLANS_PART

        register_summary_part(PLANS_PART)

        from accounts.portal_home import PortalHomeCard, register_portal_home_card

        from .templatetags.portal_plans import portal_plan_card_context

        register_portal_home_card(
            PortalHomeCard(
                name="plans",
                template="portal/plan/_home_card.html",
                context=portal_plan_card_context,
                order=40,
                needs_column=True,
                registered_only=True,
            )
        )

        from accounts.portal_home import WaitingSource, register_waiting_source

        from .selectors import portal_waiting_action_items

        register_waiting_source(
            WaitingSource(name="action_items", source=portal_waiting_action_items, order=20, registered_only=True)
        )

        from cases.signals import survey_answered

        from .services.survey_follow_up import on_survey_answered

        survey_answered.connect(on_survey_answered, dispatch_uid="plans.survey_follow_up")
