"""How every form is drawn: a crispy-forms ``FormHelper`` layout, inside a ``<form>`` tag the template writes.

A form mixes in ``LayoutMixin`` and, when its fields need more than one column, returns a ``Layout`` from
``get_layout()`` (``Row``, ``Column``, ``Section``, ``HTML`` …; the default is every field in order). Its template
then reads the same way everywhere::

    {% include "includes/form_errors.html" %}
    <form method="post" action="…" novalidate>{% csrf_token %}
      {% crispy form %}
      <button class="btn btn-primary" type="submit">…</button>
    </form>

The template keeps the ``<form>`` tag (its action, CSRF token and htmx attributes depend on the page) and the buttons;
the error summary (``includes/form_errors.html``) is the one place non-field errors show, so the helper's template
leaves crispy's own non-field error box out.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django.utils.functional import cached_property


class FieldsHelper(FormHelper):
    """The fields of a form as its layout places them, without a ``<form>`` tag, a CSRF token or buttons."""

    form_tag = False
    disable_csrf = True
    template = "includes/crispy_fields.html"


class LayoutMixin:
    """A form drawn by ``{% crispy form %}`` with the layout of ``get_layout()``."""

    def get_layout(self) -> Layout:
        return Layout(*self.fields)

    @cached_property
    def helper(self) -> FormHelper:
        helper = FieldsHelper()
        helper.layout = self.get_layout()
        return helper


class Section(Fieldset):
    """A fieldset whose legend reads as a section heading (``legend_class``, ``h5`` unless told)."""

    template = "includes/crispy_section.html"

    def __init__(self, legend, *fields, legend_class: str = "h5", **kwargs):
        super().__init__(legend, *fields, **kwargs)
        self.legend_class = legend_class
