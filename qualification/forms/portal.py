"""The participant portal's form for production connectivity specifications.

The form only validates and normalises; the view hands the cleaned data to
``qualification.services.connectivity_spec_update``.
"""

from __future__ import annotations

import re

from crispy_forms.layout import Layout
from django import forms
from django.core.validators import URLValidator

from ercot_services.core.forms import LayoutMixin, Section, grid

PROTOCOL_DEFAULT = "NAESB EDM"

_HEX_64 = re.compile(r"^[0-9A-F]{64}$")


def normalise_fingerprint(value: str) -> str:
    """A SHA-256 fingerprint, typed with or without colons (or spaces), as ``AB:CD:…`` (32 pairs).

    Raises ``forms.ValidationError`` unless it is exactly 64 hexadecimal digits.
    """
    digits = re.sub(r"[\s:]", "", value or "").upper()
    if digits.startswith("SHA256"):  # some tools print "SHA256 Fingerprint=AB:CD:…"
        digits = digits.split("=", 1)[-1]
    if not _HEX_64.match(digits):
        raise forms.ValidationError(
            "Enter the certificate's SHA-256 fingerprint: 64 hexadecimal digits (0-9, A-F), with or without "
            "colons, for example AB:12:…:EF.",
            code="fingerprint",
        )
    return ":".join(digits[i : i + 2] for i in range(0, 64, 2))


class ConnectivitySpecForm(LayoutMixin, forms.Form):
    endpoint_url = forms.CharField(
        label="Production endpoint URL",
        max_length=255,
        validators=[
            URLValidator(
                schemes=["https"], message="Enter a full https:// URL, for example https://edi.example.com/naesb."
            )
        ],
        help_text="Where ERCOT sends your production NAESB EDM transactions. It must use https://.",
        widget=forms.URLInput(attrs={"placeholder": "https://edi.example.com/naesb", "autocomplete": "url"}),
    )
    protocol = forms.CharField(
        label="Protocol",
        max_length=40,
        initial=PROTOCOL_DEFAULT,
        help_text="The ERCOT retail market uses NAESB EDM; change it only if ERCOT asked you to.",
    )
    certificate_fingerprint = forms.CharField(
        label="Certificate fingerprint (SHA-256)",
        max_length=128,
        help_text="The SHA-256 fingerprint of your production certificate, with or without colons.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off", "class": "font-monospace"}),
    )
    contact_name = forms.CharField(
        label="Technical contact name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    contact_email = forms.EmailField(
        label="Technical contact email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    contact_phone = forms.CharField(
        label="Technical contact phone",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "placeholder": "(512) 555-0100"}),
        help_text="Optional. The Service Desk calls this number to schedule the connectivity test.",
    )
    layout = Layout(
        "endpoint_url",
        "protocol",
        "certificate_fingerprint",
        Section(
            "Technical contact for connectivity testing",
            "contact_name",
            grid((7, "contact_email"), (5, "contact_phone"), gutter=""),
            legend_class="h6",
            css_class="mb-3",
        ),
    )

    def clean_endpoint_url(self):
        return self.cleaned_data["endpoint_url"].strip()

    def clean_protocol(self):
        return self.cleaned_data["protocol"].strip() or PROTOCOL_DEFAULT

    def clean_certificate_fingerprint(self):
        return normalise_fingerprint(self.cleaned_data["certificate_fingerprint"])

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip()
        if phone and len(re.sub(r"\D", "", phone)) < 7:
            raise forms.ValidationError("Enter a phone number with at least 7 digits.", code="phone")
        return phone


class ConnectivityTicketForm(LayoutMixin, forms.Form):
    """The production connectivity testing ticket, pre-filled by ``services.connectivity_ticket_draft``."""

    subject = forms.CharField(label="Subject", max_length=200)
    description = forms.CharField(
        label="Ticket",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Pre-filled from your updated specifications; add anything the Service Desk should know.",
    )

    def __init__(self, *args, test, **kwargs):
        kwargs.setdefault("prefix", f"ticket{test.pk}")
        super().__init__(*args, **kwargs)
