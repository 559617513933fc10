"""Reading disputes typed as text: the Operating Days of one dispute typed one per line (``date, amount``), and a
dispute file: the documented CSV template, or rows given as JSON by the API.

A file is checked as an upload first (``core.uploads.check_upload``: size, and text by its content, not its name),
then as UTF-8 text (a spreadsheet's "CSV UTF-8"; a byte-order mark is fine), then its header, then each row's
format with its line number. What the rows mean (deadlines, repeats, days already disputed) is the service's check
(``cases.services.dispute_bulk.dispute_rows_check``).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

import filetype
from django.core.exceptions import ValidationError
from django.utils import timezone

from ercot_services.core.text_limits import MESSAGE_TEXT
from ercot_services.core.uploads import check_upload

from .models import StatementType
from .services.dispute_bulk import DisputeRow, RowError
from .services.dispute_days import DisputeDayInput

TEMPLATE_COLUMNS = [
    "operating_day",
    "statement_type",
    "statement_date",
    "charge_type",
    "disputed_amount",
    "statement_reference",
    "subject",
    "description",
]
REQUIRED_COLUMNS = ["operating_day", "statement_type", "charge_type", "disputed_amount", "statement_reference"]
TEMPLATE_EXAMPLE_ROWS = [
    [
        "2026-03-01",
        "dam",
        "2026-03-03",
        "Day-Ahead Energy Purchase",
        "1250.75",
        "DAM-STMT-0301",
        "",
        "Our DAM award was billed twice.",
    ],
    ["2026-03-02", "dam", "2026-03-04", "Day-Ahead Energy Purchase", "980.50", "DAM-STMT-0301", "", ""],
]
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
CSV_TYPES = {"text/plain": "CSV file (UTF-8 text)"}

_STATEMENT_TYPES = {value: value for value in StatementType.values} | {
    label.casefold(): value for value, label in StatementType.choices
}


def _statement_type(text: str) -> str | None:
    text = text.strip()
    return _STATEMENT_TYPES.get(text) or _STATEMENT_TYPES.get(text.casefold())


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        return None


def parse_row(
    values: Mapping[str, str], *, line: int, today: datetime.date
) -> tuple[DisputeRow | None, list[RowError]]:
    """One row's format: its dates, statement type, amount and the required texts."""
    get = lambda name: str(values.get(name) or "").strip()  # noqa: E731
    errors = []
    for name in REQUIRED_COLUMNS:
        if not get(name):
            errors.append(RowError(line, f"{name} is empty."))
    if errors:
        return None, errors
    operating_day, statement_date = _row_dates(get, line=line, today=today, errors=errors)
    statement_type = _statement_type(get("statement_type"))
    if statement_type is None:
        errors.append(
            RowError(
                line,
                f"statement_type “{get('statement_type')[:30]}” is not one of: {', '.join(StatementType.values)}.",
            )
        )
    try:
        amount = Decimal(get("disputed_amount").replace(",", "").removeprefix("$"))
        if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")) or amount >= 10**12:
            raise InvalidOperation
    except InvalidOperation:
        errors.append(
            RowError(line, f"disputed_amount “{get('disputed_amount')[:20]}” must be an amount above zero, as 1250.75.")
        )
    for name, limit in (
        ("charge_type", 120),
        ("statement_reference", 80),
        ("subject", 200),
        ("description", MESSAGE_TEXT),
    ):
        if len(get(name)) > limit:
            errors.append(RowError(line, f"{name} is longer than {limit} characters."))
    if errors:
        return None, errors
    return (
        DisputeRow(
            line=line,
            operating_day=operating_day,
            statement_type=statement_type,
            statement_date=statement_date,
            charge_type=get("charge_type"),
            disputed_amount=amount,
            statement_reference=get("statement_reference"),
            subject=get("subject"),
            description=get("description"),
        ),
        [],
    )


def _row_dates(get, *, line: int, today: datetime.date, errors: list[RowError]):
    """The row's Operating Day and statement date (``None`` when missing or wrong; the problems go to ``errors``)."""
    operating_day = _date(get("operating_day"))
    if operating_day is None:
        errors.append(RowError(line, f"operating_day “{get('operating_day')[:20]}” is not a date; write YYYY-MM-DD."))
    elif operating_day > today:
        errors.append(RowError(line, f"operating_day {operating_day:%Y-%m-%d} is in the future."))
    statement_date = None
    if get("statement_date"):
        statement_date = _date(get("statement_date"))
        if statement_date is None:
            errors.append(
                RowError(line, f"statement_date “{get('statement_date')[:20]}” is not a date; write YYYY-MM-DD.")
            )
        elif statement_date > today:
            errors.append(RowError(line, f"statement_date {statement_date:%Y-%m-%d} is in the future."))
        elif operating_day and statement_date < operating_day:
            errors.append(RowError(line, "statement_date is before the Operating Day."))
    return operating_day, statement_date


def parse_rows(
    records: Iterable[Mapping[str, str]], *, first_line: int = 2, today: datetime.date | None = None
) -> tuple[list[DisputeRow], list[RowError]]:
    """Rows (a CSV's records after its header, line 2 on; or the API's JSON objects, line 1 on) → rows, errors."""
    today = today or timezone.localdate()
    rows, errors = [], []
    for line, values in enumerate(records, start=first_line):
        if line - first_line >= MAX_ROWS:
            errors.append(RowError(line, f"a file holds at most {MAX_ROWS:,} rows."))
            break
        if not any(str(value or "").strip() for value in values.values()):
            continue
        row, row_errors = parse_row(values, line=line, today=today)
        if row is not None:
            rows.append(row)
        errors.extend(row_errors)
    return rows, errors


def read_dispute_csv(upload) -> tuple[list[DisputeRow], list[RowError]]:
    """The checked upload's rows and format errors; ``ValidationError`` when it is not a usable CSV at all."""
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    try:
        check_upload(upload, max_bytes=MAX_FILE_BYTES, allowed=CSV_TYPES)
    except ValidationError:
        head = content[:8192]
        if head and b"\x00" not in head and filetype.guess(head) is None:
            _decoded(content, upload.name)  # text in another encoding: say so, not "not an accepted type"
        raise
    text = _decoded(content, upload.name)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ValidationError(
            f"“{upload.name}” is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}. "
            "Start from the template: its first line names the columns."
        )
    reader.fieldnames = header
    try:
        return parse_rows(reader)
    except csv.Error as error:
        raise ValidationError(f"“{upload.name}” is not a readable CSV file: {error}.") from error


def _decoded(content: bytes, name: str) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            f"“{name}” is not UTF-8 text (the byte at position {error.start} is not). Save it from your "
            "spreadsheet as “CSV UTF-8 (comma delimited)” and upload it again."
        ) from error


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
