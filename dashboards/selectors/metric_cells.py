"""The cells and tables of the metrics page: what is shown, where it links, and what goes in the CSV."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ercot_services.core.metrics import HOUR


@dataclass
class Cell:
    value: object
    display: str | None = None
    url: str = ""
    numeric: bool = False

    def __str__(self):
        return self.display if self.display is not None else ("" if self.value is None else str(self.value))


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    footer: list[Cell] | None = None
    note: str = ""
    empty: str = "Nothing in this range."
    csv_columns: list[str] | None = None  # the header with units, when the page's header leaves them to the cells

    def csv_rows(self):
        yield self.csv_columns or self.columns
        for row in self.rows + ([self.footer] if self.footer else []):
            yield [_csv_value(cell.value) for cell in row]


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return value


def num(value, url: str = "") -> Cell:
    return Cell(value=value, display=f"{value:,}" if isinstance(value, int) else None, url=url, numeric=True)


def hours(seconds, approximate: bool = False) -> Cell:
    """Business hours; ``approximate``: a percentile read from a histogram, shown with "≈" (see the page's notes)."""
    if seconds is None:
        return Cell(value=None, display="—", numeric=True)
    value = seconds / HOUR
    return Cell(value=round(value, 2), display=f"{'≈ ' if approximate else ''}{value:.1f} h", numeric=True)


def days(value: float | None) -> Cell:
    if value is None:
        return Cell(value=None, display="—", numeric=True)
    return Cell(value=round(value, 2), display=f"{value:.1f} d", numeric=True)


def percent(part: int, whole: int, url: str = "") -> Cell:
    if not whole:
        return Cell(value=None, display="—", numeric=True)
    value = 100 * part / whole
    return Cell(value=round(value, 1), display=f"{value:.0f}% ({part}/{whole})", url=url, numeric=True)


def money(value) -> Cell:
    value = Decimal(value or 0).quantize(Decimal("0.01"))
    return Cell(value=value, display=f"${value:,.2f}", numeric=True)
