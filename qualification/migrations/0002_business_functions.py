"""Seed the TX SET business functions tested in flights (administrators edit them afterwards)."""

from django.db import migrations

FUNCTIONS = [
    ("enrollment-switch", "Enrollment / switch"),
    ("move-in", "Move-in"),
    ("move-out", "Move-out"),
    ("usage-invoicing", "Usage and invoicing"),
    ("historical-usage", "Historical usage request"),
    ("reinstatement", "Reinstatement"),
    ("drop-to-amr", "Drop to affiliate REP / mass transition"),
    ("switch-hold", "Switch hold / removal"),
    ("service-orders", "Service orders (disconnect / reconnect)"),
    ("meter-change", "Meter and ESI ID maintenance"),
]


def forwards(apps, schema_editor):
    BusinessFunction = apps.get_model("qualification", "BusinessFunction")
    for order, (code, name) in enumerate(FUNCTIONS):
        BusinessFunction.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("qualification", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
