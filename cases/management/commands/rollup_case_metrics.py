"""``manage.py rollup_case_metrics [--rebuild]``: compute the daily rollups of the case metrics.

Default: the closed days (before today, operator time) that are missing or stale, as the beat task does.
``--rebuild``: every closed day from the first case (after loading cases by other means than the services,
such as COPY)."""

from django.core.management.base import BaseCommand

from cases.services.rollups import case_rollups_refresh


class Command(BaseCommand):
    help = "Compute the daily rollups of the case metrics (missing or stale closed days; --rebuild: all)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Recompute every closed day from the first case.")

    def handle(self, *args, rebuild=False, **options):
        report = case_rollups_refresh(rebuild=rebuild)
        self.stdout.write(f"Rolled up {report.days} day(s): {report.rows} row(s).")
