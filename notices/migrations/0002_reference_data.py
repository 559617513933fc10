"""Notice types and NOTICE_* distribution lists, as data."""

from django.db import migrations
from django.utils.text import slugify

TYPES = [
    "Financial/Credit",
    "Settlements",
    "Settlements/Legal",
    "Retail",
    "Release-Retail",
    "Testing",
    "Operations",
    "Outage–Retail",
    "Outage–Wholesale",
    "Informational",
    "Training",
]

# name, description, notice types, contact roles subscribed automatically
LISTS = [
    ("NOTICE_CREDIT", "Credit and collateral notices", ["Financial/Credit"], ["credit"]),
    (
        "NOTICE_SETTLEMENTS",
        "Settlement statements, resettlements and disputes",
        ["Settlements", "Settlements/Legal"],
        ["settlement"],
    ),
    (
        "NOTICE_OPERATIONS",
        "Grid and market operations, outages",
        ["Operations", "Outage–Retail", "Outage–Wholesale"],
        ["technical"],
    ),
    ("NOTICE_TESTING_RETAIL", "Retail market testing flights", ["Testing", "Release-Retail"], ["technical"]),
    ("NOTICE_RETAIL", "Retail market notices", ["Retail", "Release-Retail", "Outage–Retail"], []),
    ("NOTICE_GENERAL", "Every market notice of general interest", ["Informational", "Training"], ["ar", "bar"]),
]


def forwards(apps, schema_editor):
    NoticeType = apps.get_model("notices", "NoticeType")
    DistributionList = apps.get_model("notices", "DistributionList")
    types = {}
    for order, name in enumerate(TYPES):
        types[name], _ = NoticeType.objects.get_or_create(
            name=name, defaults={"slug": slugify(name.replace("/", "-").replace("–", "-")), "sort_order": order * 10}
        )
    for name, description, type_names, roles in LISTS:
        dl, created = DistributionList.objects.get_or_create(
            name=name, defaults={"description": description, "contact_roles": roles}
        )
        if created:
            dl.notice_types.set([types[t] for t in type_names])


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
