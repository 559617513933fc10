"""The course of a training improvement (education's catalogue): one field and one rule for every improvement form."""

from __future__ import annotations

from django import forms

from education.models import Course

from .models import ImprovementAction


def course_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Course.objects.published(),
        required=False,
        empty_label="No course",
        help_text="For training: the course the MP's people should take (the plan shows who completed it).",
    )


class TrainingCourseMixin:
    """Adds the ``course`` field (last, unless the form's layout places it); it goes with a training improvement only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"] = course_field()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("course") and cleaned.get("kind") != ImprovementAction.Kind.TRAINING:
            self.add_error("course", "A course goes with a training action only.")
        return cleaned
