"""The moved plan models keep their content type ids: permissions, the groups holding them and audit events follow."""

from django.db import migrations

from ercot_services.core.migration_moves import move_content_types

MOVED_MODELS = [
    "AccountPlan",
    "PlanObjective",
    "ActionItem",
    "ActionItemReminder",
    "Meeting",
    "MeetingAttendee",
    "PerformanceFeedback",
    "ImprovementAction",
]


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [move_content_types("accounts", "plans", MOVED_MODELS)]
