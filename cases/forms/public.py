"""Public forms (no sign-in): the satisfaction survey's one question (1–5, radio buttons with their labels) and
a comment."""

from __future__ import annotations

from django import forms

from ercot_services.core.forms import LayoutMixin

from ..models import SurveyScore
from ..models.surveys import SURVEY_COMMENT_TEXT


class SurveyForm(LayoutMixin, forms.Form):
    score = forms.TypedChoiceField(
        choices=SurveyScore.choices, coerce=int, widget=forms.RadioSelect, label="How satisfied are you?"
    )
    comment = forms.CharField(
        label="Anything you would like to tell us? (optional)",
        required=False,
        max_length=SURVEY_COMMENT_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, reference: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].label = f"How satisfied are you with how we handled {reference}?"
        self.fields["score"].error_messages["required"] = "Choose how satisfied you are, from 1 to 5."
