"""Forms of the portal's plan pages: completing an action item and giving performance feedback.

Forms only validate; the views hand the cleaned data to ``plans.services`` (``action_item_transition``,
``feedback_record``).
"""

from __future__ import annotations

import uuid

from crispy_forms.layout import Layout
from django import forms
from django.utils import timezone

from ercot_services.core.forms import LayoutMixin, Partial

# What each point of the scale means, shown next to the radio buttons.
RATING_LABELS = {
    1: "Very poor",
    2: "Poor",
    3: "Okay",
    4: "Good",
    5: "Excellent",
}
RATING_CHOICES = [(value, f"{value} – {label}") for value, label in RATING_LABELS.items()]


class ActionItemCompleteForm(forms.Form):
    note = forms.CharField(
        label="Note for your Account Manager (optional)",
        required=False,
        max_length=2000,
        widget=forms.TextInput(
            attrs={"placeholder": "Optional note, for example what was done", "autocomplete": "off"}
        ),
    )


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, meeting):
        starts = timezone.localtime(meeting.starts_at)
        return f"{meeting.title} ({starts:%b} {starts.day}, {starts:%Y})"


class FeedbackForm(LayoutMixin, forms.Form):
    """ "How are we doing?": a 1–5 rating, comments, and optionally the meeting it is about.

    ``token`` is a one-time key of this rendering of the form: the view accepts each token once, so a double
    submit (or a resubmit from the browser history) records the feedback only once.
    """

    rating = forms.TypedChoiceField(
        label="How well is ERCOT Client Services meeting your needs?",
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating from 1 (very poor) to 5 (excellent)."},
    )
    comments = forms.CharField(
        label="Comments (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What went well, what could be better. Your Account Manager reads every comment.",
    )
    meeting = MeetingChoiceField(
        label="Is this about a meeting? (optional)",
        queryset=None,
        required=False,
        empty_label="Not about a particular meeting",
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, meetings, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("token", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings

    def get_layout(self) -> Layout:
        return Layout("token", Partial("portal/plan/_rating_buttons.html"), "comments", "meeting")

    def clean_comments(self):
        return self.cleaned_data["comments"].strip()
