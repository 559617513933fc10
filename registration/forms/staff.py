"""Forms of the staff registration pages: review actions, registration facts and the potential-MP invitation.

The forms only collect and type what was entered; the rules live in
``registration.services`` and come back as ``DomainError`` (shown as a form error).
"""

from __future__ import annotations

import re

from django import forms

from accounts.autocomplete import ParticipantAutocomplete, participant_scope
from accounts.models import MarketParticipant
from cases.models import Case
from ercot_services.core.forms import LayoutMixin

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DocumentReviewForm(forms.Form):
    ACCEPT = "accept"
    REJECT = "reject"

    decision = forms.ChoiceField(choices=[(ACCEPT, "Accept"), (REJECT, "Reject")])
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required to reject: the participant sees it.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.REJECT and not (data.get("reason") or "").strip():
            self.add_error("reason", "Give the reason for rejecting the document: the participant will see it.")
        return data


class RequestInfoForm(LayoutMixin, forms.Form):
    message = forms.CharField(
        label="What information is needed",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Emailed to the Authorized Representative and Backup AR, with a copy to the Account Manager. "
        "The review clock pauses until they resubmit.",
    )


class ApproveForm(LayoutMixin, forms.Form):
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the decision and in the timeline.",
    )


class RejectForm(LayoutMixin, forms.Form):
    reason = forms.CharField(
        label="Reason for rejecting",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required: the Authorized Representatives receive it by email.",
    )


# --- registration facts ---------------------------------------------------------------------------


class SfaForm(LayoutMixin, forms.Form):
    prefix = "sfa"
    name = "sfa"

    signed_on = forms.DateField(label="Signed on", required=False, widget=DATE_WIDGET)
    processed_by_legal = forms.BooleanField(label="Processed by Legal", required=False)


class PuctForm(LayoutMixin, forms.Form):
    prefix = "puct"
    name = "puct"

    certificate_number = forms.CharField(label="Certificate number", max_length=40)
    issued_on = forms.DateField(label="Issued on", widget=DATE_WIDGET)
    expires_on = forms.DateField(label="Expires on", required=False, widget=DATE_WIDGET)
    received = forms.BooleanField(label="Certificate received", required=False, initial=True)

    def clean(self):
        data = super().clean()
        issued, expires = data.get("issued_on"), data.get("expires_on")
        if issued and expires and expires < issued:
            self.add_error("expires_on", "The certification cannot expire before it was issued.")
        return data


class QseAcknowledgementForm(LayoutMixin, forms.Form):
    prefix = "qse"
    name = "qse_ack"

    qse = forms.ModelChoiceField(
        label="QSE named on Form H",
        queryset=MarketParticipant.objects.none(),
        empty_label="Choose the QSE…",
        help_text="Market Participants holding the QSE role.",
        widget=ParticipantAutocomplete(scope="qse"),
    )
    processed_by_legal = forms.BooleanField(label="Processed by Legal", required=False)

    def __init__(self, *args, participant: MarketParticipant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qse"].queryset = participant_scope("qse").exclude(pk=participant.pk)


class QseLoadQualificationForm(LayoutMixin, forms.Form):
    """On a QSE's own facts page: whether it is qualified to serve load (read by every LSE naming it)."""

    prefix = "load"
    name = "qse_load"

    qualified = forms.BooleanField(label="Qualified to serve load", required=False)
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required: why the answer is what it is (kept in the QSE's history).",
    )


FACT_FORMS = {form.name: form for form in (SfaForm, PuctForm, QseAcknowledgementForm, QseLoadQualificationForm)}


# --- inviting a potential MP ---------------------------------------------------------------------------


class InviteForm(LayoutMixin, forms.Form):
    legal_name = forms.CharField(label="Legal name", max_length=200)
    short_name = forms.CharField(
        label="Short name",
        max_length=60,
        help_text="Unique, in capitals, as the market knows the company (for example BLUEBONNET).",
    )
    contact_name = forms.CharField(label="Contact name", max_length=150)
    contact_email = forms.EmailField(
        label="Contact email", help_text="Becomes the first Authorized Representative; the invitation goes here."
    )

    def clean_short_name(self):
        value = self.cleaned_data["short_name"].strip().upper()
        if not re.fullmatch(r"[A-Z0-9][A-Z0-9&._-]*", value):
            raise forms.ValidationError("Use capital letters, digits and - _ . & only, without spaces.")
        return value

    @staticmethod
    def initial_for(case: Case) -> dict:
        company = (case.contact_company or "").strip()
        return {
            "legal_name": company,
            "short_name": suggest_short_name(company),
            "contact_name": case.contact_name,
            "contact_email": case.contact_email,
        }


_SUFFIXES = {"LLC", "LP", "LLP", "INC", "CO", "CORP", "CORPORATION", "COMPANY", "LTD", "THE"}


def suggest_short_name(company: str) -> str:
    """A free short name from the company name: its first significant word in capitals (PRAIRIEWIND style)."""
    words = [re.sub(r"[^A-Z0-9]", "", w) for w in company.upper().split()]
    words = [w for w in words if w and w not in _SUFFIXES]
    if not words:
        return ""
    base = words[0] if len(words[0]) >= 5 or len(words) == 1 else (words[0] + words[1])
    base = base[:16]
    candidate, n = base, 1
    taken = set(MarketParticipant.objects.filter(short_name__istartswith=base).values_list("short_name", flat=True))
    taken = {t.upper() for t in taken}
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    return candidate
