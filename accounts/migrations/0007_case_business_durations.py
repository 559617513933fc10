"""Business-hour durations on Case, frozen when the first response and the resolution happen.

The metrics page takes medians and percentiles of these in SQL; business time
(weekdays 08:00-17:00 operator time, holidays excluded) cannot be derived from
timestamps there. The backfill recomputes them for existing rows with the same
calendar arithmetic the SLA uses. Resolution time excludes the recorded pauses
(``paused_business_seconds``). For the first response the pauses before it are
not recorded separately; a pause normally starts with a staff reply, which is
itself the first response, so none is subtracted unless the case was resolved
without a reply (then both durations are the same).
"""

from django.db import migrations, models


def backfill(apps, schema_editor):
    from ercot_services.core.calendar import BusinessCalendar, business_seconds_between

    Case = apps.get_model("accounts", "Case")
    Holiday = apps.get_model("core", "Holiday")
    calendar = BusinessCalendar(holidays=set(Holiday.objects.values_list("date", flat=True)))
    rows = Case.objects.filter(models.Q(first_response_at__isnull=False) | models.Q(resolved_at__isnull=False))
    batch = []
    for case in rows.only("pk", "created_at", "first_response_at", "resolved_at", "paused_business_seconds").iterator(
        chunk_size=2000
    ):
        resolution = None
        if case.resolved_at:
            resolution = max(
                business_seconds_between(calendar, case.created_at, case.resolved_at) - case.paused_business_seconds, 0
            )
        first = None
        if case.first_response_at:
            if resolution is not None and case.first_response_at >= case.resolved_at:
                first = resolution
            else:
                first = business_seconds_between(calendar, case.created_at, case.first_response_at)
        case.first_response_business_seconds, case.resolution_business_seconds = first, resolution
        batch.append(case)
        if len(batch) == 2000:
            Case.objects.bulk_update(batch, ["first_response_business_seconds", "resolution_business_seconds"])
            batch = []
    Case.objects.bulk_update(batch, ["first_response_business_seconds", "resolution_business_seconds"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_plan_management"),
        ("core", "0002_seed_holidays"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="first_response_business_seconds",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="case",
            name="resolution_business_seconds",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
