"""The USA's API key form (portal)."""

from django import forms

from ercot_services.core.forms import LayoutMixin

from ..models import ApiScope


class ApiKeyCreateForm(LayoutMixin, forms.Form):
    name = forms.CharField(
        label="Name", max_length=100, help_text="What uses the key, for example “Settlement system (production)”."
    )
    scopes = forms.MultipleChoiceField(
        label="Scopes",
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Grant only what the system needs.",
    )
    expires_on = forms.DateField(
        label="Valid through",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The key stops working at the end of this day. Leave empty for a key that does not expire.",
    )


class ApiKeyRevokeForm(forms.Form):
    """A revoke button: no input."""
