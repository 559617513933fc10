"""``manage.py backup``: the database (pg_dump, custom format) and the private uploads into one folder (core.backup)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ercot_services.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the PostgreSQL database and the private uploads into a new timestamped folder with a manifest."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir", type=Path, default=None, help="Where the backup folder is made (default: BACKUP_DIR)."
        )

    def handle(self, *args, output_dir=None, **options):
        try:
            folder, manifest = backup(
                database=settings.DATABASES["default"],
                uploads_root=Path(settings.PRIVATE_MEDIA_ROOT),
                output_dir=output_dir or Path(settings.BACKUP_DIR),
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = manifest["database"]["tables"]
        self.stdout.write(
            f"{len(tables)} tables ({sum(tables.values())} rows) and {len(manifest['uploads'])} uploaded files "
            f"backed up to:"
        )
        self.stdout.write(str(folder))
