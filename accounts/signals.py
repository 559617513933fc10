from allauth.mfa import signals as mfa_signals
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
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


@receiver(user_logged_in, dispatch_uid="accounts.second_factor.signed_in")
def work_out_second_factor_state(sender, request, user, **kwargs):
    """The session remembers whether the user must enrol a second factor (accounts/second_factor.py)."""
    from .second_factor import remember_second_factor_state

    if request is not None and hasattr(request, "session"):
        remember_second_factor_state(request, user)


def _second_factor_changed(sender, request=None, **kwargs):
    from .second_factor import forget_second_factor_state

    if request is not None:
        forget_second_factor_state(request)


mfa_signals.authenticator_added.connect(_second_factor_changed, dispatch_uid="accounts.second_factor.added")
mfa_signals.authenticator_removed.connect(_second_factor_changed, dispatch_uid="accounts.second_factor.removed")
mfa_signals.authenticator_reset.connect(_second_factor_changed, dispatch_uid="accounts.second_factor.reset")
