"""Workspace forms of the education app: writing an article, citing a rule."""

from __future__ import annotations

from crispy_forms.layout import Layout
from django import forms

from cases.models import CaseCategory
from ercot_services.core.forms import LayoutMixin, grid
from ercot_services.core.text_limits import LONG_TEXT, NOTE_TEXT

from ...models import ArticleVisibility, RevisionRequest, RuleSection


class ArticleForm(LayoutMixin, forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(max_length=300, required=False, help_text="One or two sentences shown in lists.")
    category = forms.ModelChoiceField(queryset=CaseCategory.objects.filter(is_active=True), label="Category")
    visibility = forms.ChoiceField(choices=ArticleVisibility.choices, initial=ArticleVisibility.PUBLIC)
    review_by = forms.DateField(
        required=False,
        label="Review by",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Left empty: a year from now.",
    )
    body = forms.CharField(
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 14}),
        label="Article (Markdown)",
        help_text="Headings (##), lists, links and tables. Scripts and HTML attributes are removed.",
    )

    layout = Layout("title", "summary", grid((4, "category"), (4, "visibility"), (4, "review_by")), "body")


class ReturnArticleForm(LayoutMixin, forms.Form):
    reason = forms.CharField(
        max_length=NOTE_TEXT, label="What needs to change", widget=forms.Textarea(attrs={"rows": 2})
    )


class CitationForm(forms.Form):
    """One rule: a section or a revision request (``rule`` is "s<pk>" or "r<pk>"), for a case, notice or article."""

    rule = forms.ChoiceField(label="Rule cited")
    target = forms.ChoiceField(choices=[("case", "case"), ("notice", "notice"), ("article", "article")])
    target_id = forms.IntegerField(min_value=1)
    next = forms.CharField(required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = rule_choices()
        self.fields["rule"].error_messages["required"] = "Choose the section or revision request cited."

    def rule_object(self):
        value = self.cleaned_data["rule"]
        model = RuleSection if value.startswith("s") else RevisionRequest
        return model.objects.filter(pk=int(value[1:])).first()


def rule_choices() -> list[tuple[str, object]]:
    sections = [(f"s{s.pk}", f"{s.get_document_display()} §{s.number} {s.title}") for s in RuleSection.objects.all()]
    revisions = [(f"r{r.pk}", f"{r.label} {r.title}") for r in RevisionRequest.objects.all()]
    return [("", "Choose a rule…"), ("Sections", sections), ("Revision requests", revisions)]
