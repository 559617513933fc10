"""The arithmetic of bench/dashboards.py's tables: three significant digits, the median of the rounds, the verdicts
against the issue's targets, the growth between sizes, and the command line a sweep hands its children.

The benchmark itself needs a seeded database and a server (``bench/README.md``); these parts are plain functions.
"""

import pytest

from bench.dashboards import without_sweep
from bench.dashboards_load import percentile
from bench.dashboards_report import Row, growth_table, median, sig3, size_label, spread, table, verdict


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.013249, "0.0132"),
        (41.66, "41.7"),
        (1763.4, "1,760"),
        (17_634, "17,600"),
        (1.0, "1.00"),
        (0.3, "0.300"),
        (9.996, "10.0"),
        (0.99951, "1.00"),
        (999.6, "1,000"),
        (123.4, "123"),
        (-2.345, "-2.35"),
        (0, "0"),
        (None, "–"),
    ],
)
def test_sig3_shows_three_significant_digits(value, shown):
    assert sig3(value) == shown


def test_median_of_rounds_ignores_one_outlier():
    assert median([10.0, 200.0, 12.0]) == 12.0
    assert median([1.0, 2.0, 3.0, 4.0]) == 2.5
    with pytest.raises(ValueError):
        median([])


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]  # 1 … 100
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile([7.0], 0.95) == 7.0


def make_row(
    label="page", kind="page", *, rates=(10.0, 12.0, 11.0), ratio_404=(0.4, 0.5, 0.45), p95=(100.0,), queries=9
):
    return Row(
        label,
        kind,
        rates=list(rates),
        ratios_404=list(ratio_404),
        ratios_trivial=[r / 2 for r in ratio_404],
        p50s=[50.0, 60.0, 55.0],
        p95s=list(p95),
        queries=queries,
        kib=12.5,
    )


def test_a_page_passes_when_it_meets_every_target():
    assert verdict(make_row()) == "PASS"


def test_a_page_misses_each_target_it_fails():
    row = make_row(ratio_404=(0.1, 0.35, 0.2), p95=(300.0, 100.0, 260.0), queries=16)
    assert verdict(row) == "MISS ×404 < 0.3, p95 ≥ 250, queries > 15"


def test_the_median_not_the_best_round_decides():
    assert verdict(make_row(ratio_404=(0.9, 0.29, 0.2))) == "MISS ×404 < 0.3"


def test_the_signed_in_noop_is_judged_against_the_anonymous_noop():
    assert verdict(make_row(kind="noop", ratio_404=(1.2, 1.0, 1.1))) == "PASS"  # ×trivial 0.55
    assert verdict(make_row(kind="noop", ratio_404=(0.8, 0.9, 0.7))).startswith("MISS ×trivial")  # ×trivial 0.4


def test_references_are_not_judged_and_errors_say_so():
    assert verdict(make_row(kind="reference", ratio_404=(0.01,) * 3)) == "reference"
    errored = make_row()
    errored.error = "HTTP 500"
    assert verdict(errored) == "ERROR"


def test_table_prints_medians_and_the_rounds_spread():
    line = table([make_row(label="MP 360")])[2]
    assert line.startswith("MP 360")
    assert "0.450" in line and "0.400–0.500" in line and " 11.0 " in line and line.endswith("PASS")
    assert spread([]) == ""


def test_growth_compares_each_size_with_the_first():
    small = [make_row(label="queue", rates=(20.0,), ratio_404=(0.4,)), make_row(label="gone", rates=(5.0,))]
    big = [make_row(label="queue", rates=(5.0,), ratio_404=(0.2,), queries=11)]
    lines = growth_table([20_000, 200_000], {20_000: small, 200_000: big})
    assert "200k/20k" in lines[0]
    queue = next(line for line in lines if line.startswith("queue"))
    assert queue.split()[1:3] == ["4.00", "2.00"]  # 1/req/s grew four times, the cost in rendered 404s twice
    assert "9 → 11" in queue
    gone = next(line for line in lines if line.startswith("gone"))
    assert "9 → ?" in gone  # a page missing at the larger size is shown as unknown, not as flat


def test_size_label_names_the_sweep_databases():
    assert size_label(20_000) == "20k"
    assert size_label(200_000) == "200k"
    assert size_label(1500) == "1500"


def test_a_sweep_child_gets_the_command_line_without_the_sweep():
    argv = ["--sweep", "20000,200000", "--rounds", "3", "--sweep=1,2", "--only", "queue"]
    assert without_sweep(argv) == ["--rounds", "3", "--only", "queue"]
