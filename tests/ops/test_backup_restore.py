"""manage.py backup and restore: a seeded database and its uploads come back whole, in a new database and folder."""

import hashlib
import json
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from psycopg import sql

from ercot_services.core.backup import DUMP, MANIFEST, UPLOADS, BackupError, backup, restore

POSTGRES = {"ENGINE": "django.db.backends.postgresql", "NAME": "never_connected", "HOST": "127.0.0.1"}


def _params(database: dict, dbname: str) -> dict:
    params = {"host": database["HOST"], "port": database["PORT"], "user": database["USER"], "dbname": dbname}
    params["password"] = database["PASSWORD"]
    return {key: str(value) for key, value in params.items() if value}


def _table_fingerprints(params: dict) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of all its rows' contents, read without the backup module."""
    with psycopg.connect(**params) as conn:
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
        fingerprints = {}
        for (table,) in tables:
            query = sql.SQL("SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t")
            fingerprints[table] = tuple(conn.execute(query.format(sql.Identifier(table))).fetchone())
    return fingerprints


def _files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def new_database():
    """A database name nobody uses, dropped after the test."""
    database = settings.DATABASES["default"]
    name = f"{database['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    yield name
    with psycopg.connect(**_params(database, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_seeded_database_and_its_uploads_are_restored_whole_into_a_new_database(tmp_path, new_database, capsys):
    call_command("seed_demo")
    # An upload with bytes of every value, in a nested folder.
    default_storage.save("cases/2026/07/backup-test-upload", ContentFile(bytes(range(256)) * 64))
    capsys.readouterr()

    call_command("backup", output_dir=tmp_path / "backups")
    folder = Path(capsys.readouterr().out.strip().splitlines()[-1])

    assert folder.parent == tmp_path / "backups"
    assert folder.name.startswith("ercot-")
    assert {path.name for path in folder.iterdir()} == {DUMP, UPLOADS, MANIFEST}
    assert folder.stat().st_mode & 0o077 == 0  # every row is in there: for the owner only
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["database"]["tables"]["public.accounts_marketparticipant"] > 10
    assert {entry["path"] for entry in manifest["uploads"]} >= {"cases/2026/07/backup-test-upload"}

    database = settings.DATABASES["default"]
    source = _table_fingerprints(_params(database, database["NAME"]))
    source_files = _files(Path(settings.PRIVATE_MEDIA_ROOT))
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{new_database}"
    if database["PASSWORD"]:
        url = url.replace("@", f":{database['PASSWORD']}@", 1)

    call_command("restore", str(folder), database_url=url, uploads_dir=tmp_path / "uploads", create=True)

    assert "match the manifest" in capsys.readouterr().out
    restored = _table_fingerprints(_params(database, new_database))
    assert restored == source
    assert sum(count for count, _ in restored.values()) > 1000
    assert _files(tmp_path / "uploads") == source_files
    assert len(source_files) > 1

    # Never over a database with tables, nor into a folder with files.
    with pytest.raises(CommandError, match="already has .* tables"):
        call_command("restore", str(folder), database_url=url, uploads_dir=tmp_path / "other-uploads")


def _fake_backup(folder: Path) -> None:
    """A backup folder whose manifest matches its archives (made without a database)."""
    from ercot_services.core.backup import FORMAT_VERSION, _file_entry

    folder.mkdir()
    (folder / DUMP).write_bytes(b"PGDMP not really")
    (folder / UPLOADS).write_bytes(b"not really a tarball")
    manifest = {"format": FORMAT_VERSION, "dump": _file_entry(folder / DUMP)}
    manifest["uploads_archive"] = _file_entry(folder / UPLOADS)
    (folder / MANIFEST).write_text(json.dumps(manifest))


def test_a_damaged_archive_is_refused_before_anything_is_restored(tmp_path):
    _fake_backup(tmp_path / "backup")
    with open(tmp_path / "backup" / DUMP, "r+b") as dump:
        dump.write(b"X")

    with pytest.raises(BackupError, match="database.dump does not match the manifest"):
        restore(tmp_path / "backup", database=POSTGRES, uploads_root=tmp_path / "uploads")
    assert not (tmp_path / "uploads").exists()


def test_a_folder_without_a_manifest_is_no_backup(tmp_path):
    _fake_backup(tmp_path / "backup")
    (tmp_path / "backup" / MANIFEST).unlink()

    with pytest.raises(BackupError, match="no manifest.json"):
        restore(tmp_path / "backup", database=POSTGRES, uploads_root=tmp_path / "uploads")


def test_backup_needs_postgresql(tmp_path):
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "db.sqlite3")}

    with pytest.raises(BackupError, match="need PostgreSQL"):
        backup(database=sqlite, uploads_root=tmp_path, output_dir=tmp_path / "backups")
    assert not (tmp_path / "backups").exists()


def test_the_restore_command_reports_a_refusal_as_a_command_error(tmp_path):
    _fake_backup(tmp_path / "backup")
    (tmp_path / "backup" / UPLOADS).write_bytes(b"replaced")

    with pytest.raises(CommandError, match="uploads.tar.gz does not match the manifest"):
        call_command(
            "restore",
            str(tmp_path / "backup"),
            database_url="postgres://nobody@127.0.0.1:5432/never_connected",
            uploads_dir=str(tmp_path / "uploads"),
        )
