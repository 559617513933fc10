"""Forms of the participant portal's cases, the public contact form and notification preferences.

Forms only validate and clean; the views hand the cleaned data to the services
in ``cases.services``. Uploaded files are checked here (size and type
by content) and come out of ``cleaned_data["attachments"]`` as
:class:`~ercot_services.core.uploads.CheckedUpload` objects.
"""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.layout import Column, Div, Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import MarketRole
from ercot_services.core.forms import LayoutMixin, Partial, Section, grid
from ercot_services.core.text_limits import MESSAGE_TEXT
from ercot_services.core.uploads import DOCUMENT_TYPES, check_upload

from ...models import (
    MAX_DISPUTE_DAYS,
    CaseCategory,
    CaseSettings,
    Channel,
    DisputeWindow,
    NotificationPreference,
    StatementType,
)
from ...services import DisputeDayInput, DisputeInput, InquiryInput
from .dispute_days import DayLinesField

MAX_FILES = 10
ACCEPTED_TYPES_TEXT = ", ".join(sorted(set(DOCUMENT_TYPES.values())))
DATE_INPUT = {"type": "date"}

# Common charge types offered as suggestions (free text is accepted).
CHARGE_TYPE_SUGGESTIONS = [
    "Real-Time Energy Imbalance",
    "Day-Ahead Energy Purchase",
    "Day-Ahead Energy Sale",
    "Ancillary Service Obligation",
    "Ancillary Service Supply",
    "Reliability Unit Commitment (RUC) Make-Whole",
    "RUC Clawback",
    "Congestion Revenue Rights",
    "Base Point Deviation",
    "Load Ratio Share Uplift",
    "ERCOT Administrative Fee",
]


# --- attachments -----------------------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (possibly empty)."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def max_attachment_bytes() -> int:
    return CaseSettings.load().max_attachment_mb * 1024 * 1024


class AttachmentsMixin(forms.Form):
    """Adds ``attachments``: each file checked for size and for its type by content, not by its name."""

    attachments = MultipleFileField(label="Attachments")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_attachment_bytes()
        field = self.fields["attachments"]
        field.help_text = (
            f"Optional. Up to {MAX_FILES} files, each at most {self.max_bytes // (1024 * 1024)} MB. "
            f"Accepted: {ACCEPTED_TYPES_TEXT}."
        )

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_FILES:
            raise ValidationError(f"Attach at most {MAX_FILES} files at a time.")
        checked, errors = [], []
        for upload in files:
            try:
                checked.append(check_upload(upload, max_bytes=self.max_bytes))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


def _active_categories():
    return CaseCategory.objects.filter(is_active=True).order_by("sort_order", "name")


# --- inquiry -----------------------------------------------------------------------------------


