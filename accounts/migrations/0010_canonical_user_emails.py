"""Rewrite every stored user email to its canonical form (accounts.email_address.canonical_email).

Two accounts whose addresses share a canonical form cannot both have it: the one already canonical (or else the
oldest) gets it, and the others are left unchanged and listed, for an administrator to merge or correct. Sign-in
matches canonical addresses exactly, so a row left behind cannot sign in until it is fixed.
"""

import unicodedata
from collections import defaultdict

from django.db import migrations


def _canonical(value):
    # A frozen copy of accounts.email_address.canonical_email: a migration must not change when the app does.
    return unicodedata.normalize("NFKC", value or "").strip().casefold()


def canonicalise_user_emails(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    by_canonical = defaultdict(list)
    for pk, email in User.objects.order_by("pk").values_list("pk", "email"):
        by_canonical[_canonical(email)].append((pk, email))
    collisions = []
    for canonical, rows in by_canonical.items():
        if any(email == canonical for _, email in rows):
            keeper = None
        else:
            keeper = rows[0]
            User.objects.filter(pk=keeper[0]).update(email=canonical)
        collisions += [(pk, email, canonical) for pk, email in rows if email != canonical and (pk, email) != keeper]
    if collisions:
        print("\n  Users left unchanged: their canonical address belongs to another user (merge or correct them):")
        for pk, email, canonical in collisions:
            print(f"    user {pk}: {email} (canonical {canonical})")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_action_permissions"),
    ]

    operations = [
        migrations.RunPython(canonicalise_user_emails, migrations.RunPython.noop, elidable=True),
    ]
