"""Benchmark: validate a 10,000-row dispute file as the bulk filing does (``read_dispute_csv`` then
``dispute_rows_check``: the windows, the holiday calendar and the days already disputed read once for the file),
against a baseline in the same run: the same rows validated one at a time as the one-dispute path does (the
portal's ``DisputeForm`` bound to the row, then ``dispute_deadline``). It prints the time per row of each and the
ratio. Nothing is filed or written.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ercot \\
    .venv/bin/python bench/bulk_disputes.py --rows 10000 --baseline-rows 1000

It needs a migrated database (the dispute windows are seeded by the migrations); it only reads it. See
bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_csv(rows: int, today: datetime.date) -> bytes:
    """``rows`` valid DAM rows: groups of 25 Operating Days per charge type (one 25-day dispute each)."""
    from cases.dispute_input import TEMPLATE_COLUMNS

    out = io.StringIO()
    out.write(",".join(TEMPLATE_COLUMNS) + "\n")
    for n in range(rows):
        charge, day = divmod(n, 25)
        operating_day = today - datetime.timedelta(days=day + 1)
        out.write(
            f"{operating_day:%Y-%m-%d},dam,{today:%Y-%m-%d},Charge {charge:05d},{100 + n % 900}.25,"
            f"DAM-{charge:05d},,Row {n} is doubled.\n"
        )
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--baseline-rows", type=int, default=1_000, help="Rows validated one at a time (a sample).")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ercot_services.settings.local")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.utils import timezone

    from accounts.models import MarketParticipant
    from cases.dispute_input import read_dispute_csv
    from cases.forms.portal import DisputeForm
    from cases.services import dispute_deadline
    from cases.services.dispute_bulk import dispute_rows_check
    from ercot_services.core.calendar import business_calendar

    today = timezone.localdate()
    content = build_csv(args.rows, today)
    participant = MarketParticipant(pk=-1)  # no disputes: the check reads, finds none, files nothing

    queries = []
    with connection.execute_wrapper(lambda execute, *rest: queries.append(1) or execute(*rest)):
        started = time.perf_counter()
        rows, errors = read_dispute_csv(SimpleUploadedFile("bench.csv", content, content_type="text/csv"))
        errors += dispute_rows_check(participant=participant, rows=rows)
        bulk_seconds = time.perf_counter() - started
    bulk_queries = len(queries)
    if errors:
        raise SystemExit(f"The generated file should be clean: {errors[:3]}")

    sample = rows[: args.baseline_rows]
    queries.clear()
    with connection.execute_wrapper(lambda execute, *rest: queries.append(1) or execute(*rest)):
        started = time.perf_counter()
        for row in sample:
            form = DisputeForm(
                data={
                    "operating_day": row.operating_day.isoformat(),
                    "statement_type": row.statement_type,
                    "statement_date": row.statement_date.isoformat(),
                    "charge_type": row.charge_type,
                    "disputed_amount": str(row.disputed_amount),
                    "statement_reference": row.statement_reference,
                    "description": row.description,
                }
            )
            assert form.is_valid(), form.errors
            dispute_deadline(
                statement_type=row.statement_type,
                operating_day=row.operating_day,
                statement_date=row.statement_date,
                calendar=business_calendar(),
            )
        baseline_seconds = time.perf_counter() - started
    baseline_queries = len(queries)

    bulk_per_row = bulk_seconds / len(rows) * 1e6
    baseline_per_row = baseline_seconds / len(sample) * 1e6
    print(f"rows: {len(rows):,} in the file; baseline sample: {len(sample):,}")
    print(f"bulk validation:      {bulk_seconds:8.3f} s, {bulk_per_row:9.1f} µs/row, {bulk_queries} queries in all")
    print(
        f"one row at a time:    {baseline_seconds:8.3f} s, {baseline_per_row:9.1f} µs/row, "
        f"{baseline_queries / max(len(sample), 1):.1f} queries/row"
    )
    print(f"RATIO (baseline per row / bulk per row): {baseline_per_row / bulk_per_row:.1f}x")


if __name__ == "__main__":
    main()
