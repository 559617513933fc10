"""The case models, moved from ``accounts`` with their tables (``Meta.db_table``): state only, no row copied."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import cases.models
import ercot_services.core.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0012_bounded_free_text"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="CaseCategory",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.SlugField(max_length=40, unique=True)),
                        ("name", models.CharField(max_length=80)),
                        ("description", ercot_services.core.models.BoundedTextField(blank=True, max_length=5000)),
                        (
                            "default_priority",
                            models.CharField(
                                choices=[("low", "Low"), ("normal", "Normal"), ("high", "High"), ("urgent", "Urgent")],
                                default="normal",
                                max_length=10,
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True)),
                        ("sort_order", models.PositiveSmallIntegerField(default=100)),
                    ],
                    options={
                        "verbose_name_plural": "case categories",
                        "db_table": "accounts_casecategory",
                        "ordering": ["sort_order", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="CaseSettings",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "reopen_window_days",
                            models.PositiveIntegerField(
                                default=10,
                                help_text="Calendar days after resolution during which a case can be reopened.",
                            ),
                        ),
                        (
                            "at_risk_percent",
                            models.PositiveIntegerField(
                                default=75, help_text="A case is at risk once this share of its SLA time is used."
                            ),
                        ),
                        (
                            "pattern_case_count",
                            models.PositiveIntegerField(
                                default=3,
                                help_text="N: cases in one category that make a pattern...",
                                validators=[django.core.validators.MinValueValidator(2)],
                            ),
                        ),
                        ("pattern_window_days", models.PositiveIntegerField(default=30, help_text="...within D days.")),
                        ("max_attachment_mb", models.PositiveIntegerField(default=10)),
                    ],
                    options={
                        "verbose_name": "case settings",
                        "verbose_name_plural": "case settings",
                        "db_table": "accounts_casesettings",
                    },
                ),
                migrations.CreateModel(
                    name="DisputeWindow",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "statement_type",
                            models.CharField(
                                choices=[
                                    ("initial", "Initial (Real-Time)"),
                                    ("final", "Final (Real-Time)"),
                                    ("true_up", "True-Up (Real-Time)"),
                                    ("dam", "Day-Ahead Market"),
                                    ("invoice", "Invoice"),
                                ],
                                max_length=10,
                                unique=True,
                            ),
                        ),
                        (
                            "anchor",
                            models.CharField(
                                choices=[
                                    ("after_statement", "Business Days after the statement or invoice date"),
                                    ("before_true_up", "Business Days before the True-Up statement"),
                                ],
                                default="after_statement",
                                max_length=20,
                            ),
                        ),
                        ("business_days", models.PositiveIntegerField()),
                        (
                            "true_up_after_days",
                            models.PositiveIntegerField(
                                default=180,
                                help_text="Calendar days from the Operating Day to its True-Up statement (for Real-Time windows).",
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=255)),
                    ],
                    options={
                        "db_table": "accounts_disputewindow",
                        "ordering": ["statement_type"],
                    },
                ),
                migrations.CreateModel(
                    name="Case",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("reference", models.CharField(editable=False, max_length=20, unique=True)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("inquiry", "Inquiry"),
                                    ("dispute", "Dispute"),
                                    ("service_request", "Service Request"),
                                    ("potential_mp", "Potential-MP contact"),
                                ],
                                default="inquiry",
                                max_length=20,
                            ),
                        ),
                        (
                            "priority",
                            models.CharField(
                                choices=[("low", "Low"), ("normal", "Normal"), ("high", "High"), ("urgent", "Urgent")],
                                default="normal",
                                max_length=10,
                            ),
                        ),
                        (
                            "channel",
                            models.CharField(
                                choices=[
                                    ("portal", "Portal"),
                                    ("phone", "Phone"),
                                    ("email", "Email"),
                                    ("meeting", "Meeting"),
                                    ("web_form", "Public contact form"),
                                    ("system", "Opened by a workflow"),
                                ],
                                default="portal",
                                max_length=10,
                            ),
                        ),
                        ("subject", models.CharField(max_length=200)),
                        ("description", ercot_services.core.models.BoundedTextField(max_length=20000)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("new", "New"),
                                    ("acknowledged", "Acknowledged"),
                                    ("in_progress", "In Progress"),
                                    ("waiting", "Waiting on Participant"),
                                    ("resolved", "Resolved"),
                                    ("closed", "Closed"),
                                    ("withdrawn", "Withdrawn"),
                                ],
                                default="new",
                                max_length=20,
                            ),
                        ),
                        (
                            "next_action_by",
                            models.CharField(
                                choices=[
                                    ("client_services", "Client Services"),
                                    ("participant", "Participant"),
                                    ("nobody", "Nobody (finished)"),
                                ],
                                default="client_services",
                                max_length=20,
                            ),
                        ),
                        ("contact_name", models.CharField(blank=True, max_length=150)),
                        ("contact_email", models.EmailField(blank=True, max_length=254)),
                        ("contact_company", models.CharField(blank=True, max_length=200)),
                        ("contact_phone", models.CharField(blank=True, max_length=40)),
                        (
                            "cc_addresses",
                            models.JSONField(
                                blank=True,
                                default=list,
                                help_text="The operator's teams copied on every email the requester receives (their copy links to the workspace).",
                                verbose_name="copied addresses",
                            ),
                        ),
                        ("escalation_reason", ercot_services.core.models.BoundedTextField(blank=True, max_length=5000)),
                        ("acknowledged_at", models.DateTimeField(blank=True, null=True)),
                        ("first_response_at", models.DateTimeField(blank=True, null=True)),
                        ("resolved_at", models.DateTimeField(blank=True, null=True)),
                        ("closed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "resolution_summary",
                            ercot_services.core.models.BoundedTextField(blank=True, max_length=20000),
                        ),
                        ("first_response_due_at", models.DateTimeField(blank=True, null=True)),
                        ("resolution_due_at", models.DateTimeField(blank=True, null=True)),
                        ("paused_at", models.DateTimeField(blank=True, null=True)),
                        ("paused_business_seconds", models.PositiveIntegerField(default=0)),
                        (
                            "sla_state",
                            models.CharField(
                                choices=[("on_track", "On track"), ("at_risk", "At risk"), ("breached", "Breached")],
                                default="on_track",
                                max_length=10,
                            ),
                        ),
                        ("at_risk_notified_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "first_response_business_seconds",
                            models.PositiveIntegerField(blank=True, editable=False, null=True),
                        ),
                        (
                            "resolution_business_seconds",
                            models.PositiveIntegerField(blank=True, editable=False, null=True),
                        ),
                        (
                            "assignee",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="assigned_cases",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "cloned_from",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="clones",
                                to="cases.case",
                            ),
                        ),
                        (
                            "escalated_to",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="escalated_cases",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "escalated_to_group",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="escalated_cases",
                                to="auth.group",
                            ),
                        ),
                        (
                            "merged_into",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="merged_cases",
                                to="cases.case",
                            ),
                        ),
                        (
                            "participant",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="cases",
                                to="accounts.marketparticipant",
                            ),
                        ),
                        (
                            "queue",
                            models.ForeignKey(
                                blank=True,
                                help_text="The group that owns the case when nobody is assigned (for example the Service Desk).",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="cases",
                                to="auth.group",
                            ),
                        ),
                        ("related", models.ManyToManyField(blank=True, to="cases.case")),
                        (
                            "submitted_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="submitted_cases",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "category",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="cases",
                                to="cases.casecategory",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_case",
                        "ordering": ["-created_at", "-id"],
                        "permissions": [
                            (
                                "work_case",
                                "Can work cases: log, assign, bulk-change, move, escalate, update, merge, link, clone",
                            ),
                            ("reply_case", "Can reply to cases and add internal notes"),
                            ("resolve_dispute", "Can resolve a dispute (grant or deny an amount)"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="CannedResponse",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("title", models.CharField(max_length=120)),
                        (
                            "body",
                            ercot_services.core.models.BoundedTextField(
                                help_text="May use {participant}, {reference} and {requester}.", max_length=20000
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True)),
                        (
                            "category",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to="cases.casecategory",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_cannedresponse",
                        "ordering": ["title"],
                    },
                ),
                migrations.CreateModel(
                    name="CaseMessage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("author_name", models.CharField(blank=True, max_length=150)),
                        ("body", ercot_services.core.models.BoundedTextField(max_length=20000)),
                        ("is_internal", models.BooleanField(default=False)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "author",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="messages", to="cases.case"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_casemessage",
                        "ordering": ["created_at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="CaseAttachment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("file", models.FileField(upload_to=cases.models.attachment_path)),
                        ("original_name", models.CharField(max_length=255)),
                        ("content_type", models.CharField(max_length=100)),
                        ("size", models.PositiveIntegerField()),
                        ("is_internal", models.BooleanField(default=False)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="attachments", to="cases.case"
                            ),
                        ),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "message",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="attachments",
                                to="cases.casemessage",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_caseattachment",
                        "ordering": ["created_at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="CaseNotification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "event",
                            models.CharField(
                                choices=[
                                    ("submitted", "Submission receipt"),
                                    ("reply", "Public reply"),
                                    ("status", "Status change"),
                                    ("at_risk", "At risk"),
                                    ("assigned", "Assigned to you"),
                                ],
                                max_length=20,
                            ),
                        ),
                        (
                            "event_key",
                            models.CharField(
                                help_text="Identifies the event (message id, status change, ...).", max_length=80
                            ),
                        ),
                        ("recipient", models.EmailField(max_length=254)),
                        ("subject", models.CharField(max_length=255)),
                        ("body", models.TextField()),
                        (
                            "status",
                            models.CharField(
                                choices=[("pending", "Pending"), ("sent", "Sent"), ("failed", "Failed")],
                                default="pending",
                                max_length=10,
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to="cases.case",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_casenotification",
                        "ordering": ["created_at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="CaseSequence",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("prefix", models.CharField(max_length=5)),
                        ("year", models.PositiveSmallIntegerField()),
                        ("last_value", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "accounts_casesequence",
                        "constraints": [
                            models.UniqueConstraint(fields=("prefix", "year"), name="one_sequence_per_prefix_year")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DisputeDetail",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("operating_day", models.DateField()),
                        (
                            "statement_type",
                            models.CharField(
                                choices=[
                                    ("initial", "Initial (Real-Time)"),
                                    ("final", "Final (Real-Time)"),
                                    ("true_up", "True-Up (Real-Time)"),
                                    ("dam", "Day-Ahead Market"),
                                    ("invoice", "Invoice"),
                                ],
                                max_length=10,
                            ),
                        ),
                        (
                            "statement_date",
                            models.DateField(
                                blank=True,
                                help_text="When the statement or invoice was issued (needed for DAM, invoice, True-Up).",
                                null=True,
                            ),
                        ),
                        ("charge_type", models.CharField(max_length=120)),
                        (
                            "disputed_amount",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=14,
                                validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                            ),
                        ),
                        (
                            "statement_reference",
                            models.CharField(max_length=80, verbose_name="statement or invoice reference"),
                        ),
                        ("filing_deadline", models.DateField()),
                        ("filed_late", models.BooleanField(default=False)),
                        (
                            "late_acceptance_reason",
                            ercot_services.core.models.BoundedTextField(blank=True, max_length=5000),
                        ),
                        (
                            "outcome",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("granted", "Granted"),
                                    ("granted_with_exceptions", "Granted with Exceptions"),
                                    ("denied", "Denied"),
                                    ("withdrawn", "Withdrawn"),
                                ],
                                max_length=30,
                            ),
                        ),
                        (
                            "outcome_explanation",
                            ercot_services.core.models.BoundedTextField(blank=True, max_length=20000),
                        ),
                        ("granted_amount", models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True)),
                        (
                            "accepted_late_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "case",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE, related_name="dispute", to="cases.case"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_disputedetail",
                    },
                ),
                migrations.CreateModel(
                    name="IssuePattern",
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
                            "status",
                            models.CharField(
                                choices=[("open", "Open"), ("actioned", "Actioned"), ("dismissed", "Dismissed")],
                                default="open",
                                max_length=10,
                            ),
                        ),
                        ("case_count", models.PositiveIntegerField()),
                        ("window_days", models.PositiveIntegerField()),
                        ("last_case_at", models.DateTimeField()),
                        ("cases", models.ManyToManyField(related_name="issue_patterns", to="cases.case")),
                        (
                            "category",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="issue_patterns",
                                to="cases.casecategory",
                            ),
                        ),
                        (
                            "participant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="issue_patterns",
                                to="accounts.marketparticipant",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_issuepattern",
                        "ordering": ["-last_case_at"],
                    },
                ),
                migrations.CreateModel(
                    name="NotificationPreference",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "on_submission",
                            models.BooleanField(default=True, verbose_name="a receipt when a case is submitted"),
                        ),
                        ("on_reply", models.BooleanField(default=True, verbose_name="a public reply on my cases")),
                        (
                            "on_status_change",
                            models.BooleanField(default=True, verbose_name="a status change on my cases"),
                        ),
                        (
                            "on_at_risk",
                            models.BooleanField(
                                default=True, verbose_name="a case assigned to me becomes at risk (staff)"
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notification_preference",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_notificationpreference",
                    },
                ),
                migrations.CreateModel(
                    name="SlaTarget",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "priority",
                            models.CharField(
                                choices=[("low", "Low"), ("normal", "Normal"), ("high", "High"), ("urgent", "Urgent")],
                                max_length=10,
                            ),
                        ),
                        ("first_response_hours", models.DecimalField(decimal_places=2, max_digits=6)),
                        ("resolution_hours", models.DecimalField(decimal_places=2, max_digits=7)),
                        (
                            "category",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="sla_targets",
                                to="cases.casecategory",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_slatarget",
                        "ordering": ["category", "priority"],
                    },
                ),
                migrations.AddIndex(
                    model_name="case",
                    index=models.Index(fields=["status", "sla_state"], name="accounts_ca_status_56c42b_idx"),
                ),
                migrations.AddIndex(
                    model_name="case",
                    index=models.Index(fields=["assignee", "status"], name="accounts_ca_assigne_94cc2f_idx"),
                ),
                migrations.AddIndex(
                    model_name="case",
                    index=models.Index(fields=["participant", "status"], name="accounts_ca_partici_814c93_idx"),
                ),
                migrations.AddIndex(
                    model_name="case",
                    index=models.Index(
                        fields=["participant", "category", "created_at"], name="accounts_ca_partici_65fb00_idx"
                    ),
                ),
                migrations.AddIndex(
                    model_name="case",
                    index=models.Index(fields=["queue", "status"], name="accounts_ca_queue_i_36ec56_idx"),
                ),
                migrations.AddIndex(
                    model_name="case",
                    index=models.Index(fields=["kind", "status"], name="accounts_ca_kind_dd795a_idx"),
                ),
                migrations.AddIndex(
                    model_name="case",
                    index=models.Index(fields=["created_at"], name="case_created_at_idx"),
                ),
                migrations.AddIndex(
                    model_name="case",
                    index=models.Index(fields=["first_response_at"], name="case_first_response_at_idx"),
                ),
                migrations.AddIndex(
                    model_name="case",
                    index=models.Index(fields=["resolved_at"], name="case_resolved_at_idx"),
                ),
                migrations.AddIndex(
                    model_name="case",
                    index=models.Index(fields=["closed_at"], name="case_closed_at_idx"),
                ),
                migrations.AddConstraint(
                    model_name="case",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("kind", "potential_mp"), _negated=True),
                            ("contact_email__gt", ""),
                            _connector="OR",
                        ),
                        name="potential_mp_has_contact_email",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="case",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("kind", "potential_mp"), ("participant__isnull", False), _connector="OR"),
                        name="case_has_participant",
                    ),
                ),
                migrations.AddIndex(
                    model_name="casemessage",
                    index=models.Index(
                        fields=["case", "is_internal", "created_at"], name="accounts_ca_case_id_02b2c6_idx"
                    ),
                ),
                migrations.AddIndex(
                    model_name="casenotification",
                    index=models.Index(fields=["status", "created_at"], name="accounts_ca_status_b84001_idx"),
                ),
                migrations.AddConstraint(
                    model_name="casenotification",
                    constraint=models.UniqueConstraint(
                        fields=("case", "event_key", "recipient"), name="one_notification_per_event_recipient"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="issuepattern",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("status", "open")),
                        fields=("participant", "category"),
                        name="one_open_pattern_per_category",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="slatarget",
                    constraint=models.UniqueConstraint(
                        fields=("category", "priority"), name="one_sla_target_per_priority"
                    ),
                ),
            ],
        ),
    ]
