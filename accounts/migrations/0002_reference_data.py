"""Staff groups with their permissions, market roles and TDSP service territories."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MARKET_ROLES = [
    ("LSE", "Load Serving Entity"),
    ("REP", "Retail Electric Provider / Competitive Retailer"),
    ("QSE", "Qualified Scheduling Entity"),
    ("RE", "Resource Entity"),
    ("TDSP", "Transmission and/or Distribution Service Provider"),
    ("CRRAH", "CRR Account Holder"),
]

TERRITORIES = [
    ("ONCOR", "Oncor Electric Delivery"),
    ("CNP", "CenterPoint Energy Houston Electric"),
    ("AEP-TCC", "AEP Texas Central"),
    ("AEP-TNC", "AEP Texas North"),
    ("TNMP", "Texas-New Mexico Power"),
    ("LPL", "Lubbock Power & Light"),
]


def forwards(apps, schema_editor):
    from accounts.roles import sync_staff_groups

    # Permissions are normally created after all migrations; create them now so
    # the groups can be granted theirs in this migration.
    for app_config in apps.get_app_configs():
        # create_permissions skips app configs without a models module, which is how migration states have them;
        # put back what was there, so running this on the live registry (tests) leaves it intact.
        previous, app_config.models_module = getattr(app_config, "models_module", None), True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = previous
    sync_staff_groups(apps)

    MarketRole = apps.get_model("accounts", "MarketRole")
    for code, name in MARKET_ROLES:
        MarketRole.objects.update_or_create(code=code, defaults={"name": name})
    ServiceTerritory = apps.get_model("accounts", "ServiceTerritory")
    for code, name in TERRITORIES:
        ServiceTerritory.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
