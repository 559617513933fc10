"""The plan models, moved from ``accounts`` with their tables (``Meta.db_table``): state only, no row copied."""

import uuid

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import ercot_services.core.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0014_plans_moved_to_plans_app"),
        ("cases", "0002_content_types_from_accounts"),
        ("qualification", "0006_connectivity_test_case_in_cases_app"),
        ("registration", "0005_bounded_free_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="AccountPlan",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "summary",
                            ercot_services.core.models.BoundedTextField(
                                blank=True,
                                help_text="The MP's business today and where it is heading.",
                                max_length=20000,
                            ),
                        ),
                        ("next_review_date", models.DateField(blank=True, null=True)),
                        (
                            "participant",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="plan",
                                to="accounts.marketparticipant",
                            ),
                        ),
                        (
                            "updated_by",
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
                        "db_table": "accounts_accountplan",
                    },
                ),
                migrations.CreateModel(
                    name="Meeting",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("title", models.CharField(max_length=200)),
                        ("agenda", ercot_services.core.models.BoundedTextField(blank=True, max_length=20000)),
                        ("starts_at", models.DateTimeField()),
                        ("ends_at", models.DateTimeField()),
                        ("location", models.CharField(blank=True, max_length=200)),
                        (
                            "dial_in",
                            models.CharField(blank=True, max_length=300, verbose_name="dial-in or meeting link"),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[("scheduled", "Scheduled"), ("held", "Held"), ("cancelled", "Cancelled")],
                                default="scheduled",
                                max_length=10,
                            ),
                        ),
                        ("minutes", ercot_services.core.models.BoundedTextField(blank=True, max_length=20000)),
                        (
                            "minutes_shared_at",
                            models.DateTimeField(
                                blank=True,
                                help_text="When the minutes were shared with the MP (the portal shows them from then).",
                                null=True,
                            ),
                        ),
                        ("uid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        (
                            "sequence",
                            models.PositiveIntegerField(
                                default=0, help_text="RFC 5545 SEQUENCE: one higher on every re-send."
                            ),
                        ),
                        (
                            "cancellation_reason",
                            ercot_services.core.models.BoundedTextField(blank=True, max_length=5000),
                        ),
                        (
                            "organizer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="organized_meetings",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "participant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="meetings",
                                to="accounts.marketparticipant",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_meeting",
                        "ordering": ["starts_at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="PerformanceFeedback",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "channel",
                            models.CharField(
                                choices=[
                                    ("portal", "Portal"),
                                    ("meeting", "Meeting"),
                                    ("phone", "Phone"),
                                    ("email", "Email"),
                                    ("survey", "Survey"),
                                ],
                                max_length=10,
                            ),
                        ),
                        (
                            "rating",
                            models.PositiveSmallIntegerField(
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(5),
                                ]
                            ),
                        ),
                        ("comments", ercot_services.core.models.BoundedTextField(blank=True, max_length=20000)),
                        (
                            "follow_up_status",
                            models.CharField(
                                choices=[
                                    ("not_needed", "No follow-up needed"),
                                    ("open", "Follow-up open"),
                                    ("done", "Followed up"),
                                ],
                                default="open",
                                max_length=12,
                            ),
                        ),
                        (
                            "follow_up",
                            ercot_services.core.models.BoundedTextField(
                                blank=True, help_text="What the operator did about it.", max_length=5000
                            ),
                        ),
                        ("followed_up_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "followed_up_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "meeting",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="feedback",
                                to="plans.meeting",
                            ),
                        ),
                        (
                            "participant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="feedback",
                                to="accounts.marketparticipant",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                blank=True,
                                help_text="The staff member who documented it; empty when the MP gave it in the portal.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="feedback_recorded",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "submitted_by",
                            models.ForeignKey(
                                blank=True,
                                help_text="The MP contact who gave it (through the portal or to the AM).",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="feedback_given",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_performancefeedback",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="ImprovementAction",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("training", "Training"),
                                    ("process_change", "Process change"),
                                    ("market_communication", "Market communication"),
                                ],
                                max_length=30,
                            ),
                        ),
                        ("title", models.CharField(max_length=200)),
                        ("description", ercot_services.core.models.BoundedTextField(blank=True, max_length=5000)),
                        ("due_date", models.DateField()),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("planned", "Planned"),
                                    ("in_progress", "In progress"),
                                    ("done", "Done"),
                                    ("cancelled", "Cancelled"),
                                ],
                                default="planned",
                                max_length=20,
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="improvement_actions",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "participant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="improvement_actions",
                                to="accounts.marketparticipant",
                            ),
                        ),
                        (
                            "pattern",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="actions",
                                to="cases.issuepattern",
                            ),
                        ),
                        (
                            "feedback",
                            models.ForeignKey(
                                blank=True,
                                help_text="The performance feedback that showed this opportunity, if any.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="improvements",
                                to="plans.performancefeedback",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_improvementaction",
                        "ordering": ["due_date"],
                    },
                ),
                migrations.CreateModel(
                    name="PlanObjective",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "kind",
                            models.CharField(
                                choices=[("objective", "Objective"), ("issue", "Issue needing a concerted approach")],
                                default="objective",
                                max_length=10,
                            ),
                        ),
                        ("title", models.CharField(max_length=200)),
                        ("description", ercot_services.core.models.BoundedTextField(blank=True, max_length=5000)),
                        ("target_date", models.DateField(blank=True, null=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[("open", "Open"), ("achieved", "Achieved"), ("dropped", "Dropped")],
                                default="open",
                                max_length=10,
                            ),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="objectives",
                                to="plans.accountplan",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_planobjective",
                        "ordering": ["status", "target_date", "pk"],
                    },
                ),
                migrations.AddField(
                    model_name="meeting",
                    name="objective",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="meetings",
                        to="plans.planobjective",
                    ),
                ),
                migrations.CreateModel(
                    name="ActionItem",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("title", models.CharField(max_length=200)),
                        ("description", ercot_services.core.models.BoundedTextField(blank=True, max_length=5000)),
                        (
                            "side",
                            models.CharField(
                                choices=[("operator", "Operator"), ("participant", "Market Participant")],
                                default="operator",
                                max_length=12,
                            ),
                        ),
                        ("due_date", models.DateField()),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("open", "Open"),
                                    ("in_progress", "In progress"),
                                    ("done", "Done"),
                                    ("cancelled", "Cancelled"),
                                ],
                                default="open",
                                max_length=12,
                            ),
                        ),
                        ("completed_at", models.DateTimeField(blank=True, null=True)),
                        ("completion_note", ercot_services.core.models.BoundedTextField(blank=True, max_length=5000)),
                        (
                            "application",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="action_items",
                                to="registration.application",
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="action_items",
                                to="cases.case",
                            ),
                        ),
                        (
                            "completed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "enrollment",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="action_items",
                                to="qualification.enrollment",
                            ),
                        ),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="action_items",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "participant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="action_items",
                                to="accounts.marketparticipant",
                            ),
                        ),
                        (
                            "meeting",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="follow_up_items",
                                to="plans.meeting",
                            ),
                        ),
                        (
                            "objective",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="action_items",
                                to="plans.planobjective",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_actionitem",
                        "ordering": ["due_date", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="ActionItemReminder",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(choices=[("due_soon", "Due soon"), ("overdue", "Overdue")], max_length=10),
                        ),
                        ("due_date", models.DateField()),
                        ("sent_at", models.DateTimeField()),
                        (
                            "item",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reminders",
                                to="plans.actionitem",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_actionitemreminder",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("item", "kind", "due_date"), name="one_reminder_per_item_kind_due_date"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="MeetingAttendee",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("email", models.EmailField(max_length=254)),
                        ("name", models.CharField(blank=True, max_length=150)),
                        ("is_staff", models.BooleanField(default=False)),
                        (
                            "meeting",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="attendees",
                                to="plans.meeting",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="meeting_invitations",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_meetingattendee",
                        "ordering": ["-is_staff", "name", "email"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("meeting", "email"), name="one_attendance_per_meeting_email"
                            )
                        ],
                    },
                ),
                migrations.AddIndex(
                    model_name="performancefeedback",
                    index=models.Index(fields=["participant", "created_at"], name="accounts_pe_partici_0ec8f8_idx"),
                ),
                migrations.AddIndex(
                    model_name="performancefeedback",
                    index=models.Index(fields=["created_at"], name="accounts_pe_created_5ac5a1_idx"),
                ),
                migrations.AddConstraint(
                    model_name="performancefeedback",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("rating__gte", 1), ("rating__lte", 5)), name="feedback_rating_1_to_5"
                    ),
                ),
                migrations.AddIndex(
                    model_name="meeting",
                    index=models.Index(fields=["participant", "starts_at"], name="accounts_me_partici_6ad55e_idx"),
                ),
                migrations.AddIndex(
                    model_name="meeting",
                    index=models.Index(fields=["status", "starts_at"], name="accounts_me_status_728359_idx"),
                ),
                migrations.AddConstraint(
                    model_name="meeting",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("ends_at__gt", models.F("starts_at"))), name="meeting_ends_after_start"
                    ),
                ),
                migrations.AddIndex(
                    model_name="actionitem",
                    index=models.Index(
                        fields=["participant", "status", "due_date"], name="accounts_ac_partici_0c37e8_idx"
                    ),
                ),
                migrations.AddIndex(
                    model_name="actionitem",
                    index=models.Index(fields=["owner", "status", "due_date"], name="accounts_ac_owner_i_3e7096_idx"),
                ),
                migrations.AddIndex(
                    model_name="actionitem",
                    index=models.Index(fields=["status", "due_date"], name="accounts_ac_status_86935e_idx"),
                ),
            ],
        ),
    ]
