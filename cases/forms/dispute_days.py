"""Forms of multi-day disputes: the Operating Days typed one per line in the portal, and staff deciding each day."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from crispy_forms.layout import HTML, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape

from ercot_services.core.forms import LayoutMixin, grid
from ercot_services.core.text_limits import MESSAGE_TEXT

from ..models import DayOutcome, DisputeDay
from ..services import DisputeDayInput
from ..services.dispute_day_outcomes import DayDecision
from ..services.dispute_days import derived_outcome

DAY_LINE = re.compile(r"^\s*(?P<day>[^,;\t ]+)\s*[,;\t ]\s*\$?\s*(?P<amount>[^\s]*)\s*$")


def parse_day_lines(text: str, *, today: datetime.date) -> tuple[list[DisputeDayInput], list[str]]:
    """``YYYY-MM-DD, amount`` per line (blank lines ignored) → the days, and one message per wrong line."""
    days, errors, seen = [], [], set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = DAY_LINE.match(line)
        if match is None:
            errors.append(f"Line {number}: write the Operating Day and its amount, as 2026-03-01, 1250.00.")
            continue
        try:
            day = datetime.date.fromisoformat(match["day"])
        except ValueError:
            errors.append(f"Line {number}: “{match['day']}” is not a date; write it as YYYY-MM-DD.")
            continue
        try:
            amount = Decimal(match["amount"].replace(",", ""))
        except InvalidOperation:
            errors.append(f"Line {number}: give the amount disputed for {day:%b %d, %Y}, as 1250.00.")
            continue
        if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            errors.append(f"Line {number}: the amount for {day:%b %d, %Y} must be greater than zero, in cents.")
            continue
        if day > today:
            errors.append(f"Line {number}: the Operating Day {day:%b %d, %Y} is in the future.")
            continue
        if day in seen:
            errors.append(f"Line {number}: {day:%b %d, %Y} is already listed.")
            continue
        seen.add(day)
        days.append(DisputeDayInput(operating_day=day, disputed_amount=amount))
    return days, errors


class DayLinesField(forms.CharField):
    """A textarea of Operating Days, one ``date, amount`` per line; cleans to a list of ``DisputeDayInput``."""

    widget = forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"})

    def clean(self, value):
        text = super().clean(value)
        days, errors = parse_day_lines(text, today=timezone.localdate())
        if errors:
            raise ValidationError(errors)
        return days


# --- staff: decide each day ------------------------------------------------------------------------------------


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
