"""``manage.py load_market_rules [path]``: load Protocol and Guide sections and revision requests from CSV or JSON
(the shipped sample when no path is given). CSV columns: type (section|revision), document, number, title, url,
kind, status, submitted_on, status_changed_on, sections (``document:number`` joined by ``|``)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from education.services.rules_import import SAMPLE, market_rules_load


class Command(BaseCommand):
    help = "Load market rule sections and revision requests from a CSV or JSON file (default: the sample)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(SAMPLE))

    def handle(self, *args, path, **options):
        file = Path(path)
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        try:
            sections, revisions = market_rules_load(path=file)
        except (KeyError, ValueError) as error:
            raise CommandError(f"{file} is not a market rules file: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Loaded {sections} sections and {revisions} revision requests."))
