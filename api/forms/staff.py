"""The administrator's staff API key form (Django admin)."""

from django import forms
from django.contrib.auth import get_user_model

from ..models import STAFF_SCOPES


class StaffApiKeyCreateForm(forms.Form):
    user = forms.ModelChoiceField(
        label="Staff user",
        queryset=get_user_model().objects.filter(is_staff=True, is_active=True).order_by("full_name"),
        help_text="The key reads what this person may read in the workspace, while they stay active staff with a "
        "second factor.",
    )
    name = forms.CharField(label="Name", max_length=100, help_text="The integration, for example “Settlement QA”.")
    scopes = forms.MultipleChoiceField(
        label="Scopes",
        choices=[(scope.value, scope.label) for scope in STAFF_SCOPES],
        widget=forms.CheckboxSelectMultiple,
        help_text="A staff key only reads.",
    )
    expires_on = forms.DateField(
        label="Valid through",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The key stops working at the end of this day. Leave empty for a key that does not expire.",
    )
