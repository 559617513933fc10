"""The one CSV response helper: every cell a spreadsheet would run as a formula is neutralised."""

from __future__ import annotations

import csv
import datetime
import decimal
import io

import pytest

from ercot_services.core.csv import csv_response, safe_cell


@pytest.mark.parametrize("value", ["=cmd|'/Ccalc'!A0@evil.example", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_as_a_formula_is_prefixed_with_a_quote(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["reader@example.org", "", "NOTICE_CREDIT", "a=b", "550 5.1.1 User unknown"])
def test_ordinary_text_is_left_as_it_is(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [-5, decimal.Decimal("-12.50"), -0.25, 3, None, datetime.date(2026, 1, 2)])
def test_numbers_and_other_values_stay_what_they_are(value):
    assert safe_cell(value) == value


def test_csv_response_streams_the_header_and_neutralised_rows():
    rows = [["=1+2@evil.example", -5], ["a@example.org", decimal.Decimal("-1.5")]]
    response = csv_response("report.csv", ["email", "amount"], rows)
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="report.csv"'
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content).decode()
    assert list(csv.reader(io.StringIO(body))) == [
        ["email", "amount"],
        ["'=1+2@evil.example", "-5"],
        ["a@example.org", "-1.5"],
    ]
