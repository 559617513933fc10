"""The portal's forms of the dispute decision loop (``cases.services.decisions``): accept, or reject with a reason."""

from __future__ import annotations

from crispy_forms.layout import Layout
from django import forms

from ercot_services.core.forms import LayoutMixin
from ercot_services.core.text_limits import MESSAGE_TEXT

from . import AttachmentsMixin


class AcceptDecisionForm(LayoutMixin, forms.Form):
    """Nothing to fill in: the page says what accepting means, the button confirms it."""

    layout = Layout()


class RejectDecisionForm(LayoutMixin, AttachmentsMixin, forms.Form):
    reason = forms.CharField(
        label="Why do you reject the decision?",
        max_length=MESSAGE_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say why you reject the decision."},
        help_text="Client Services reads this with the dispute; add supporting files below if you have them.",
    )
    layout = Layout("reason", "attachments")
