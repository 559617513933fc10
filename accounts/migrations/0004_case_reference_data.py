"""Case categories with SLA targets, dispute windows, default settings and a few canned responses."""

from decimal import Decimal

from django.db import migrations

# code, name, default priority, factor applied to the default targets (smaller is faster)
CATEGORIES = [
    ("registration", "Registration", "normal", Decimal("1")),
    ("qualification", "Qualification", "normal", Decimal("1")),
    ("market-rules", "Market Rules", "normal", Decimal("1")),
    ("settlements", "Settlements", "high", Decimal("1")),
    ("credit-financial", "Credit/Financial", "high", Decimal("0.5")),
    ("retail-market", "Retail market", "normal", Decimal("1")),
    ("connectivity-certificates", "Connectivity/Certificates", "high", Decimal("0.5")),
    ("training", "Training", "low", Decimal("1.5")),
    ("market-information", "Market Information", "normal", Decimal("1")),
    ("other", "Other", "normal", Decimal("1")),
]

DEFAULT_HOURS = {
    "urgent": (Decimal("2"), Decimal("9")),
    "high": (Decimal("4"), Decimal("27")),
    "normal": (Decimal("9"), Decimal("45")),
    "low": (Decimal("18"), Decimal("90")),
}

WINDOWS = [
    ("dam", "after_statement", 10, "Day-Ahead statements: about 10 Business Days from the statement."),
    ("invoice", "after_statement", 10, "Invoices: about 10 Business Days from the invoice."),
    ("true_up", "after_statement", 10, "True-Up statements: about 10 Business Days from the statement."),
    ("initial", "before_true_up", 20, "Real-Time: up to about 20 Business Days before the True-Up statement."),
    ("final", "before_true_up", 20, "Real-Time: up to about 20 Business Days before the True-Up statement."),
]

CANNED = [
    (
        "Acknowledgement",
        "Thank you for contacting ERCOT Client Services. We have received {reference} and are looking into it; we will update you here.",
    ),
    (
        "Need more information",
        "To continue with {reference} we need a little more information. Could you reply with the Operating Day(s), the statement or invoice reference and any supporting files?",
    ),
    (
        "Resolved – see answer",
        "We believe {reference} is resolved with the answer above. If anything is still unclear, you can reopen the case from the portal within the reopen window.",
    ),
]


def forwards(apps, schema_editor):
    Category = apps.get_model("accounts", "CaseCategory")
    Target = apps.get_model("accounts", "SlaTarget")
    for order, (code, name, priority, factor) in enumerate(CATEGORIES):
        category, _ = Category.objects.update_or_create(
            code=code, defaults={"name": name, "default_priority": priority, "sort_order": order * 10}
        )
        for prio, (first, resolution) in DEFAULT_HOURS.items():
            Target.objects.get_or_create(
                category=category,
                priority=prio,
                defaults={"first_response_hours": first * factor, "resolution_hours": resolution * factor},
            )
    Window = apps.get_model("accounts", "DisputeWindow")
    for statement_type, anchor, days, note in WINDOWS:
        Window.objects.get_or_create(
            statement_type=statement_type, defaults={"anchor": anchor, "business_days": days, "note": note}
        )
    apps.get_model("accounts", "CaseSettings").objects.get_or_create(pk=1)
    Canned = apps.get_model("accounts", "CannedResponse")
    for title, body in CANNED:
        Canned.objects.get_or_create(title=title, defaults={"body": body})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_cases")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
