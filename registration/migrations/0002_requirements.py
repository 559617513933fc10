"""Seed the requirement catalogue and which roles need what (administrators edit it afterwards)."""

from django.db import migrations

REQUIREMENTS = [
    ("form-a", "CRR Account Holder application (Form A)", 10),
    ("form-b", "LSE application (Form B)", 20),
    ("form-g", "QSE application (Form G)", 30),
    ("form-i", "Resource Entity application (Form I)", 40),
    ("form-j", "TDSP application (Form J)", 50),
    ("sfa", "Signed Standard Form Market Participant Agreement (SFA)", 60),
    ("puct-certification", "PUCT certification (number and certificate)", 70),
    ("form-h", "QSE Acknowledgement (Form H) naming a QSE", 80),
    ("form-e", "Notice of Change of Information (Form E)", 90),
]

ROLE_REQUIREMENTS = {
    "LSE": ["form-b", "sfa", "puct-certification", "form-h"],
    "REP": ["form-b", "sfa", "puct-certification", "form-h"],
    "QSE": ["form-g", "sfa"],
    "TDSP": ["form-j", "sfa"],
    "RE": ["form-i", "sfa"],
    "CRRAH": ["form-a", "sfa"],
}


def forwards(apps, schema_editor):
    RequirementType = apps.get_model("registration", "RequirementType")
    RoleRequirement = apps.get_model("registration", "RoleRequirement")
    MarketRole = apps.get_model("accounts", "MarketRole")
    by_code = {}
    for code, name, order in REQUIREMENTS:
        by_code[code], _ = RequirementType.objects.update_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )
    for role_code, codes in ROLE_REQUIREMENTS.items():
        role = MarketRole.objects.filter(code=role_code).first()
        if role is None:
            continue
        for code in codes:
            RoleRequirement.objects.get_or_create(role=role, requirement=by_code[code])


class Migration(migrations.Migration):
    dependencies = [("registration", "0001_initial"), ("accounts", "0002_reference_data")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
