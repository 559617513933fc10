"""Sign-in forms (the password, the second step, reauthentication), the second-factor forms of one's own Security page,
and the password forms: the pages of signing in, reached before either side.

``SecondStepForm`` adds the second step's lockout: after ``MFA_CODE_FAILURE_LIMIT`` wrong codes the half-finished
sign-in ends and the user starts again from the password (whose own lockout, django-axes', then counts).
"""

from allauth.account import forms as allauth_forms
from allauth.account.internal.stagekit import clear_login
from allauth.core import context
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from allauth.mfa.webauthn import forms as webauthn_forms
from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.template import loader

from ercot_services.core.forms import LayoutMixin

from ..email_address import canonical_email
from ..models import User


class EmailLoginForm(LayoutMixin, allauth_forms.LoginForm):
    """django-allauth's sign-in form (email and password; its field is ``login``), drawn like every form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"] = forms.EmailField(
            label="Email address", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
        )
        self.fields["password"].help_text = ""
        self.order_fields(["login", "password"])


class QueuedPasswordResetForm(LayoutMixin, auth_forms.PasswordResetForm):
    """Password reset whose email goes out through a Celery task after the request commits."""

    def get_users(self, email):
        """Active users with a usable password under the canonical form of ``email`` (an exact match, as sign-in)."""
        users = User._default_manager.filter(email=canonical_email(email), is_active=True)
        return (user for user in users if user.has_usable_password())

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        """Queue the email in the outbox (sent after the request commits, like every email); one row per link.

        The row holds the reset link until the link expires (``PASSWORD_RESET_TIMEOUT``); it is not shown in the
        admin. ``from_email`` is not kept: outbox emails go from ``DEFAULT_FROM_EMAIL``.
        """
        from ercot_services.core.outbox import email_queue

        email_queue(
            key=f"password_reset:{context['uid']}:{context['token']}",
            to=[to_email],
            subject="".join(loader.render_to_string(subject_template_name, context).splitlines()),
            body=loader.render_to_string(email_template_name, context),
            html=loader.render_to_string(html_email_template_name, context) if html_email_template_name else "",
        )


class PasswordChangeForm(LayoutMixin, auth_forms.PasswordChangeForm):
    """Django's form, drawn by the layout helper as every form is (the signed-in user's password change)."""


class SetPasswordForm(LayoutMixin, auth_forms.SetPasswordForm):
    """Django's form, drawn by the layout helper as every form is (the new password of a reset link)."""


class EndSessionsForm(forms.Form):
    """Which of the signed-in person's other browsers to sign out: the one named, or all of them when none is."""

    session = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class InvitationNewAccountForm(LayoutMixin, forms.Form):
    """A new person accepting an invitation: their name and a password (validated by the service)."""

    full_name = forms.CharField(label="Your full name", max_length=150)
    password1 = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="Password again", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return cleaned


class InvitationPasswordForm(LayoutMixin, forms.Form):
    """Someone who has an account under the invited address accepts with its password (the emailed token is the
    other half: nobody reaches this form without it)."""

    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.is_active or not self.user.check_password(password):
            raise forms.ValidationError("That is not the password of this account.", code="wrong_password")
        return password


FAILURES_SESSION_KEY = "accounts.second_step_failures"
TOO_MANY_WRONG_CODES = "Too many wrong codes. For your security, sign in again with your email address and password."


def _code_field(label: str = "Code from your authenticator app, or a recovery code") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "spellcheck": "false"}
        ),
    )


class SecondStepForm(LayoutMixin, mfa_forms.AuthenticateForm):
    """The second step of signing in: a code from the authenticator app, or one of the recovery codes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"] = _code_field()

    def clean_code(self) -> str:
        try:
            return super().clean_code()
        except ValidationError:
            if self._count_failure() >= settings.MFA_CODE_FAILURE_LIMIT:
                clear_login(context.request)
                context.request.session.pop(FAILURES_SESSION_KEY, None)
                raise ValidationError(TOO_MANY_WRONG_CODES, code="too_many_wrong_codes") from None
            raise

    @staticmethod
    def _count_failure() -> int:
        """The wrong codes entered for this half-finished sign-in (counted per sign-in, kept in its session)."""
        session = context.request.session
        pending = getattr(context.request, "_login_stage", None)
        started = pending.login.initiated_at if pending else None
        counted = session.get(FAILURES_SESSION_KEY) or {}
        failures = (counted.get("failures", 0) if counted.get("login") == started else 0) + 1
        session[FAILURES_SESSION_KEY] = {"login": started, "failures": failures}
        return failures


class SecondFactorReauthenticateForm(LayoutMixin, mfa_forms.ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"] = _code_field()


class PasswordReauthenticateForm(LayoutMixin, allauth_forms.ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""


class ActivateAuthenticatorAppForm(LayoutMixin, totp_forms.ActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"] = _code_field("Code shown by the app")


class AddPasskeyForm(LayoutMixin, webauthn_forms.AddWebAuthnForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "Name of this passkey or security key"
        self.fields["name"].help_text = "So you can tell your keys apart, e.g. “Work laptop” or “Blue YubiKey”."
        if "passwordless" in self.fields:
            self.fields["passwordless"].label = "Use it as a passkey: sign in with this key alone"
            self.fields["passwordless"].help_text = (
                "The key then asks for your PIN, fingerprint or face each time. Leave it unticked for a security "
                "key used after your password."
            )


class RenamePasskeyForm(LayoutMixin, webauthn_forms.EditWebAuthnForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "Name"
