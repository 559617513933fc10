"""Every person with an active membership at an MP gets an active link to it, so portal scoping (which now requires
an active ``PortalAccess``) leaves everyone who could reach the portal before able to."""

from django.db import migrations


def create_links(apps, schema_editor):
    Membership = apps.get_model("accounts", "Membership")
    PortalAccess = apps.get_model("accounts", "PortalAccess")
    pairs = Membership.objects.filter(is_active=True).values_list("user_id", "participant_id").distinct()
    PortalAccess.objects.bulk_create(
        [PortalAccess(user_id=user_id, participant_id=participant_id) for user_id, participant_id in pairs],
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0018_portal_access"),
    ]

    operations = [migrations.RunPython(create_links, migrations.RunPython.noop)]
