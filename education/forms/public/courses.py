"""The catalogue's filters (a GET form: search, market role, format, level)."""

from __future__ import annotations

from django import forms

from accounts.models import MarketRole

from ...models import CourseFormat, CourseLevel


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label="Search courses",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control", "placeholder": "e.g. switch hold"}),
    )
    role = forms.ChoiceField(
        label="Market role",
        required=False,
        choices=[("", "Every role"), *MarketRole.Code.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    format = forms.ChoiceField(
        required=False,
        choices=[("", "Every format"), *CourseFormat.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    level = forms.ChoiceField(
        required=False,
        choices=[("", "Every level"), *CourseLevel.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
