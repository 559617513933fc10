from django import forms
from django.contrib.auth import forms as auth_forms
from django.template import loader

from ercot_services.core.forms import LayoutMixin

from ..email_address import canonical_email
from ..models import AccountManager, MarketParticipant, User


class EmailAuthenticationForm(LayoutMixin, auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


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
    """Django's form, drawn by the layout helper as every form is."""


class SetPasswordForm(LayoutMixin, auth_forms.SetPasswordForm):
    """Django's form, drawn by the layout helper as every form is."""


class ReassignForm(LayoutMixin, forms.Form):
    account_manager = forms.ModelChoiceField(
        queryset=AccountManager.objects.filter(is_active=True).select_related("user"),
        label="New Account Manager",
    )
    reason = forms.CharField(
        max_length=255,
        widget=forms.TextInput(attrs={"placeholder": "For example: rebalancing books, AM on leave"}),
        help_text="Kept in the assignment history and the audit timeline.",
    )


class BookReassignForm(LayoutMixin, forms.Form):
    to_manager = forms.ModelChoiceField(
        queryset=AccountManager.objects.filter(is_active=True).select_related("user"),
        label="Move every MP to",
    )
    reason = forms.CharField(max_length=255, help_text="For example: AM left Client Services.")
    deactivate_from = forms.BooleanField(
        required=False, label="The departing AM takes no new MPs (mark inactive)", initial=True
    )

    def __init__(self, *args, from_manager: AccountManager, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_manager"].queryset = self.fields["to_manager"].queryset.exclude(pk=from_manager.pk)


class ParticipantSwitchForm(forms.Form):
    participant = forms.ModelChoiceField(queryset=MarketParticipant.objects.none())

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = participants
