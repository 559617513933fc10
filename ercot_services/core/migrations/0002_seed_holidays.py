"""Seed the operator's usual holidays; administrators edit them afterwards."""

from django.db import migrations


def forwards(apps, schema_editor):
    from ercot_services.core.calendar import operator_holidays

    Holiday = apps.get_model("core", "Holiday")
    for year in range(2020, 2036):
        for day, name in operator_holidays(year):
            Holiday.objects.get_or_create(date=day, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
