"""Staff forms of the dispute decision loop: the ADR record and the market-wide financial effect."""

from __future__ import annotations

from crispy_forms.layout import Layout
from django import forms

from ercot_services.core.forms import LayoutMixin, grid
from ercot_services.core.text_limits import NOTE_TEXT

from ...models import AdrOutcome, DecisionState

DATE_INPUT = forms.DateInput(attrs={"type": "date"})
ADR_STATE_CHOICES = [
    (state.value, state.label)
    for state in (
        DecisionState.ADR_REQUESTED,
        DecisionState.ADR_IN_PROGRESS,
        DecisionState.ADR_CONCLUDED,
        DecisionState.ADR_WITHDRAWN,
    )
]


class AdrForm(LayoutMixin, forms.Form):
    state = forms.ChoiceField(label="ADR status", choices=ADR_STATE_CHOICES)
    requested_on = forms.DateField(label="Requested on", required=False, widget=DATE_INPUT)
    started_on = forms.DateField(label="Started on", required=False, widget=DATE_INPUT)
    concluded_on = forms.DateField(
        label="Concluded on", required=False, widget=DATE_INPUT, help_text="Today when left empty on conclusion."
    )
    outcome = forms.ChoiceField(
        label="Outcome", required=False, choices=[("", "—")] + list(AdrOutcome.choices), help_text="When concluded."
    )
    amount = forms.DecimalField(
        label="Amount ($)", required=False, max_digits=14, decimal_places=2, help_text="When overturned or settled."
    )
    explanation = forms.CharField(
        label="Explanation (the participant sees it)",
        required=False,
        max_length=NOTE_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    layout = Layout(
        grid((6, "state"), (6, "outcome")),
        grid((4, "requested_on"), (4, "started_on"), (4, "concluded_on")),
        "amount",
        "explanation",
    )


class MarketEffectForm(LayoutMixin, forms.Form):
    market_wide_effect = forms.BooleanField(
        label="This decision has a market-wide financial effect",
        required=False,
        help_text="Settlement changes for the market, not only this participant: a market notice may be drafted.",
    )
    layout = Layout("market_wide_effect")
