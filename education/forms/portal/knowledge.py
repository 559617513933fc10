"""Portal forms of the education app: "This answered my question" on the inquiry form's suggestions."""

from __future__ import annotations

from django import forms

from cases.models import CaseCategory


class AnsweredForm(forms.Form):
    """What the inquiry form posts when an MP says a suggested article answered: the article, and the inquiry's
    subject and category as typed so far (for the metrics)."""

    answered = forms.IntegerField(min_value=1)
    subject = forms.CharField(required=False, max_length=200)
    category = forms.ModelChoiceField(queryset=CaseCategory.objects.all(), required=False)
