"""Figures and tables of bench/dashboards.py: three significant digits, the median of the rounds, the verdicts.

Pure functions on plain data (no Django, no server), so that tests/bench can check them and the sweep's parent
process can print the tables of the sizes its children measured.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

#: The issue's targets (issue 14): every page at least this share of the rendered 404's req/s ...
TARGET_RATIO_404 = 0.30
#: ... a p95 under this many milliseconds at 8 connections ...
TARGET_P95_MS = 250.0
#: ... at most this many queries ...
TARGET_QUERIES = 15
#: ... and the signed-in no-op at least this share of the anonymous no-op.
TARGET_SIGNED_IN_NOOP = 0.5


def sig3(value: float | None) -> str:
    """``value`` with three significant digits and thousands separators: 0.0132, 41.7, 1,760, 17,600."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if value == 0:
        return "0"
    decimals = 2 - math.floor(math.log10(abs(value)))
    rounded = round(value, decimals)
    if rounded != 0 and math.floor(math.log10(abs(rounded))) != math.floor(math.log10(abs(value))):
        decimals -= 1  # 9.996 rounds up to 10.0: one decimal fewer keeps three digits
        rounded = round(value, decimals)
    if decimals <= 0:
        return f"{round(rounded):,}"
    return f"{rounded:,.{decimals}f}"


def median(values: list[float]) -> float:
    """The median of the rounds (the mean of the middle two for an even count)."""
    if not values:
        raise ValueError("median of no rounds")
    return statistics.median(values)


def size_label(cases: int) -> str:
    """A short name for a case count, used in database names and headings: 20000 → 20k, 1500 → 1500."""
    return f"{cases // 1000}k" if cases >= 1000 and cases % 1000 == 0 else str(cases)


@dataclass
class Row:
    """One page of one size: the median of its rounds and what was measured in process."""

    label: str
    kind: str  # "page", "noop" (the signed-in no-op, judged against the anonymous one), "reference", "baseline"
    rates: list[float]  # req/s per round
    ratios_404: list[float]  # req/s / the rendered 404's req/s around it, per round
    ratios_trivial: list[float]  # req/s / the trivial view's req/s around it, per round
    p50s: list[float]  # ms per round
    p95s: list[float]
    queries: int | None = None
    kib: float | None = None
    error: str = ""

    @property
    def rate(self) -> float:
        return median(self.rates)

    @property
    def ratio_404(self) -> float:
        return median(self.ratios_404)

    @property
    def ratio_trivial(self) -> float:
        return median(self.ratios_trivial)

    @property
    def p50(self) -> float:
        return median(self.p50s)

    @property
    def p95(self) -> float:
        return median(self.p95s)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def verdict(row: Row) -> str:
    """PASS, or MISS with the targets missed; the references are not judged."""
    if row.error:
        return "ERROR"
    if row.kind == "noop":
        good = row.ratio_trivial >= TARGET_SIGNED_IN_NOOP
        return "PASS" if good else f"MISS ×trivial < {TARGET_SIGNED_IN_NOOP}"
    if row.kind != "page":
        return "reference"
    missed = []
    if row.ratio_404 < TARGET_RATIO_404:
        missed.append(f"×404 < {TARGET_RATIO_404}")
    if row.p95 >= TARGET_P95_MS:
        missed.append(f"p95 ≥ {TARGET_P95_MS:g}")
    if row.queries is not None and row.queries > TARGET_QUERIES:
        missed.append(f"queries > {TARGET_QUERIES}")
    return "PASS" if not missed else "MISS " + ", ".join(missed)


def spread(values: list[float]) -> str:
    """The rounds' min–max, so the reader sees the noise behind a median."""
    return f"{sig3(min(values))}–{sig3(max(values))}" if values else ""


COLUMNS = [("page", 40), ("req/s", 7), ("×404", 7), ("×404 rounds", 13), ("×trivial", 8)]
COLUMNS += [("p50 ms", 7), ("p95 ms", 7), ("queries", 7), ("KiB", 6)]


def table(rows: list[Row]) -> list[str]:
    """The table of one size: page | req/s | ×404 (and its rounds' spread) | ×trivial | p50 | p95 | queries | KiB |
    verdict, each figure the median of the rounds with three significant digits."""
    header = " ".join(name.ljust(width) if i == 0 else name.rjust(width) for i, (name, width) in enumerate(COLUMNS))
    lines = [header + "  verdict", "-" * (len(header) + 30)]
    for row in rows:
        if row.error:
            lines.append(f"{row.label:<40} ERROR: {row.error.splitlines()[0] if row.error else ''}")
            continue
        cells = [
            sig3(row.rate),
            sig3(row.ratio_404),
            spread(row.ratios_404),
            sig3(row.ratio_trivial),
            sig3(row.p50),
            sig3(row.p95),
            "" if row.queries is None else str(row.queries),
            "" if row.kib is None else sig3(row.kib),
        ]
        figures = " ".join(cell.rjust(width) for cell, (_, width) in zip(cells, COLUMNS[1:], strict=True))
        lines.append(f"{row.label:<40} {figures}  {verdict(row)}")
    return lines


def growth_table(sizes: list[int], rows_by_size: dict[int, list[Row]]) -> list[str]:
    """How each page's cost grows with the case count, against the first size: cost = 1 / req/s (the time a
    request takes of the server's capacity), the same cost counted in rendered 404s (1 / ×404: it cancels a change
    of the machine's load between the sizes' runs, which moves the 404 as much as the page) and p50; queries and
    KiB side by side. Flat is 1.00."""
    first, others = sizes[0], sizes[1:]
    heads = []
    for size in others:
        name = f"{size_label(size)}/{size_label(first)}"
        heads += [f"1/req/s {name}", f"in 404s {name}", f"p50 {name}"]
    header = f"{'page':<40} " + " ".join(h.rjust(16) for h in heads) + f"  {'queries':>14}  {'KiB':>16}"
    lines = [header, "-" * len(header)]
    by_label = {size: {row.label: row for row in rows_by_size[size]} for size in sizes}
    for row in rows_by_size[first]:
        cells = []
        later = [by_label[size].get(row.label) for size in others]
        for other in later:
            if row.error or other is None or other.error:
                cells += ["", "", ""]
            else:
                cells += [
                    sig3(row.rate / other.rate),
                    sig3(row.ratio_404 / other.ratio_404),
                    sig3(other.p50 / row.p50),
                ]
        chain = [row, *later]
        queries = " → ".join("?" if r is None or r.queries is None else str(r.queries) for r in chain)
        kib = " → ".join("?" if r is None or r.kib is None else sig3(r.kib) for r in chain)
        lines.append(f"{row.label:<40} " + " ".join(c.rjust(16) for c in cells) + f"  {queries:>14}  {kib:>16}")
    return lines
