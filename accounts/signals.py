from django.conf import settings
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from .user_cache import forget_saved_user

post_save.connect(forget_saved_user, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.user_cache.saved")
post_delete.connect(forget_saved_user, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.user_cache.deleted")


@receiver(post_migrate)
def keep_staff_groups_in_sync(sender, **kwargs):
    """Grant groups their permissions as each app's permissions are created (idempotent, adds only)."""
    from .roles import GROUP_PERMISSIONS, sync_staff_groups

    if sender.label in {dotted.split(".", 1)[0] for perms in GROUP_PERMISSIONS.values() for dotted in perms}:
        sync_staff_groups()
