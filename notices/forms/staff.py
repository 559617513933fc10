"""Workspace forms for market notices: the draft (in the template's order) and the page's actions."""

from __future__ import annotations

from crispy_forms.bootstrap import FieldWithButtons, InlineCheckboxes, InlineRadios, StrictButton
from crispy_forms.layout import Layout
from django import forms
from django.urls import reverse
from django.utils import timezone

from accounts.models import MarketRole
from ercot_services.core.forms import LayoutMixin
from ercot_services.core.text_limits import LONG_TEXT, NOTE_TEXT

from ..models import DistributionList, NoticeStatus, NoticeType, Scope

FIELD_ORDER = [
    "notice_type",
    "scope",
    "audience",
    "short_description",
    "days_affected",
    "long_description",
    "action_required",
    "additional_information",
    "contact",
    "lists",
]


class NoticeDraftForm(LayoutMixin, forms.Form):
    notice_type = forms.ModelChoiceField(NoticeType.objects.all(), label="Notice type", empty_label="Choose a type…")
    scope = forms.ChoiceField(choices=Scope.choices, initial=Scope.MARKET, widget=forms.RadioSelect)
    audience = forms.ModelMultipleChoiceField(
        MarketRole.objects.all(),
        to_field_name="code",
        required=False,
        label="Intended audience",
        widget=forms.CheckboxSelectMultiple,
        help_text="Market roles this notice is for. Leave empty for all Market Participants.",
    )
    short_description = forms.CharField(max_length=255, label="Short description")
    days_affected = forms.CharField(
        max_length=255,
        required=False,
        label="Day(s) affected",
        help_text="Dates and ranges, as written: April 23, 2024.",
    )
    long_description = forms.CharField(
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 10}),
        label="Long description",
        help_text="Markdown. Notice IDs such as W-A042224-01 become links.",
    )
    action_required = forms.CharField(
        max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Action required"
    )
    additional_information = forms.CharField(
        max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Additional information"
    )
    contact = forms.CharField(max_length=NOTE_TEXT, widget=forms.Textarea(attrs={"rows": 3}), required=False)
    lists = forms.ModelMultipleChoiceField(
        DistributionList.objects.all(),
        required=False,
        label="Distribution lists",
        widget=forms.CheckboxSelectMultiple,
        help_text="Lists routed by the notice type are added automatically.",
    )
    # The notice template's order; the scope and audience choices side by side.
    layout = Layout("notice_type", InlineRadios("scope"), InlineCheckboxes("audience"), *FIELD_ORDER[3:])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lists"].label_from_instance = lambda dl: (
            f"{dl.name} — {dl.description}" if dl.description else dl.name
        )
        self.fields["audience"].label_from_instance = lambda role: f"{role.code} ({role.name})"
        self.fields["long_description"].widget.attrs.update(
            {
                "hx-post": reverse("workspace:notice-preview"),
                "hx-trigger": "input changed delay:400ms, load",
                "hx-target": "#preview",
            }
        )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "notice_type": data["notice_type"],
            "scope": data["scope"],
            "short_description": data["short_description"].strip(),
            "days_affected": data["days_affected"].strip(),
            "long_description": data["long_description"].strip(),
            "action_required": data["action_required"].strip(),
            "additional_information": data["additional_information"].strip(),
            "contact": data["contact"].strip(),
            "audience_codes": [role.code for role in data["audience"]],
            "lists": list(data["lists"]),
        }

    @classmethod
    def initial_for(cls, notice) -> dict:
        return {
            "notice_type": notice.notice_type_id,
            "scope": notice.scope,
            "audience": list(notice.audience.all()),
            "short_description": notice.short_description,
            "days_affected": notice.days_affected,
            "long_description": notice.long_description,
            "action_required": notice.action_required,
            "additional_information": notice.additional_information,
            "contact": notice.contact,
            "lists": list(notice.lists.all()),
        }


class ReturnToDraftForm(LayoutMixin, forms.Form):
    reason = forms.CharField(
        max_length=NOTE_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="What needs to change",
    )


class ScheduleForm(LayoutMixin, forms.Form):
    when = forms.DateTimeField(
        label="Publish at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text="Local time (Central).",
    )

    def clean_when(self):
        when = self.cleaned_data["when"]
        if timezone.is_naive(when):
            when = timezone.make_aware(when)
        return when

    def get_layout(self) -> Layout:
        return Layout(
            FieldWithButtons(
                "when",
                StrictButton("Schedule", type="submit", css_class="btn-outline-primary"),
                input_size="input-group-sm",
            )
        )


# What each action needs, and which statuses offer it.
ACTIONS = {
    "submit": {"label": "Submit for review", "statuses": {NoticeStatus.DRAFT}},
    "return": {"label": "Return to draft", "statuses": {NoticeStatus.IN_REVIEW, NoticeStatus.APPROVED}},
    "approve": {"label": "Approve", "statuses": {NoticeStatus.IN_REVIEW}},
    "publish": {"label": "Publish now", "statuses": {NoticeStatus.APPROVED, NoticeStatus.SCHEDULED}},
    "schedule": {"label": "Schedule", "statuses": {NoticeStatus.APPROVED}},
    "update": {"label": "Prepare an update", "statuses": {NoticeStatus.PUBLISHED}},
    "cancel": {"label": "Prepare a cancellation", "statuses": {NoticeStatus.PUBLISHED}},
}


class NoticeFromDisputeForm(LayoutMixin, forms.Form):
    """Nothing to fill in: the draft is pre-filled from the dispute and edited on the next page."""

    layout = Layout()
