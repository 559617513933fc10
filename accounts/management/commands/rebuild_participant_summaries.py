"""``manage.py rebuild_participant_summaries [--check]``: recompute every MP's summary row and report drift.

Run it after a bulk load that bypasses the services (the bench seeds with COPY) and on deploy. ``--check`` only
reports: it changes nothing and exits non-zero when any row differs from a fresh computation.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.services import participant_summaries_rebuild


class Command(BaseCommand):
    help = "Recompute the per-participant summaries from the source rows and report the rows that drifted."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Only report drift (exit status 1 when there is some)."
        )

    def handle(self, *args, check: bool = False, **options):
        drift = participant_summaries_rebuild(fix=not check)
        for row in drift:
            self.stdout.write(str(row))
        if check and drift:
            raise CommandError(f"{len(drift)} participant summary row(s) differ from a fresh computation.")
        verb = "differ" if check else "were rebuilt"
        self.stdout.write(self.style.SUCCESS(f"{len(drift)} participant summary row(s) {verb}."))
