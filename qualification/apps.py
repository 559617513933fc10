from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _grant_staff_group_permissions(sender, **kwargs):
    """Give the staff groups this app's permissions (accounts/roles.py) once they exist.

    Django creates an app's permissions in its own post_migrate step, after the accounts and
    registration hooks have run (they come first in INSTALLED_APPS): on a fresh database those
    cannot see qualification's permissions yet, so this app syncs again after its own.
    """
    from accounts.roles import sync_staff_groups

    sync_staff_groups()


class QualificationConfig(AppConfig):
    name = "qualification"
    verbose_name = "Qualification"

    def ready(self):
        post_migrate.connect(_grant_staff_group_permissions, sender=self, dispatch_uid="qualification.staff_group_permissions")
