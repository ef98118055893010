"""Backup and restore of the embedded repository, on real texts."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from ingest.pipeline import IngestOptions, ingest_bytes
from repository.backup import MANIFEST_FILENAME, BackupError, backup, restore, verify
from repository.embedded import DB_FILENAME, EmbeddedRepository
from repository.models import ThesisMetadata
from similarity.fingerprint import MinHashParams, fingerprint_document

DEMO = Path(__file__).resolve().parents[2] / "api" / "demo" / "data"
TEXTS = ["udhr.lv.txt", "udhr.en.txt", "common_voice_terms.lv.txt", "common_voice_privacy_notice.en.txt"]


def _add(repo: EmbeddedRepository, name: str, data: bytes) -> str:
    document = ingest_bytes(data, name, IngestOptions(isolate=False))
    record = repo.add(
        ThesisMetadata(title=name, authors=["Anna Bērziņa"], institution="LU", year=2022),
        document,
        fingerprint_document(document, MinHashParams()),
        original_filename=name,
        size_bytes=len(data),
    )
    return record.id


@pytest.fixture()
def stocked(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    with EmbeddedRepository(data) as repo:
        for name in TEXTS:
            _add(repo, name, (DEMO / name).read_bytes())
    return data


def _snapshot(data: Path) -> tuple[int, list, list]:
    with EmbeddedRepository(data) as repo:
        records = sorted(repo.list(limit=100), key=lambda r: r.id)
        documents = [repo.document(r.id) for r in records]
        return repo.count(), records, documents


def test_backup_and_restore_into_a_new_data_dir(stocked: Path, tmp_path: Path) -> None:
    dest = tmp_path / "backup"
    manifest = backup(stocked, dest)
    assert manifest["counts"]["thesis"] == len(TEXTS) == manifest["counts"]["document"]
    assert json.loads((dest / MANIFEST_FILENAME).read_text(encoding="utf-8")) == manifest
    assert verify(dest)["sha256"] == manifest["sha256"]

    fresh = tmp_path / "fresh"
    restore(dest, fresh)
    assert _snapshot(fresh) == _snapshot(stocked)
    # the restored repository works: candidates and search find the stored theses
    with EmbeddedRepository(fresh) as repo:
        assert repo.search("deklarācija").total >= 1


def test_restore_refuses_a_non_empty_repository_unless_forced(stocked: Path, tmp_path: Path) -> None:
    dest = tmp_path / "backup"
    backup(stocked, dest)
    other = tmp_path / "other"
    with EmbeddedRepository(other) as repo:
        _add(repo, "lvtb.txt", (DEMO / "lvtb-docs.lv.txt").read_bytes()[:20000].decode("utf-8", "ignore").encode())
    with pytest.raises(BackupError, match="--force"):
        restore(dest, other)
    assert _snapshot(other)[0] == 1
    restore(dest, other, force=True)
    assert _snapshot(other) == _snapshot(stocked)


def test_corrupted_backup_is_refused(stocked: Path, tmp_path: Path) -> None:
    dest = tmp_path / "backup"
    backup(stocked, dest)
    db = dest / DB_FILENAME
    raw = bytearray(db.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    db.write_bytes(bytes(raw))
    target = tmp_path / "target"
    with pytest.raises(BackupError, match="checksum"):
        restore(dest, target)
    assert not (target / DB_FILENAME).exists()


def test_newer_schema_version_is_refused(stocked: Path, tmp_path: Path) -> None:
    dest = tmp_path / "backup"
    backup(stocked, dest)
    path = dest / MANIFEST_FILENAME
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["schema_version"] = 999
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BackupError, match="schema version"):
        restore(dest, tmp_path / "target")


def test_backup_file_is_self_contained(stocked: Path, tmp_path: Path) -> None:
    dest = tmp_path / "backup"
    backup(stocked, dest)
    assert not (dest / (DB_FILENAME + "-wal")).exists()
    conn = sqlite3.connect(f"file:{dest / DB_FILENAME}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()