class InquiryForm(LayoutMixin, AttachmentsMixin, forms.Form):
    category = forms.ModelChoiceField(
        queryset=CaseCategory.objects.none(),
        empty_label="Choose a category",
        help_text="The area your question is about; it decides who answers and how quickly.",
    )
    subject = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    description = forms.CharField(
        max_length=MESSAGE_TEXT,
        label="Your question",
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text="Include Operating Days, transaction IDs or ESI IDs where they help.",
    )
    field_order = ["category", "subject", "description", "attachments"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _active_categories()

    def case_input(self, *, participant, channel: str = Channel.PORTAL) -> InquiryInput:
        """The service's input from the cleaned form (the portal's and the API's one construction)."""
        data = self.cleaned_data
        return InquiryInput(
            category=data["category"],
            subject=data["subject"],
            description=data["description"],
            participant=participant,
            channel=channel,
            attachments=data["attachments"],
        )


# --- dispute -------------------------------------------------------------------------------------


def statement_types_needing_date() -> list[str]:
    """Statement types whose filing window counts from the statement date (administrator-editable)."""
    return list(
        DisputeWindow.objects.filter(anchor=DisputeWindow.Anchor.AFTER_STATEMENT).values_list(
            "statement_type", flat=True
        )
    )


def suggested_dispute_subject(*, charge_type: str, operating_day, statement_type: str, days: int = 1) -> str:
    parts = ["Dispute"]
    if charge_type:
        parts.append(charge_type.strip())
    if operating_day and days > 1:
        parts.append(f"{days} Operating Days from {operating_day:%m/%d/%Y}")
    elif operating_day:
        parts.append(f"Operating Day {operating_day:%m/%d/%Y}")
    label = StatementType(statement_type).label if statement_type in StatementType.values else ""
    subject = " – ".join(parts)
    if label:
        subject += f" ({label})"
    return subject[:200]


class DisputeDeadlineQueryForm(forms.Form):
    """The inputs of the filing-deadline preview; lenient so a half-filled form gives a hint, not an error."""

    operating_day = forms.DateField(required=False)
    statement_type = forms.ChoiceField(choices=StatementType.choices, required=False)
    statement_date = forms.DateField(required=False)


class DisputeForm(LayoutMixin, AttachmentsMixin, forms.Form):
    operating_day = forms.DateField(
        label="Operating Day",
        widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
        help_text="The day the disputed charge applies to.",
    )
    statement_type = forms.ChoiceField(
        label="Statement type",
        choices=[("", "Choose the statement or invoice")] + list(StatementType.choices),
        help_text=(
            "Initial and Final are the Real-Time settlement statements; True-Up is the last Real-Time statement; "
            "Day-Ahead Market statements cover DAM charges; Invoice disputes an invoice as a whole."
        ),
    )
    statement_date = forms.DateField(
        label="Statement or invoice date",
        required=False,
        widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
        help_text="The date printed on the statement or invoice. Needed for Day-Ahead, True-Up and invoice disputes.",
    )
    charge_type = forms.CharField(
        label="Charge type",
        max_length=120,
        widget=forms.TextInput(attrs={"list": "charge-type-suggestions", "autocomplete": "off"}),
        help_text="As it appears on the statement, for example Real-Time Energy Imbalance.",
    )
    disputed_amount = forms.DecimalField(
        label="Disputed amount (USD)",
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
        error_messages={"min_value": "Enter an amount greater than zero."},
        help_text="The amount you believe is wrong, in dollars and cents.",
    )
    statement_reference = forms.CharField(
        label="Statement or invoice reference",
        max_length=80,
        help_text="The statement or invoice number.",
    )
    more_days = DayLinesField(
        label="More Operating Days (optional)",
        required=False,
        help_text="To dispute the same charge on other days (up to 31 in all): one day per line, its date then its "
        "amount, as 2026-03-02, 980.50. Each day's filing deadline is checked on its own.",
    )
    category = forms.ModelChoiceField(
        queryset=CaseCategory.objects.none(),
        required=False,
        empty_label="Automatic: Settlements (Credit/Financial for invoices)",
    )
    subject = forms.CharField(
        max_length=200,
        required=False,
        help_text="Leave empty to use the suggested subject.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        max_length=MESSAGE_TEXT,
        label="What is wrong, and what should it be?",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Explain the error and how you calculated the correct amount.",
    )
    field_order = [
        "operating_day",
        "statement_type",
        "statement_date",
        "charge_type",
        "disputed_amount",
        "more_days",
        "statement_reference",
        "category",
        "subject",
        "description",
        "attachments",
    ]
    layout = Layout(
        Section(
            "The statement",
            grid(
                (6, "operating_day"),
                (6, "statement_type"),
                Column("statement_date", css_class="col-md-6", css_id="statement-date-group"),
                (6, "statement_reference"),
            ),
            Partial("portal/cases/_deadline_box.html"),
            css_class="mb-3",
        ),
        Section(
            "The charge",
            grid((7, "charge_type", Partial("portal/cases/_charge_suggestions.html")), (5, "disputed_amount")),
            "more_days",
            css_class="mb-3",
        ),
        Section("Your explanation", "category", "subject", "description", "attachments", css_class="mb-3"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _active_categories()
        self.fields["attachments"].label = "Evidence"
        self.needs_date = statement_types_needing_date()

    def clean_operating_day(self):
        day = self.cleaned_data["operating_day"]
        if day > timezone.localdate():
            raise ValidationError("The Operating Day cannot be in the future.")
        return day

    def clean_statement_date(self):
        day = self.cleaned_data.get("statement_date")
        if day and day > timezone.localdate():
            raise ValidationError("The statement date cannot be in the future.")
        return day

    def clean(self):
        data = super().clean()
        statement_type = data.get("statement_type")
        operating_day = data.get("operating_day")
        statement_date = data.get("statement_date")
        if statement_type in self.needs_date and not statement_date and "statement_date" not in self.errors:
            self.add_error(
                "statement_date",
                f"Give the date of the {StatementType(statement_type).label} statement or invoice: "
                "the filing window counts from it.",
            )
        if statement_date and operating_day and statement_date < operating_day:
            self.add_error("statement_date", "The statement date cannot be before the Operating Day.")
        more_days = data.get("more_days") or []
        if operating_day and any(day.operating_day == operating_day for day in more_days):
            self.add_error("more_days", f"{operating_day:%b %d, %Y} is the first Operating Day already: list it once.")
        elif len(more_days) + 1 > MAX_DISPUTE_DAYS:
            self.add_error("more_days", f"One dispute covers at most {MAX_DISPUTE_DAYS} Operating Days.")
        if not data.get("category"):
            code = "credit-financial" if statement_type == StatementType.INVOICE else "settlements"
            data["category"] = CaseCategory.objects.filter(code=code).first() or _active_categories().first()
        if not (data.get("subject") or "").strip():
            days = [day.operating_day for day in more_days] + ([operating_day] if operating_day else [])
            data["subject"] = suggested_dispute_subject(
                charge_type=data.get("charge_type", ""),
                operating_day=min(days, default=None),
                statement_type=statement_type or "",
                days=len(days),
            )
        return data

    def dispute_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "operating_day": data["operating_day"],
            "statement_type": data["statement_type"],
            "statement_date": data.get("statement_date"),
            "charge_type": data["charge_type"].strip(),
            "disputed_amount": data["disputed_amount"],
            "statement_reference": data["statement_reference"].strip(),
            "days": self.day_inputs(),
        }

    def day_inputs(self) -> list[DisputeDayInput]:
        """The first day and the more days, in date order (empty: the service's one day)."""
        data = self.cleaned_data
        more = data.get("more_days") or []
        if not more:
            return []
        first = DisputeDayInput(operating_day=data["operating_day"], disputed_amount=data["disputed_amount"])
        return sorted([first, *more], key=lambda day: day.operating_day)

    def case_input(self, *, participant, channel: str = Channel.PORTAL) -> DisputeInput:
        """The service's input from the cleaned form (the portal's and the API's one construction)."""
        data = self.cleaned_data
        return DisputeInput(
            category=data["category"],
            subject=data["subject"],
            description=data["description"],
            participant=participant,
            channel=channel,
            attachments=data["attachments"],
            **self.dispute_fields(),
        )


# --- conversation ----------------------------------------------------------------------------------


class ReplyForm(LayoutMixin, AttachmentsMixin, forms.Form):
    body = forms.CharField(max_length=MESSAGE_TEXT, label="Your reply", widget=forms.Textarea(attrs={"rows": 5}))
    layout = Layout("body", "attachments")


class WithdrawForm(LayoutMixin, forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: resolved internally, filed by mistake.",
    )


class ReopenForm(LayoutMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you reopening it?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the case is being reopened."},
    )


# --- public contact form --------------------------------------------------------------------------------


# The case description adds the market roles of interest to the message: room for them under the case's limit.
CONTACT_MESSAGE_TEXT = MESSAGE_TEXT - 1_000


class ContactForm(LayoutMixin, forms.Form):
    name = forms.CharField(label="Your name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    company = forms.CharField(
        label="Company", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="We send the receipt and our answer here.",
    )
    phone = forms.CharField(
        label="Phone (optional)",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    market_roles = forms.ModelMultipleChoiceField(
        label="Market roles you are interested in (optional)",
        queryset=MarketRole.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    subject = forms.CharField(max_length=200)
    message = forms.CharField(
        max_length=CONTACT_MESSAGE_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Tell us what you would like to do in the ERCOT market and any questions you have.",
    )
    # Honeypot: hidden from people (CSS and aria-hidden); bots that fill every field give themselves away.
    website = forms.CharField(label="Leave this empty", required=False)
    layout = Layout(
        grid(*((6, name) for name in ("name", "company", "email", "phone"))),
        Field("market_roles", wrapper_class="check-columns"),
        "subject",
        "message",
        Div("website", css_class="honeypot", aria_hidden="true"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["market_roles"].queryset = MarketRole.objects.order_by("code")
        self.fields["market_roles"].label_from_instance = lambda role: f"{role.name} ({role.code})"
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def is_spam(self) -> bool:
        return bool((self.data.get(self.add_prefix("website")) or "").strip())

    def case_description(self) -> str:
        data = self.cleaned_data
        roles = ", ".join(f"{role.name} ({role.code})" for role in data.get("market_roles") or [])
        text = data["message"].strip()
        if roles:
            text += f"\n\nMarket roles of interest: {roles}"
        return text


# --- notification preferences ------------------------------------------------------------------------------


PREFERENCE_LABELS = {
    "on_submission": ("A receipt when I submit a case", "With the reference number and when to expect an answer."),
    "on_reply": ("A new reply on a case", "On cases I filed (or, for staff, cases assigned to me)."),
    "on_status_change": ("A status change on a case", "For example when it is resolved or waiting on you."),
    "on_at_risk": ("A case assigned to me becomes at risk", "Sent once, when a case is close to missing its SLA."),
}


class NotificationPreferenceForm(LayoutMixin, forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["on_submission", "on_reply", "on_status_change", "on_at_risk"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, help_text) in PREFERENCE_LABELS.items():
            self.fields[name].label = label
            self.fields[name].help_text = help_text
        if not user.is_staff:
            del self.fields["on_at_risk"]

    def get_layout(self) -> Layout:
        return Layout(Section("Email me when…", *self.fields, legend_class="h6"))
