"""Sign-in and password reset forms (public pages: nobody is signed in yet)."""

from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.auth import forms as auth_forms
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
