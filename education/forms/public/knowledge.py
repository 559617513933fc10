"""Public forms of the education app: searching the knowledge base and the market rules, "Was this helpful?"."""

from __future__ import annotations

from django import forms

from cases.models import CaseCategory
from ercot_services.core.forms import LayoutMixin
from ercot_services.core.text_limits import NOTE_TEXT

from ...models import RevisionStatus, RuleDocument


class KnowledgeSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search the knowledge base")
    category = forms.ModelChoiceField(
        queryset=CaseCategory.objects.filter(is_active=True), required=False, empty_label="All topics", label="Topic"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"class": "form-control", "type": "search"})
        self.fields["category"].widget.attrs.update({"class": "form-select"})


class RulesSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search sections and revision requests")
    document = forms.ChoiceField(
        choices=[("", "All documents"), *RuleDocument.choices], required=False, label="Document"
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *RevisionStatus.choices], required=False, label="Revision request status"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"class": "form-control", "type": "search"})
        self.fields["document"].widget.attrs.update({"class": "form-select"})
        self.fields["status"].widget.attrs.update({"class": "form-select"})


class ArticleVoteForm(LayoutMixin, forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        label="Was this helpful?",
    )
    comment = forms.CharField(
        required=False,
        max_length=NOTE_TEXT,
        label="What was missing or unclear? (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
