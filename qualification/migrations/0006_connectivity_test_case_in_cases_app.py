"""The connectivity test's service request is a ``cases.Case`` now (same table and column: state only)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("qualification", "0005_bounded_free_text"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="connectivitytest",
                    name="service_request",
                    field=models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="connectivity_test",
                        to="cases.case",
                    ),
                ),
            ],
        ),
    ]
