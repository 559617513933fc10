"""The moved case models keep their content type ids: permissions, the groups holding them and audit events follow."""

from django.db import migrations

from ercot_services.core.migration_moves import move_content_types

MOVED_MODELS = [
    "Case",
    "CaseMessage",
    "CaseAttachment",
    "CaseCategory",
    "SlaTarget",
    "CaseSettings",
    "CaseSequence",
    "DisputeWindow",
    "DisputeDetail",
    "CannedResponse",
    "NotificationPreference",
    "CaseNotification",
    "IssuePattern",
]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [move_content_types("accounts", "cases", MOVED_MODELS)]
