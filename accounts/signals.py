from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def keep_staff_groups_in_sync(sender, **kwargs):
    """Grant groups the permissions of apps migrated after ``accounts.0002``."""
    if sender.label != "accounts":
        return
    from .roles import sync_staff_groups

    sync_staff_groups()
