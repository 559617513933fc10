"""The portal dispute form's "More Operating Days": one ``date, amount`` per line (``cases.dispute_input``)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from ...dispute_input import parse_day_lines


class DayLinesField(forms.CharField):
    """A textarea of Operating Days, one ``date, amount`` per line; cleans to a list of ``DisputeDayInput``."""

    widget = forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"})

    def clean(self, value):
        text = super().clean(value)
        days, errors = parse_day_lines(text, today=timezone.localdate())
        if errors:
            raise ValidationError(errors)
        return days
