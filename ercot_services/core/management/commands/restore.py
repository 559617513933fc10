"""``manage.py restore FOLDER``: a backup into an empty database and uploads folder, verified (core.backup)."""

from pathlib import Path

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ercot_services.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder into an empty database and an empty uploads folder, then check every table's row "
        "count and every file's checksum against its manifest. Never overwrites: a database with tables or an "
        "uploads folder with files is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="A folder made by manage.py backup.")
        parser.add_argument(
            "--database-url", default=None, help="The database to restore into (default: the configured DATABASE_URL)."
        )
        parser.add_argument(
            "--uploads-dir", type=Path, default=None, help="Where the uploads go (default: PRIVATE_MEDIA_ROOT)."
        )
        parser.add_argument("--create", action="store_true", help="Create the database first if it does not exist.")

    def handle(self, *args, folder, database_url=None, uploads_dir=None, create=False, **options):
        database = environ.Env.db_url_config(database_url) if database_url else settings.DATABASES["default"]
        uploads_root = uploads_dir or Path(settings.PRIVATE_MEDIA_ROOT)
        try:
            manifest = restore(folder, database=database, uploads_root=uploads_root, create=create)
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = manifest["database"]["tables"]
        self.stdout.write(
            f"Restored {folder} into database {database['NAME']} and {uploads_root}: {len(tables)} tables "
            f"({sum(tables.values())} rows) and {len(manifest['uploads'])} files match the manifest."
        )
