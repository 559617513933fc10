"""Backup and restore: the PostgreSQL database (``pg_dump`` custom format) and the private uploads, in one folder.

A backup is a folder ``ercot-<UTC time>/`` holding ``database.dump``, ``uploads.tar.gz`` and ``manifest.json``; the
manifest is written last, so a folder without one is an interrupted backup. It records the row count of every table
and the size and SHA-256 of every uploaded file and of both archives.

The row counts and the dump see the same data: the counts are taken in a repeatable-read transaction whose snapshot
``pg_dump`` is handed (``--snapshot``), so rows written meanwhile are in neither. Uploads are archived after the
snapshot, so every file a dumped row names is already there (a file written meanwhile is archived too, harmlessly).

A restore checks both archives against the manifest, refuses a database that has tables or an uploads folder that
has files (it never overwrites), runs ``pg_restore`` in one transaction, unpacks the uploads and then counts every
table and hashes every file again: any difference from the manifest is an error.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

MANIFEST = "manifest.json"
DUMP = "database.dump"
UPLOADS = "uploads.tar.gz"
FORMAT_VERSION = 1
_SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")


class BackupError(Exception):
    """A backup or restore that cannot go on, or a restore that does not match its manifest."""


# --- the database -------------------------------------------------------------------------------------------------


def _require_postgresql(database: dict) -> None:
    if database.get("ENGINE") != "django.db.backends.postgresql":
        raise BackupError(f"Backup and restore need PostgreSQL; this database is {database.get('ENGINE')}.")


def _connection_params(database: dict, dbname: str | None = None) -> dict[str, Any]:
    """libpq parameters of a Django database settings dict (``DATABASES[...]`` or ``env.db_url_config``)."""
    params = {
        "host": database.get("HOST") or None,
        "port": str(database["PORT"]) if database.get("PORT") else None,
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "dbname": dbname or database["NAME"],
        "sslmode": (database.get("OPTIONS") or {}).get("sslmode"),
    }
    return {key: value for key, value in params.items() if value}


def _pg_env(database: dict) -> dict[str, str]:
    """The environment that points ``pg_dump``/``pg_restore`` at the database (the password stays off the command)."""
    names = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD", "dbname": "PGDATABASE"}
    names["sslmode"] = "PGSSLMODE"
    # None of these may leak in from the calling shell: each one comes from the settings, or is left out.
    env = {key: value for key, value in os.environ.items() if key not in names.values()}
    env.update({names[key]: value for key, value in _connection_params(database).items()})
    return env


def _binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return path


def _run(command: list[str], database: dict) -> None:
    # A list (no shell): a PostgreSQL client binary found on PATH and paths this module made.
    result = subprocess.run(command, env=_pg_env(database), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def table_row_counts(connection: psycopg.Connection) -> dict[str, int]:
    """``{"schema.table": rows}`` for every table outside the system schemas."""
    tables = connection.execute(
        "SELECT schemaname, tablename FROM pg_tables WHERE schemaname <> ALL(%s) ORDER BY 1, 2", [list(_SYSTEM_SCHEMAS)]
    ).fetchall()
    counts = {}
    for schema, table in tables:
        query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, table))
        counts[f"{schema}.{table}"] = connection.execute(query).fetchone()[0]
    return counts


def _dump(database: dict, target: Path) -> tuple[dict[str, int], str]:
    """Dump the database to ``target``; returns the row counts of the same snapshot and the server version."""
    pg_dump = _binary("pg_dump")
    with psycopg.connect(**_connection_params(database)) as connection:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = table_row_counts(connection)
        version = connection.execute("SHOW server_version").fetchone()[0]
        # The snapshot lives as long as this transaction: pg_dump runs inside it.
        _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"], database)
        connection.rollback()
    return counts, version


# --- the uploads --------------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_entry(path: Path, name: str | None = None) -> dict[str, Any]:
    return {"path": name or path.name, "size": path.stat().st_size, "sha256": _sha256(path)}


def file_list(root: Path) -> list[dict[str, Any]]:
    """Every regular file under ``root`` (paths relative to it, ``/``-separated), with its size and SHA-256."""
    if not root.exists():
        return []
    files = sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())
    return [_file_entry(path, path.relative_to(root).as_posix()) for path in files]


def _archive_uploads(root: Path, files: list[dict[str, Any]], target: Path) -> None:
    with tarfile.open(target, "w:gz") as archive:
        for entry in files:
            archive.add(root / entry["path"], arcname=entry["path"], recursive=False)


# --- backup -------------------------------------------------------------------------------------------------------


def backup(
    *, database: dict, uploads_root: Path, output_dir: Path, now: datetime.datetime | None = None
) -> tuple[Path, dict]:
    """Write a backup folder under ``output_dir``; returns it and its manifest."""
    _require_postgresql(database)
    now = now or datetime.datetime.now(tz=datetime.UTC)
    folder = Path(output_dir) / f"ercot-{now:%Y%m%dT%H%M%SZ}"
    Path(output_dir).mkdir(parents=True, exist_ok=True)
    folder.mkdir(mode=0o700)  # the dump holds every row, password hashes included: for the owner only
    counts, version = _dump(database, folder / DUMP)
    files = file_list(Path(uploads_root))
    _archive_uploads(Path(uploads_root), files, folder / UPLOADS)
    for path in (folder / DUMP, folder / UPLOADS):
        path.chmod(0o600)
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": now.isoformat(),
        "database": {"name": database["NAME"], "server_version": version, "tables": counts},
        "dump": _file_entry(folder / DUMP),
        "uploads_archive": _file_entry(folder / UPLOADS),
        "uploads": files,
    }
    partial = folder / f"{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=2) + "\n")
    partial.chmod(0o600)
    partial.rename(folder / MANIFEST)
    return folder, manifest


# --- restore ------------------------------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.exists():
        raise BackupError(f"{folder} has no {MANIFEST}: not a backup folder, or an interrupted backup.")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{path} is format {manifest.get('format')}; this version reads {FORMAT_VERSION}.")
    return manifest


def _check_archives(folder: Path, manifest: dict) -> None:
    for key in ("dump", "uploads_archive"):
        expected = manifest[key]
        actual = _file_entry(Path(folder) / expected["path"])
        if actual != expected:
            raise BackupError(f"{expected['path']} does not match the manifest (damaged or replaced): {actual}.")


def _database_exists(database: dict) -> bool:
    with psycopg.connect(**_connection_params(database, dbname="postgres"), autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]]).fetchone()
    return found is not None


def create_database(database: dict) -> None:
    with psycopg.connect(**_connection_params(database, dbname="postgres"), autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database["NAME"])))


def _refuse_non_empty(database: dict, uploads_root: Path) -> None:
    with psycopg.connect(**_connection_params(database)) as connection:
        tables = connection.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname <> ALL(%s)", [list(_SYSTEM_SCHEMAS)]
        ).fetchone()[0]
    if tables:
        raise BackupError(f"Database {database['NAME']} already has {tables} tables: restore only into an empty one.")
    if uploads_root.exists() and any(path.is_file() for path in uploads_root.rglob("*")):
        raise BackupError(f"{uploads_root} already holds files: restore only into an empty uploads folder.")


def verify(manifest: dict, *, database: dict, uploads_root: Path) -> list[str]:
    """Every difference between the manifest and the database and uploads folder (empty: they match)."""
    problems = []
    with psycopg.connect(**_connection_params(database)) as connection:
        counts = table_row_counts(connection)
    expected_counts = manifest["database"]["tables"]
    for table in sorted(set(expected_counts) | set(counts)):
        if expected_counts.get(table) != counts.get(table):
            problems.append(f"table {table}: {counts.get(table)} rows, the backup has {expected_counts.get(table)}")
    expected_files = {entry["path"]: entry for entry in manifest["uploads"]}
    files = {entry["path"]: entry for entry in file_list(Path(uploads_root))}
    for path in sorted(set(expected_files) | set(files)):
        if expected_files.get(path) != files.get(path):
            problems.append(f"file {path}: {files.get(path)}, the backup has {expected_files.get(path)}")
    return problems


def restore(folder: Path, *, database: dict, uploads_root: Path, create: bool = False) -> dict:
    """Restore ``folder`` into an empty ``database`` and uploads folder, then verify; returns the manifest."""
    _require_postgresql(database)
    folder, uploads_root = Path(folder), Path(uploads_root)
    manifest = read_manifest(folder)
    _check_archives(folder, manifest)
    if create and not _database_exists(database):
        create_database(database)
    _refuse_non_empty(database, uploads_root)
    restore_cmd = [_binary("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    _run([*restore_cmd, f"--dbname={database['NAME']}", str(folder / DUMP)], database)
    uploads_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / UPLOADS, "r:gz") as archive:
        archive.extractall(uploads_root, filter="data")  # no absolute paths, no "..", no links out of the folder
    problems = verify(manifest, database=database, uploads_root=uploads_root)
    if problems:
        raise BackupError("The restore does not match the backup:\n" + "\n".join(problems))
    return manifest
