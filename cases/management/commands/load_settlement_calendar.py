"""``manage.py load_settlement_calendar FILE.csv`` or ``--generate --from YYYY-MM-DD --to YYYY-MM-DD``: load the
settlement calendar (README "Deadline radar").

A CSV has the header ``operating_day,statement_type,statement_date`` (ISO dates; the statement type as its code
``initial``, ``final``, ``true_up``, ``dam``, ``invoice`` or its label); ``cases/data/settlement_calendar_sample.csv``
is an example. ``--generate`` makes the rows of those Operating Days from the usual statement rules
(``cases.services.settlement_calendar.STATEMENT_RULES``) and the Business-Day calendar. Loading creates the rows
that are new and updates the statement dates that changed; a file with a bad line loads nothing.
"""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.services.settlement_calendar import (
    settlement_calendar_generate,
    settlement_calendar_load,
    settlement_calendar_parse,
)
from ercot_services.core.models import DomainError


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = "Load the settlement calendar from a CSV file, or generate it for a range of Operating Days."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="The CSV file (operating_day,statement_type,statement_date).")
        parser.add_argument("--generate", action="store_true", help="Generate the rows from the statement rules.")
        parser.add_argument("--from", dest="first_day", help="First Operating Day to generate (YYYY-MM-DD).")
        parser.add_argument("--to", dest="last_day", help="Last Operating Day to generate (YYYY-MM-DD).")

    def handle(self, *args, path=None, generate=False, first_day=None, last_day=None, **options):
        if generate == bool(path):
            raise CommandError("Give either a CSV file or --generate --from ... --to ....")
        if generate:
            if not (first_day and last_day):
                raise CommandError("--generate needs --from and --to.")
            first, last = _date(first_day), _date(last_day)
            if last < first:
                raise CommandError("--to is before --from.")
            rows = settlement_calendar_generate(first_day=first, last_day=last)
            source = f"generated for Operating Days {first} to {last}"
        else:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Cannot read {path}: {error}") from None
            source = f"loaded from {Path(path).name}"
            try:
                rows = settlement_calendar_parse(text)
            except DomainError as error:
                raise CommandError(str(error)) from None
        try:
            result = settlement_calendar_load(actor=None, rows=rows, source=source)
        except DomainError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Settlement calendar {source}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
