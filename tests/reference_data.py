"""The rows data migrations seed, put back after a transactional test flushed them.

pytest-django runs transactional tests (``transaction=True``, ``live_server``)
after the others and flushes the database after each, so the second one onwards
would find no market roles, groups, categories, holidays or requirement lists.
"""

from __future__ import annotations

import importlib

# Data migrations whose ``forwards(apps, schema_editor)`` is idempotent and works on the live registry.
DATA_MIGRATIONS = [
    "ercot_services.core.migrations.0002_seed_holidays",
    "accounts.migrations.0004_case_reference_data",
    "registration.migrations.0002_requirements",
    "qualification.migrations.0002_business_functions",
    "notices.migrations.0002_reference_data",
]


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
        importlib.import_module(module).forwards(apps, None)
