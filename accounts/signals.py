from allauth.mfa.signals import authentication_failed, authenticator_added, authenticator_removed, authenticator_reset
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from .events import AccountEvent
from .user_cache import forget_saved_user

post_save.connect(forget_saved_user, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.user_cache.saved")
post_delete.connect(forget_saved_user, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.user_cache.deleted")


@receiver(post_migrate)
def keep_staff_groups_in_sync(sender, **kwargs):
    """Grant groups their permissions as each app's permissions are created (idempotent, adds only)."""
    from .roles import GROUP_PERMISSIONS, sync_staff_groups

    if sender.label in {dotted.split(".", 1)[0] for perms in GROUP_PERMISSIONS.values() for dotted in perms}:
        sync_staff_groups()


BROWSER_COOKIE_ATTR = "known_browser_key"


def _from_a_client(request) -> bool:
    """A sign-in a person made over HTTP, not ``Client.login``/``force_login`` or a shell (whose request is bare)."""
    return request is not None and "REMOTE_ADDR" in request.META


@receiver(user_logged_in, dispatch_uid="accounts.security.signed_in")
def record_sign_in(sender, request, user, **kwargs):
    from .services.security import sign_in_record

    if not _from_a_client(request):
        return
    browser_key = request.COOKIES.get(settings.KNOWN_BROWSER_COOKIE_NAME)
    setattr(request, BROWSER_COOKIE_ATTR, sign_in_record(user=user, request=request, browser_key=browser_key))


@receiver(user_login_failed, dispatch_uid="accounts.security.sign_in_failed")
def record_sign_in_failure(sender, credentials, request=None, **kwargs):
    from .services.security import sign_in_failure_record

    if not _from_a_client(request):
        return
    email = credentials.get("email") or credentials.get("username") or ""
    sign_in_failure_record(email=email, request=request)


@receiver(user_locked_out, dispatch_uid="accounts.security.locked_out")
def record_lockout(sender, request, username, **kwargs):
    from .services.security import lockout_record

    lockout_record(email=username or "", request=request)


@receiver(authenticator_added, dispatch_uid="accounts.security.factor_added")
def record_factor_added(sender, request, user, authenticator, **kwargs):
    from .services.credentials import factor_change_record

    factor_change_record(user=user, verb=AccountEvent.USER_FACTOR_ADDED, authenticator=authenticator, request=request)


@receiver(authenticator_removed, dispatch_uid="accounts.security.factor_removed")
def record_factor_removed(sender, request, user, authenticator, **kwargs):
    from .services.credentials import factor_change_record

    factor_change_record(user=user, verb=AccountEvent.USER_FACTOR_REMOVED, authenticator=authenticator, request=request)


@receiver(authenticator_reset, dispatch_uid="accounts.security.recovery_codes")
def record_recovery_codes_regenerated(sender, request, user, authenticator, **kwargs):
    from .services.credentials import factor_change_record

    factor_change_record(
        user=user, verb=AccountEvent.USER_RECOVERY_CODES_REGENERATED, authenticator=authenticator, request=request
    )


@receiver(authentication_failed, dispatch_uid="accounts.security.second_factor_failed")
def record_second_factor_failure(sender, request, user, **kwargs):
    from .services.credentials import second_factor_failure_record

    second_factor_failure_record(user=user, request=request)


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


authenticator_added.connect(_second_factor_changed, dispatch_uid="accounts.second_factor.added")
authenticator_removed.connect(_second_factor_changed, dispatch_uid="accounts.second_factor.removed")
authenticator_reset.connect(_second_factor_changed, dispatch_uid="accounts.second_factor.reset")
