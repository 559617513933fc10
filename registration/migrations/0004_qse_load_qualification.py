"""'Qualified to serve load' moves from each LSE's QSE Acknowledgement to the QSE itself (issue 11, item 10).

The answers already recorded are carried over: per QSE, the most recently updated acknowledgement naming it
wins; when the acknowledgements of one QSE disagreed, the reason kept with the QSE's answer says so and lists
them. Each carried-over answer is also an audit event on the QSE, the start of its history.
"""

from collections import defaultdict

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

VERB = "registration.qse_load_qualification_recorded"


def _yes_no(value: bool) -> str:
    return "qualified" if value else "not qualified"


def carry_over_answers(apps, schema_editor):
    QseAcknowledgement = apps.get_model("registration", "QseAcknowledgement")
    QseLoadQualification = apps.get_model("registration", "QseLoadQualification")
    AuditEvent = apps.get_model("core", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")

    by_qse = defaultdict(list)
    for ack in QseAcknowledgement.objects.select_related("participant", "qse").order_by("updated_at", "pk"):
        by_qse[ack.qse_id].append(ack)
    if not by_qse:
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="registration", model="qseloadqualification")
    for qse_id, acks in by_qse.items():
        latest = acks[-1]
        reason = (
            f"Carried over from the QSE Acknowledgement of {latest.participant.short_name} "
            f"(updated {latest.updated_at:%Y-%m-%d})."
        )
        if len({ack.qse_qualified_to_serve_load for ack in acks}) > 1:
            answers = "; ".join(
                f"{ack.participant.short_name}: {_yes_no(ack.qse_qualified_to_serve_load)}" for ack in acks
            )
            reason += f" The acknowledgements naming this QSE disagreed ({answers}): the most recent one was kept."
        record = QseLoadQualification.objects.create(
            qse_id=qse_id,
            qualified=latest.qse_qualified_to_serve_load,
            recorded_at=latest.updated_at,
            recorded_by_id=latest.processed_by_id,
            reason=reason,
        )
        AuditEvent.objects.create(
            verb=VERB,
            target_content_type=content_type,
            target_object_id=str(record.pk),
            target_repr=f"{latest.qse.short_name}: {_yes_no(record.qualified)} to serve load"[:255],
            participant_id=qse_id,
            changes={"qualified_to_serve_load": [None, record.qualified]},
            reason=reason,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_case_metric_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0004_outbound_email_calendar"),
        ("registration", "0003_action_permissions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="QseLoadQualification",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("qualified", models.BooleanField(default=False)),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("reason", models.TextField(blank=True, help_text="Why it changed, as recorded.")),
                (
                    "qse",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="load_qualification",
                        to="accounts.marketparticipant",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.RunPython(carry_over_answers, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="qseacknowledgement",
            name="qse_qualified_to_serve_load",
        ),
    ]
