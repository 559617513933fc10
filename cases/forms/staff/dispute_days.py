"""Staff deciding a multi-day dispute day by day: each day's outcome and granted amount (``dispute_days_resolve``)."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.layout import HTML, Layout
from django import forms
from django.utils.html import escape

from ercot_services.core.forms import LayoutMixin, grid
from ercot_services.core.text_limits import MESSAGE_TEXT

from ...models import DayOutcome, DisputeDay
from ...services.dispute_day_outcomes import DayDecision
from ...services.dispute_days import derived_outcome


class DisputeDaysResolveForm(LayoutMixin, forms.Form):
    """One outcome (and granted amount) per Operating Day, and the explanation the participant receives."""

    outcome_explanation = forms.CharField(
        max_length=MESSAGE_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Explanation",
        help_text="Sent to the participant with the outcome of each day.",
        error_messages={"required": "Explain the outcome: the participant receives this explanation."},
    )
    reason = forms.CharField(required=False, max_length=1000, label="Note for the timeline (optional)")

    def __init__(self, *args, days: list[DisputeDay], **kwargs):
        super().__init__(*args, **kwargs)
        self.days = days
        for index, day in enumerate(days):
            label = f"{day.operating_day:%b %d, %Y}"
            self.fields[f"outcome_{index}"] = forms.ChoiceField(
                label=f"Outcome for {label}",
                choices=DayOutcome.choices,
                widget=forms.RadioSelect,
                initial=day.outcome or None,
                error_messages={"required": f"Choose Granted or Denied for {label}."},
            )
            self.fields[f"granted_{index}"] = forms.DecimalField(
                label=f"Granted for {label} ($)",
                required=False,
                max_digits=14,
                decimal_places=2,
                min_value=Decimal("0"),
                max_value=day.disputed_amount,
                initial=day.granted_amount,
                help_text=f"Of ${day.disputed_amount:,.2f} disputed; empty grants it all.",
            )

    def get_layout(self) -> Layout:
        rows = []
        for index, day in enumerate(self.days):
            rows.append(HTML(f'<h3 class="h6 mt-2">{escape(f"{day.operating_day:%A, %B %d, %Y}")}</h3>'))
            rows.append(grid((6, f"outcome_{index}"), (6, f"granted_{index}")))
        return Layout(*rows, "outcome_explanation", "reason")

    def decisions(self) -> list[DayDecision]:
        data = self.cleaned_data
        return [
            DayDecision(
                operating_day=day.operating_day,
                outcome=data[f"outcome_{index}"],
                granted_amount=data.get(f"granted_{index}") if data[f"outcome_{index}"] == DayOutcome.GRANTED else None,
            )
            for index, day in enumerate(self.days)
        ]

    def preview(self) -> tuple[str, Decimal]:
        """(the derived outcome, the granted total) of what was chosen, for the confirmation step."""
        chosen = [
            DisputeDay(operating_day=d.operating_day, outcome=d.outcome, disputed_amount=day.disputed_amount)
            for d, day in zip(self.decisions(), self.days, strict=True)
        ]
        total = sum(
            (
                (d.granted_amount if d.granted_amount is not None else day.disputed_amount)
                for d, day in zip(self.decisions(), self.days, strict=True)
                if d.outcome == DayOutcome.GRANTED
            ),
            Decimal("0"),
        )
        return derived_outcome(chosen), total
