"""Backup and restore of the embedded repository (``kratuve backup`` / ``kratuve restore``).

``backup(data_dir, dest)`` copies the live database with SQLite's online backup
API (consistent even while other processes read or write) to
``dest/kratuve.sqlite3`` and writes ``dest/kratuve-backup.json``: schema version,
row counts, the file's SHA-256 and when it was made.

``restore(backup_dir, data_dir)`` checks the manifest (checksum, schema version,
counts), refuses to replace a repository that holds theses unless ``force``,
and puts the file in place atomically: copy to a temporary file in the data
directory, fsync, rename. Nothing else may have the repository open meanwhile.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ingest.checksum import sha256_file
from repository.embedded import DB_FILENAME
from repository.errors import RepositoryError
from repository.sqlite_schema import SCHEMA_VERSION

MANIFEST_FILENAME = "kratuve-backup.json"
FORMAT = "kratuve-backup/1"
COUNTED_TABLES = ("thesis", "document", "passage", "lsh_band", "passage_vector", "report")


class BackupError(RepositoryError):
    """A backup cannot be made, or a backup is unusable or refused for restore."""


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in COUNTED_TABLES if t in names}


def _schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def backup(data_dir: Path, dest: Path) -> dict[str, Any]:
    """Back up the repository in ``data_dir`` into the folder ``dest``; return the manifest."""
    source_path = Path(data_dir) / DB_FILENAME
    if not source_path.is_file():
        raise BackupError(f"no repository at {source_path}")
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / DB_FILENAME
    tmp = dest / (DB_FILENAME + ".tmp")
    tmp.unlink(missing_ok=True)
    source = sqlite3.connect(source_path, timeout=30)
    try:
        out = sqlite3.connect(tmp)
        try:
            source.backup(out)
            # A self-contained file: no WAL beside it that a copy could lose.
            out.execute("PRAGMA journal_mode = DELETE")
            counts = _counts(out)
            version = _schema_version(out)
        finally:
            out.close()
    finally:
        source.close()
    _fsync(tmp)
    os.replace(tmp, target)
    _fsync(dest)
    manifest = {
        "format": FORMAT,
        "schema_version": version,
        "counts": counts,
        "file": DB_FILENAME,
        "size_bytes": target.stat().st_size,
        "sha256": sha256_file(target),
        "created_at": datetime.now(timezone.utc).isoformat(),
    }
    manifest_tmp = dest / (MANIFEST_FILENAME + ".tmp")
    manifest_tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    _fsync(manifest_tmp)
    os.replace(manifest_tmp, dest / MANIFEST_FILENAME)
    _fsync(dest)
    return manifest


def read_manifest(backup_dir: Path) -> dict[str, Any]:
    path = Path(backup_dir) / MANIFEST_FILENAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise BackupError(f"{path} is not valid JSON ({exc.msg})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Krātuve backup manifest")
    return manifest


def verify(backup_dir: Path) -> dict[str, Any]:
    """The manifest, once the backup file matches it; else BackupError."""
    manifest = read_manifest(backup_dir)
    db = Path(backup_dir) / DB_FILENAME
    if not db.is_file():
        raise BackupError(f"{db} is missing")
    if sha256_file(db) != manifest.get("sha256"):
        raise BackupError(f"{db} does not match the checksum in its manifest: the backup is damaged")
    version = manifest.get("schema_version")
    if not isinstance(version, int) or version < 1 or version > SCHEMA_VERSION:
        raise BackupError(f"backup schema version {version!r} is not one this code can use (1..{SCHEMA_VERSION})")
    return manifest


def _thesis_count(db: Path) -> int:
    if not db.is_file():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'thesis'").fetchone() is None:
            return 0
        return int(conn.execute("SELECT count(*) FROM thesis").fetchone()[0])
    finally:
        conn.close()


def restore(backup_dir: Path, data_dir: Path, *, force: bool = False) -> dict[str, Any]:
    """Replace the repository in ``data_dir`` with the backup in ``backup_dir``; return its manifest."""
    manifest = verify(backup_dir)
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / DB_FILENAME
    present = _thesis_count(target)
    if present and not force:
        raise BackupError(f"the repository in {data_dir} holds {present} theses; use --force to replace it")
    tmp = data_dir / (DB_FILENAME + ".restore-tmp")
    tmp.unlink(missing_ok=True)
    try:
        shutil.copyfile(Path(backup_dir) / DB_FILENAME, tmp)
        _fsync(tmp)
        if sha256_file(tmp) != manifest["sha256"]:
            raise BackupError("the copy does not match the backup's checksum")
        conn = sqlite3.connect(f"file:{tmp}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError("the backup database fails SQLite's quick_check")
            if _schema_version(conn) != manifest["schema_version"] or _counts(conn) != manifest.get("counts"):
                raise BackupError("the backup database does not hold what its manifest says")
        finally:
            conn.close()
        if target.exists():
            # Fold the old database's WAL into it first, so that no stale WAL
            # frames are left beside the restored file.
            old = sqlite3.connect(target, timeout=30)
            try:
                old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                old.close()
        for suffix in ("-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        os.replace(tmp, target)
        _fsync(data_dir)
    finally:
        tmp.unlink(missing_ok=True)
    return manifest
