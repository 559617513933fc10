from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Dashboards (no models)"

    def ready(self):
        # Each app's home_cards module registers the staff home's cards of the groups whose work it owns.
        autodiscover_modules("home_cards")
