"""Issue 12: models moved out of ``accounts`` into their own apps keep their tables, rows, content types, the
permissions groups hold on them and the audit history that points at them.

The database is migrated back to the last migrations before the move, filled through the historical models, then
migrated forward to the latest; it is left at the latest for the tests that follow.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import User
from cases.models import Case
from ercot_services.core.models import AuditEvent
from plans.models import ActionItem

# The last migration of each app on main before the move, and the apps the move created.
BEFORE_THE_MOVE = {
    "accounts": "0012_bounded_free_text",
    "registration": "0005_bounded_free_text",
    "qualification": "0005_bounded_free_text",
    "notices": "0006_bounded_free_text",
}
NEW_APPS = ("cases", "plans")
# Apps added after the move, whose first migration depends on a later accounts migration: not there before it.
LATER_APPS = ("api", "education")
MOVED_TABLES = [
    "accounts_case",
    "accounts_casemessage",
    "accounts_caseattachment",
    "accounts_casecategory",
    "accounts_slatarget",
    "accounts_casesettings",
    "accounts_casesequence",
    "accounts_disputewindow",
    "accounts_disputedetail",
    "accounts_cannedresponse",
    "accounts_notificationpreference",
    "accounts_casenotification",
    "accounts_issuepattern",
    "accounts_issuepattern_cases",
    "accounts_case_related",
    "accounts_accountplan",
    "accounts_planobjective",
    "accounts_actionitem",
    "accounts_actionitemreminder",
    "accounts_meeting",
    "accounts_meetingattendee",
    "accounts_performancefeedback",
    "accounts_improvementaction",
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([node for node in targets if node[1] is not None]).apps


def _counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in MOVED_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - table names are the constants above
            counts[table] = cursor.fetchone()[0]
    return counts


def _fill(apps) -> dict:
    """Participants, cases with messages, a dispute, a pattern, action items, a meeting, feedback and an improvement;
    audit events on a case and an action item; a group holding a case and a plan permission."""
    Participant = apps.get_model("accounts", "MarketParticipant")
    HistoricalUser = apps.get_model("accounts", "User")
    Category = apps.get_model("accounts", "CaseCategory")
    HistoricalCase = apps.get_model("accounts", "Case")
    Message = apps.get_model("accounts", "CaseMessage")
    Dispute = apps.get_model("accounts", "DisputeDetail")
    Pattern = apps.get_model("accounts", "IssuePattern")
    Plan = apps.get_model("accounts", "AccountPlan")
    Objective = apps.get_model("accounts", "PlanObjective")
    Item = apps.get_model("accounts", "ActionItem")
    Meeting = apps.get_model("accounts", "Meeting")
    Attendee = apps.get_model("accounts", "MeetingAttendee")
    Feedback = apps.get_model("accounts", "PerformanceFeedback")
    Improvement = apps.get_model("accounts", "ImprovementAction")
    Audit = apps.get_model("core", "AuditEvent")
    HistoricalContentType = apps.get_model("contenttypes", "ContentType")
    HistoricalGroup = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    participant = Participant.objects.create(legal_name="Caprock Energy LLC", short_name="CAPROCK")
    am = HistoricalUser.objects.create(email="am.move@example.com", full_name="Avery Move", is_staff=True)
    category, _ = Category.objects.get_or_create(code="move-billing", defaults={"name": "Billing (move test)"})
    inquiry = HistoricalCase.objects.create(
        reference="INQ-2099-00001", participant=participant, category=category, subject="Invoice", description="Why?"
    )
    dispute = HistoricalCase.objects.create(
        reference="DSP-2099-00001",
        kind="dispute",
        participant=participant,
        category=category,
        subject="RT statement",
        description="Disputed charge",
    )
    dispute.related.add(inquiry)
    Dispute.objects.create(
        case=dispute,
        operating_day=datetime.date(2099, 1, 5),
        statement_type="initial",
        charge_type="RTEIAMT",
        disputed_amount=Decimal("1200.50"),
        statement_reference="INV-1",
        filing_deadline=datetime.date(2099, 1, 20),
    )
    for body in ("First question", "Our answer"):
        Message.objects.create(case=inquiry, author=am, body=body)
    pattern = Pattern.objects.create(
        participant=participant, category=category, window_days=30, case_count=2, last_case_at=timezone.now()
    )
    pattern.cases.add(inquiry, dispute)
    plan = Plan.objects.create(participant=participant, summary="Grow retail volume")
    objective = Objective.objects.create(plan=plan, title="Fewer billing inquiries")
    starts = timezone.now() + datetime.timedelta(days=3)
    meeting = Meeting.objects.create(
        participant=participant,
        title="Quarterly review",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        organizer=am,
    )
    Attendee.objects.create(meeting=meeting, user=am, email=am.email)
    items = [
        Item.objects.create(
            participant=participant,
            objective=objective,
            meeting=meeting,
            case=inquiry,
            title=title,
            owner=am,
            due_date=datetime.date(2099, 2, 1),
        )
        for title in ("Send the invoice breakdown", "Train the billing team")
    ]
    feedback = Feedback.objects.create(
        participant=participant, meeting=meeting, channel="meeting", rating=4, comments="Quick answers"
    )
    Improvement.objects.create(
        participant=participant,
        pattern=pattern,
        feedback=feedback,
        kind="training",
        title="Billing training",
        owner=am,
        due_date=datetime.date(2099, 3, 1),
    )
    types = {
        name: HistoricalContentType.objects.get(app_label="accounts", model=name) for name in ("case", "actionitem")
    }
    for verb, obj, name in (("case.submitted", inquiry, "case"), ("action_item.created", items[0], "actionitem")):
        Audit.objects.create(
            actor=am,
            verb=verb,
            target_content_type=types[name],
            target_object_id=str(obj.pk),
            target_repr=str(obj.pk),
            participant=participant,
        )
    group = HistoricalGroup.objects.create(name="Moved permissions")
    for codename in ("work_case", "add_actionitem"):
        group.permissions.add(Permission.objects.get(content_type__app_label="accounts", codename=codename))
    am.groups.add(group)
    return {
        "case": inquiry.pk,
        "item": items[0].pk,
        "types": {name: content_type.pk for name, content_type in types.items()},
        "user": am.pk,
        "group": group.pk,
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_existing_database_migrates_into_the_new_apps_without_losing_a_row_a_permission_or_an_audit_target():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    before = [node for node in latest if node[0] not in BEFORE_THE_MOVE and node[0] not in NEW_APPS + LATER_APPS]
    before += list(BEFORE_THE_MOVE.items()) + [(app, None) for app in NEW_APPS + LATER_APPS]
    apps = _migrate(before)
    try:
        made = _fill(apps)
        counts_before = _counts()
    finally:
        _migrate(latest)
    ContentType.objects.clear_cache()

    assert _counts() == counts_before
    assert counts_before["accounts_case"] == 2 and counts_before["accounts_casemessage"] == 2
    assert counts_before["accounts_issuepattern_cases"] == 2 and counts_before["accounts_disputedetail"] == 1
    assert counts_before["accounts_actionitem"] == 2 and counts_before["accounts_meeting"] == 1
    assert counts_before["accounts_improvementaction"] == 1 and counts_before["accounts_meetingattendee"] == 1
    case_type, item_type = ContentType.objects.get_for_model(Case), ContentType.objects.get_for_model(ActionItem)
    assert (case_type.pk, case_type.app_label) == (made["types"]["case"], "cases")
    assert (item_type.pk, item_type.app_label) == (made["types"]["actionitem"], "plans")
    assert not ContentType.objects.filter(app_label="accounts", model__in=["case", "actionitem"]).exists()
    event = AuditEvent.objects.get(target_content_type=case_type, target_object_id=str(made["case"]))
    assert isinstance(event.target, Case) and event.target.reference == "INQ-2099-00001"
    event = AuditEvent.objects.get(target_content_type=item_type, target_object_id=str(made["item"]))
    assert isinstance(event.target, ActionItem) and event.target.title == "Send the invoice breakdown"
    assert event.target.case.reference == "INQ-2099-00001"
    group = Group.objects.get(pk=made["group"])
    held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
    assert held == {"cases.work_case", "plans.add_actionitem"}
    user = User.objects.get(pk=made["user"])
    assert user.has_perm("cases.work_case") and user.has_perm("plans.add_actionitem")
