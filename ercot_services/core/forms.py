"""How every form is drawn: a crispy-forms ``FormHelper`` layout, inside a ``<form>`` tag the template writes.

A form mixes in ``LayoutMixin`` and, when its fields need more than one column, sets a ``layout`` (or returns one
from ``get_layout()`` when it depends on the form) (``grid``, ``Section``, ``Partial`` and ``ShownIf`` below, and crispy's own ``HTML``, ``Div`` …; the
default is every field in order). Its template then reads the same way everywhere::

    {% include "includes/form_errors.html" %}
    <form method="post" action="…" novalidate>{% csrf_token %}
      {% crispy form %}
      <button class="btn btn-primary" type="submit">…</button>
    </form>

The template keeps the ``<form>`` tag (its action, CSRF token and htmx attributes depend on the page) and the buttons
(a button that sits in a row of fields is a ``StrictButton`` of the layout); the error summary (``includes/form_errors.html``) is the one place non-field errors show, so the helper's template
leaves crispy's own non-field error box out.
"""

from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, LayoutObject, Row
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.forms.utils import pretty_name
from django.template import Template
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.safestring import SafeString


class FieldsHelper(FormHelper):
    """The fields of a form as its layout places them, without a ``<form>`` tag, a CSRF token or buttons."""

    form_tag = False
    disable_csrf = True
    error_text_inline = False  # each field error a paragraph under the field, as crispy's |as_crispy_field draws it
    template = "includes/crispy_fields.html"


_DEFAULT_REQUIRED = forms.Field.default_error_messages["required"]
_POSSESSIVE_OR_ARTICLE = {"your", "the", "a", "an", "its", "this", "their"}


def _label_phrase(label: str) -> str:
    """A field's label as words inside a sentence: "Disputed amount (USD)" -> "disputed amount"; a term in Title Case
    ("Operating Day") or one starting with an acronym ("QSE name") keeps its capitals."""
    phrase = re.sub(r"\s*\([^)]*\)", "", label).strip().rstrip(":").strip()
    words = phrase.split()
    title_case = len(words) > 1 and all(word[:1].isupper() for word in words if len(word) > 2)
    if words and not title_case and not words[0].isupper():
        phrase = phrase[:1].lower() + phrase[1:]
    return phrase


def required_message(field: forms.Field, name: str) -> str:
    """What to say when a required field is left empty, worded from its label and what kind of input it is:
    "Enter the Operating Day", "Choose a statement type", "Choose a file for the signed agreement"."""
    label = str(field.label if field.label is not None else pretty_name(name))
    if label.rstrip().endswith("?"):
        return f"Answer “{label.strip()}”."
    phrase = _label_phrase(label)
    bare = phrase.split()[0].lower() in _POSSESSIVE_OR_ARTICLE if phrase else False
    if isinstance(field, forms.BooleanField):
        return f"Tick “{label.strip()}” to go on."
    if isinstance(field, forms.FileField):
        return f"Choose a file for {phrase if bare else 'the ' + phrase}."
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return f"Choose at least one: {phrase}."
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        article = "" if bare else ("an " if phrase[:1].lower() in "aeiou" else "a ")
        return f"Choose {article}{phrase}."
    return f"Enter {phrase if bare else 'the ' + phrase}."


class SpecificRequiredMessagesMixin:
    """Every required field that still says Django's "This field is required." says instead what to do, worded
    from its label (``required_message``). A field's own ``error_messages["required"]`` is kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.required and field.error_messages.get("required") == _DEFAULT_REQUIRED:
                field.error_messages = {**field.error_messages, "required": required_message(field, name)}


class LayoutMixin(SpecificRequiredMessagesMixin):
    """A form drawn by ``{% crispy form %}``: a fixed ``layout``, or ``get_layout()`` when it depends on the form.

    A fixed layout is shared by every form of the class, which crispy draws without changing it; a ``StrictButton``
    renders its content into itself, so a layout holding one is built by ``get_layout()``. Its required fields say
    what to enter when left empty (``SpecificRequiredMessagesMixin``).
    """

    layout: Layout | None = None

    def get_layout(self) -> Layout:
        return self.layout or Layout(*self.fields)

    @cached_property
    def helper(self) -> FormHelper:
        helper = FieldsHelper()
        helper.layout = self.get_layout()
        return helper


def grid(*cells, gutter: str = "g-3") -> Row:
    """A Bootstrap row of columns: each cell ``(width, field, …)``, its width in twelfths from the md breakpoint up
    (full width below), or a ``Column`` of its own (another breakpoint, an id). ``grid((7, "title"), (5, "kind"))``."""
    columns = [
        cell if isinstance(cell, LayoutObject) else Column(*cell[1:], css_class=f"col-md-{cell[0]}") for cell in cells
    ]
    return Row(*columns, css_class=gutter)


class Section(Fieldset):
    """A fieldset whose legend reads as a section heading (``legend_class``, ``h5`` unless told)."""

    template = "includes/crispy_section.html"

    def __init__(self, legend, *fields, legend_class: str = "h5", **kwargs):
        super().__init__(legend, *fields, **kwargs)
        self.legend_class = legend_class


class Partial(LayoutObject):
    """Markup of a template placed among the fields, rendered with the page's context and the form as ``form``.

    For what a widget cannot draw: the requester picker grouped by MP, the attendee checkboxes grouped by side, the
    rating buttons, the change types with their help. Text without logic goes in crispy's ``HTML`` instead.
    """

    def __init__(self, template_name: str):
        self.template_name = template_name
        self.fields = []

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        return render_to_string(self.template_name, {**context.flatten(), "form": form})


class ShownIf(LayoutObject):
    """Fields drawn only when a condition of the page holds, in ``{% if %}`` syntax (``"not meeting.minutes_shared_at"``)."""

    def __init__(self, condition: str, *fields):
        self.condition = Template(f"{{% if {condition} %}}shown{{% endif %}}")
        self.fields = list(fields)

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        if not self.condition.render(context):
            return SafeString("")
        return self.get_rendered_fields(form, context, template_pack, **kwargs)


def _model_choices(field, rows) -> list[tuple]:
    """What a model choice field would offer for ``rows``: its empty (and django-filter's null) choice first."""
    choices = [("", field.empty_label)] if field.empty_label is not None else []
    if getattr(field, "null_label", None) is not None:
        choices.append((field.null_value, field.null_label))
    return choices + [(field.prepare_value(row), field.label_from_instance(row)) for row in rows]


def load_choices(*forms) -> None:
    """Read every model choice of ``forms`` now, so rendering them runs no query (a page whose templates must not
    query calls this in its view). A widget that draws only the chosen rows (``load_chosen``, the MP picker) reads
    just those; any other model choice widget gets its options as a list. The field still validates against its queryset."""
    read: dict[str, list] = {}  # two fields offering the same rows (staff users) share one query
    for form in forms:
        if form is None:
            continue
        for name, field in form.fields.items():
            if not hasattr(field, "queryset"):
                continue
            widget = field.widget
            if hasattr(widget, "load_chosen"):
                widget.load_chosen(form[name].value())
                continue
            key = str(field.queryset.query)
            if key not in read:
                read[key] = [row for row in field.queryset]
            widget.choices = _model_choices(field, read[key])
