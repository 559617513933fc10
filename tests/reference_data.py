"""The rows data migrations seed, put back after a transactional test flushed them.

pytest-django runs transactional tests (``transaction=True``, ``live_server``)
after the others and flushes the database after each, so the second one onwards
would find no market roles, groups, categories, holidays or requirement lists.
"""

from __future__ import annotations

import importlib

# Data migrations whose ``forwards(apps, schema_editor)`` is idempotent and works on the live registry (models that
# moved to another app since are found by their table, see ``_LiveModelsByTable``).
DATA_MIGRATIONS = [
    "ercot_services.core.migrations.0002_seed_holidays",
    "accounts.migrations.0004_case_reference_data",
    "registration.migrations.0002_requirements",
    "qualification.migrations.0002_business_functions",
    "notices.migrations.0002_reference_data",
]


class _LiveModelsByTable:
    """The live registry as a data migration sees it: a model that moved app keeps its table, so ``accounts``'s
    ``CaseCategory`` is found as the model whose table is ``accounts_casecategory`` (now ``cases.CaseCategory``)."""

    def __init__(self, apps):
        self.apps = apps

    def get_model(self, app_label, model_name=None):
        if model_name is None:
            app_label, model_name = app_label.split(".")
        try:
            return self.apps.get_model(app_label, model_name)
        except LookupError:
            table = f"{app_label}_{model_name.lower()}"
            return next(model for model in self.apps.get_models() if model._meta.db_table == table)


def reseed_reference_data() -> None:
    from django.apps import apps

    from accounts.models import MarketRole, ServiceTerritory
    from accounts.roles import sync_staff_groups

    if MarketRole.objects.exists():
        return
    roles_and_territories = importlib.import_module("accounts.migrations.0002_reference_data")
    for code, name in roles_and_territories.MARKET_ROLES:
        MarketRole.objects.update_or_create(code=code, defaults={"name": name})
    for code, name in roles_and_territories.TERRITORIES:
        ServiceTerritory.objects.update_or_create(code=code, defaults={"name": name})
    sync_staff_groups()
    for module in DATA_MIGRATIONS:
        importlib.import_module(module).forwards(_LiveModelsByTable(apps), None)
