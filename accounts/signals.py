from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def keep_staff_groups_in_sync(sender, **kwargs):
    """Grant groups their permissions as each app's permissions are created (idempotent, adds only)."""
    from .roles import GROUP_PERMISSIONS, sync_staff_groups

    if sender.label in {dotted.split(".", 1)[0] for perms in GROUP_PERMISSIONS.values() for dotted in perms}:
        sync_staff_groups()
