"""Workspace (staff) forms: reassign an MP's Account Manager, move a whole book."""

from django import forms

from ercot_services.core.forms import LayoutMixin

from ..models import AccountManager


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
