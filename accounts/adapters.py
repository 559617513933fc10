"""django-allauth's hooks for this project: no self sign-up, mail through the outbox, one lockout on passwords.

Accounts are made by the operator and by User Security Administrators' invitations, never by signing up. Every email
goes through the outbox after the request commits (``ercot_services.core.outbox``), allauth's included. The password
step's lockout is django-axes' (keyed on the canonical address, README "Rules worth knowing"); allauth's own
``login_failed`` rate limit stays on for the second step, where allauth keys it on the user.
"""

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.shortcuts import redirect
from django.template import loader

from ercot_services.core.outbox import email_queue

from .second_factor import LAST_FACTOR_KEPT, second_factor_required
from .selectors.second_factor import SECOND_FACTOR_TYPES
from .suspension import SUSPENDED_MESSAGE, suspended_sign_in_error


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def login(self, request, user) -> None:
        """Sign in through our model backend when no backend authenticated the user (a passkey sign-in).

        allauth would otherwise pick the first backend with ``get_user``, which is Axes' (it finds nobody).
        """
        if not hasattr(user, "backend"):
            user.backend = "accounts.user_cache.CachedUserBackend"
        super().login(request, user)

    def pre_login(self, request, user, **kwargs):
        """Turn away an account every MP suspended, however it got here: a passkey signs in without the password
        step, whose backend refuses it (``CachedUserBackend.user_can_authenticate``)."""
        if user.portal_locked:
            clear_login(request)
            messages.error(request, SUSPENDED_MESSAGE)
            return redirect("login")
        return super().pre_login(request, user, **kwargs)

    def get_reauthentication_methods(self, user) -> list[dict]:
        """A user with a second factor confirms a sensitive change with it, not with the password alone."""
        methods = super().get_reauthentication_methods(user)
        second_factor = [method for method in methods if method["id"].startswith("mfa_")]
        return second_factor or methods

    def pre_authenticate(self, request, **credentials) -> None:
        """No allauth rate limit on the password step: django-axes locks the address out there (one lockout)."""

    def authentication_failed(self, request, **credentials) -> None:
        """Say why when the right password meets an account whose every MP suspended it (``accounts.suspension``);
        anything else keeps allauth's one message, which discloses nothing."""
        error = suspended_sign_in_error(credentials.get("email"), credentials.get("password"))
        if error is not None:
            raise error

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Queue allauth's email (security notices, codes) in the outbox; it is sent once the request commits."""
        request = allauth_context.request
        message_context = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        subject = loader.render_to_string(f"{template_prefix}_subject.txt", message_context, request)
        email_queue(
            key=f"allauth:{template_prefix}:{uuid.uuid4()}",
            to=[email],
            subject=self.format_email_subject(" ".join(subject.splitlines()).strip()),
            body=loader.render_to_string(f"{template_prefix}_message.txt", message_context, request).strip(),
        )


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {**DefaultMFAAdapter.error_messages, "cannot_delete_authenticator": LAST_FACTOR_KEPT}

    def can_delete_authenticator(self, authenticator) -> bool:
        """A user who must have a second factor cannot remove their last one (they may add another first)."""
        if authenticator.type not in SECOND_FACTOR_TYPES or not second_factor_required(authenticator.user):
            return True
        others = type(authenticator).objects.filter(user_id=authenticator.user_id, type__in=SECOND_FACTOR_TYPES)
        return others.exclude(pk=authenticator.pk).exists()
