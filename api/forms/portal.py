"""The USA's forms (portal): API keys and webhook endpoints."""

from django import forms

from ercot_services.core.forms import LayoutMixin

from ..models import ApiScope, WebhookEventType


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


class WebhookEndpointForm(LayoutMixin, forms.Form):
    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        help_text="Where we POST the events: an https:// address of your systems.",
    )
    description = forms.CharField(
        label="Description", max_length=200, required=False, help_text="For example “Settlement system (test)”."
    )
    event_types = forms.MultipleChoiceField(
        label="Events", choices=WebhookEventType.choices, widget=forms.CheckboxSelectMultiple
    )


class WebhookButtonForm(forms.Form):
    """A button on the endpoint's page (rotate, disable, enable, test, re-send): no input."""
